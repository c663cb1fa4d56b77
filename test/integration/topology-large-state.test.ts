// Needs: Kafka and Apicurio Registry of the local stack. A partition with thousands of channels
// gives its task a checkpoint (every channel's hype and ad state) larger than the broker's
// default 1 MiB per record; the topology must still commit it, process everything and keep
// running — not stop consuming while the process lives on.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { simulateChat } from '../../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../../connectors/twitch/ingestToKafka.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { ManagedProcess, untilSettled } from '../faults/kit.ts';
import { endpoints, testKafka, uniqueName } from './harness.ts';

describe('topology with a checkpoint over 1 MiB', () => {
  const base = uniqueName('it-bigstate');
  const prefix = `${base}.`;
  const topology = new ManagedProcess('topology', ['run', '--group', `${base}-topology`, '--instance', 'one', '--input-prefix', prefix, '--output-prefix', prefix], { ...process.env, LOG_LEVEL: 'info' });
  after(() => topology.stop(2_000));

  it('commits it, processes every record and keeps running', { timeout: 300_000 }, async () => {
    const names = { messages: `${prefix}${TOPICS.chatMessages.name}`, events: `${prefix}${TOPICS.chatEvents.name}`, moderation: `${prefix}${TOPICS.moderation.name}`, deadLetter: `${prefix}${TOPICS.deadLetter.name}` };
    const ingest = await openKafkaIngest(endpoints, 'it-bigstate', names);
    // 24,000 channels over 6 partitions: about 4,000 channels of state per task, a checkpoint
    // of about 2 MiB (a real run with 1,667 per task wrote 1.0 MB checkpoints).
    const channels = Array.from({ length: 24_000 }, (_, i) => ({ login: `big_${i}`, roomId: String(600_000_000 + i), baselinePerSecond: 0.05 }));
    let lines = 0;
    for (const line of simulateChat({ channels, startMs: 1_700_000_000_000, durationMs: 90_000, seed: 4, burstChancePerSecond: 0, giftBombChancePerSecond: 0, raidChancePerSecond: 0 })) {
      ingest.ingester.line(line, 0);
      if (++lines % 5_000 === 0) await ingest.producer.backpressure();
    }
    await ingest.close();
    assert.ok(ingest.ingester.stats.messages > 80_000, `${ingest.ingester.stats.messages} messages`);

    topology.start();
    await untilSettled(testKafka(), `${base}-topology`, [names.messages, names.events], 240_000);
    assert.ok(topology.running, 'the topology is still running');
    assert.doesNotMatch(topology.output, /larger than the max message size/);
    await topology.stop();
    assert.deepEqual(topology.unexpectedExits, []);
  });
});
