// Needs: the local stack (stops and restarts its Kafka). Chat flows at 1,000 messages/s while
// Kafka is down for 60 s; everything accepted must land exactly once when it returns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openKafkaIngest } from '../../connectors/twitch/ingestToKafka.ts';
import { simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { stackServices } from '../../stack/services.ts';
import { stackDown, stackUp } from '../../stack/supervisor.ts';
import { consumeAll, endpoints, testKafka, uniqueName } from './harness.ts';

const RATE_PER_S = 1_000;
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 60_000);

describe('ingest while Kafka is down', () => {
  it(`buffers ${OUTAGE_MS / 1000} s of chat at ${RATE_PER_S}/s and delivers every message exactly once`, { timeout: OUTAGE_MS + 180_000 }, async () => {
    const base = uniqueName('it-outage');
    const topics = { messages: `${base}.messages`, events: `${base}.events`, moderation: `${base}.moderation`, deadLetter: `${base}.dlq` };
    const ingest = await openKafkaIngest(endpoints, 'it-outage', topics);
    const kafkaOnly = stackServices().filter((s) => s.name === 'kafka');
    const lines = simulateChat({ channels: simulatedChannels(20), startMs: 1_700_000_000_000, durationMs: 3_600_000, seed: 3, giftBombChancePerSecond: 0, raidChancePerSecond: 0 });
    const sentIds: string[] = [];
    let feeding = true;
    const feeder = (async () => {
      // 100 lines every 100 ms: 1,000 messages/s, for as long as the test says.
      while (feeding) {
        const tick = Date.now();
        for (let i = 0; i < RATE_PER_S / 10; i++) {
          const line = lines.next().value as string;
          if (!line.includes(' PRIVMSG ')) continue;
          sentIds.push(/;id=([^;]+)/.exec(line)![1]!);
          ingest.ingester.line(line, Date.now());
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tick))));
      }
    })();

    await new Promise((r) => setTimeout(r, 5_000));
    await stackDown(kafkaOnly);
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const bufferedDuringOutage = ingest.producer.snapshot().buffered;
    await stackUp(kafkaOnly);
    const outageMs = Date.now() - downAt;
    await new Promise((r) => setTimeout(r, 5_000));
    feeding = false;
    await feeder;
    await ingest.close();

    const stats = ingest.producer.snapshot();
    assert.ok(outageMs >= OUTAGE_MS, `Kafka was down ${outageMs} ms`);
    assert.ok(bufferedDuringOutage >= (RATE_PER_S * OUTAGE_MS) / 1000 * 0.9, `records waited in the buffer during the outage: ${bufferedDuringOutage}`);
    assert.ok(stats.failedAttempts > 0, 'produce attempts failed while Kafka was down');
    assert.equal(ingest.ingester.stats.refused, 0);
    assert.equal(stats.delivered, sentIds.length);

    const got = await consumeAll(testKafka(), topics.messages, sentIds.length, 120_000);
    const serde = AvroSerde.connect(endpoints.registryUrl);
    const ids = await Promise.all(got.map(async (m) => (await serde.decode<{ id: string }>(m.value)).value.id));
    assert.equal(ids.length, sentIds.length);
    assert.deepEqual(ids.sort(), [...sentIds].sort(), 'every message once, none lost, none twice');
  });
});
