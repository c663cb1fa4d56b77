// Needs: the local stack (stops and restarts its ClickHouse). The sink keeps running while
// ClickHouse is down, backs off with offsets uncommitted, and catches up when it returns:
// every message sent before and during the outage is in ClickHouse once.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../../connectors/twitch/ingestToKafka.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { stackServices } from '../../stack/services.ts';
import { stackDown, stackUp } from '../../stack/supervisor.ts';
import { endpoints, kill, uniqueName } from './harness.ts';
import { migrateInto, startCli, type CliChild } from './sinkCli.ts';

const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 60_000);

describe('ClickHouse sink while ClickHouse is down', () => {
  const base = uniqueName('it-choutage');
  const prefix = `${base}.`;
  const database = base.replace(/[^a-z0-9]/g, '_');
  const env = { ...process.env, CLICKHOUSE_DATABASE: database };
  const clickhouseOnly = stackServices().filter((s) => s.name === 'clickhouse');
  let sink: CliChild | undefined;
  after(async () => {
    if (sink) await kill(sink.child);
    await stackUp(clickhouseOnly);
    const ch = createClickHouse({ ...endpoints.clickhouse, database });
    await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await ch.close();
  });

  it(`loses nothing over a ${OUTAGE_MS / 1000} s outage and counts nothing twice`, { timeout: OUTAGE_MS + 240_000 }, async () => {
    migrateInto(env);
    const ingest = await openKafkaIngest(endpoints, 'it-choutage', {
      messages: `${prefix}${TOPICS.chatMessages.name}`, events: `${prefix}${TOPICS.chatEvents.name}`,
      moderation: `${prefix}${TOPICS.moderation.name}`, deadLetter: `${prefix}${TOPICS.deadLetter.name}`,
    });
    const lines = simulateChat({ channels: simulatedChannels(10), startMs: 1_700_000_000_000, durationMs: 3_600_000, seed: 8, giftBombChancePerSecond: 0, raidChancePerSecond: 0 });
    const sentIds = new Set<string>();
    const send = async (count: number) => {
      for (let sent = 0; sent < count; ) {
        const line = lines.next().value as string;
        if (!line.includes(' PRIVMSG ')) continue;
        sentIds.add(/;id=([^;]+)/.exec(line)![1]!);
        ingest.ingester.line(line, Date.now());
        sent++;
      }
      await ingest.producer.flush();
    };
    const ch = createClickHouse({ ...endpoints.clickhouse, database });
    const landed = async () => Number((await (await ch.query({ query: 'SELECT count() AS n FROM chat_messages FINAL', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
    const until = async (what: string, ok: () => Promise<boolean>, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await ok().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms\n${sink?.stderr()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    sink = startCli(['sink', 'clickhouse', '--group', `${base}-sink`, '--topic-prefix', prefix, '--topics', 'chatMessages', '--max-wait-ms', '500'], env);
    await send(5_000);
    await until('the first 5,000 messages in ClickHouse', async () => (await landed()) === sentIds.size, 60_000);

    await stackDown(clickhouseOnly);
    const downAt = Date.now();
    // Chat keeps coming while ClickHouse is away: in a burst and then trickling.
    await send(10_000);
    while (Date.now() - downAt < OUTAGE_MS) {
      await send(500);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    assert.equal(sink.child.exitCode, null, `the sink kept running through the outage\n${sink.stderr()}`);
    await stackUp(clickhouseOnly);
    const outageMs = Date.now() - downAt;

    await until(`all ${sentIds.size} messages in ClickHouse`, async () => (await landed()) >= sentIds.size, 120_000);
    const ids = (await (await ch.query({ query: 'SELECT id FROM chat_messages FINAL', format: 'JSONEachRow' })).json<{ id: string }>()).map((r) => r.id);
    await ch.close();
    await ingest.close();

    assert.ok(outageMs >= OUTAGE_MS, `ClickHouse was down ${outageMs} ms`);
    assert.match(sink.stderr(), /sink write failed; retrying with offsets uncommitted/, 'the sink backed off while ClickHouse was down');
    assert.equal(ids.length, sentIds.size, 'each message once');
    assert.deepEqual(new Set(ids), sentIds, 'exactly the messages sent, none lost');
    sink.child.kill('SIGTERM');
    assert.equal(await sink.exited(), 0, sink.stderr());
  });
});
