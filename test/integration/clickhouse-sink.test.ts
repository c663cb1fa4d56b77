// Needs: Kafka, Apicurio Registry and ClickHouse of the local stack. Recorded and simulated chat
// goes through ingest → `twitch-pulse run` (topology) → `twitch-pulse sink clickhouse`; every
// table must then hold exactly the rows of its topic — after a kill -9 of the sink mid-batch,
// and after a second consumer group wrote every row again. Planted hype-start and ad-window
// updates (issue #19) must win over their originals, also when an original is inserted last.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { TABLE_MAPPINGS } from '../../connectors/clickhouse/tables.ts';
import { CHAT_TABLES, IDENTITY, canonical } from '../support/clickhouseRows.ts';
import { simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../../connectors/twitch/ingestToKafka.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { committedValues, endpoints, kill, testKafka, uniqueName, untilCaughtUp } from './harness.ts';
import { migrateInto, startCli, type CliChild } from './sinkCli.ts';

describe('ClickHouse sink: exact rows from Kafka', () => {
  const kafka = testKafka();
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const base = uniqueName('it-chsink');
  const prefix = `${base}.`;
  const database = base.replace(/[^a-z0-9]/g, '_');
  const env = { ...process.env, CLICKHOUSE_DATABASE: database };
  const ch = createClickHouse({ ...endpoints.clickhouse, database });
  const children: CliChild[] = [];
  /** Expected rows per table: identity → canonical row. */
  const expected = new Map<string, Map<string, string>>();
  let recordCount = 0;
  // A hype announced as a highlight, then as an alert; an ad window, then its cancellation.
  const plantedStart = { channel: 'it_planted', roomId: 'planted-19', beginMs: 1_700_000_400_000, messages: 90, ratePerMin: 540, baselineRatePerMin: 40, zScore: 9, alert: false };
  const plantedAd = { channel: 'it_planted', roomId: 'planted-19', startMs: 1_700_000_300_000, endMs: 1_700_000_360_000, score: 0.5, reason: 'calm but attended', ratePerMin: 40, baselineRatePerMin: 40, cancelledAtMs: null };
  const cancelledAtMs = 1_700_000_320_000;

  const tableRows = async (table: string, final: boolean) =>
    // FINAL reads many parts at once (18.16 read all of them), with a 1 MiB buffer per column and part: small
    // buffers keep a table of many fresh small parts (the kill test's 400-row batches) in memory.
    (await (await ch.query({ query: `SELECT * FROM ${table}${final ? ' FINAL' : ''}`, format: 'JSONEachRow', clickhouse_settings: { max_read_buffer_size: '65536' } })).json<Record<string, unknown>>()).map(canonical);
  const rowCount = async (table: string) => Number((await (await ch.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);

  async function assertExact(label: string): Promise<void> {
    for (const [table, rows] of expected) {
      const parts = await (await ch.query({ query: `SELECT count() AS n FROM system.parts WHERE active AND database = '${database}' AND table = '${table}'`, format: 'JSONEachRow' })).json<{ n: string }>();
      console.log(`${label}: ${table} has ${parts[0]!.n} active parts`);
      const got = (await tableRows(table, true)).sort();
      assert.deepEqual(got, [...rows.values()].sort(), `${label}: ${table} holds exactly its topic's rows`);
    }
  }

  before(async () => {
    migrateInto(env);

    const names = { messages: `${prefix}${TOPICS.chatMessages.name}`, events: `${prefix}${TOPICS.chatEvents.name}`, moderation: `${prefix}${TOPICS.moderation.name}`, deadLetter: `${prefix}${TOPICS.deadLetter.name}` };
    const ingest = await openKafkaIngest(endpoints, 'it-chsink', names);
    const fixture = (f: string) => readFileSync(new URL(`../fixtures/irc/${f}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
    // Simulated chat (Nov 2023) first, then the recorded lines (later): event time moves forward.
    for (const line of simulateChat({ channels: simulatedChannels(5), startMs: 1_700_000_000_000, durationMs: 15 * 60_000, seed: 5, burstChancePerSecond: 1 / 120, giftBombChancePerSecond: 1 / 90, raidChancePerSecond: 1 / 300 })) {
      ingest.ingester.line(line, 0);
    }
    for (const line of [...fixture('privmsg.log'), ...fixture('usernotice.log'), ...fixture('moderation.log')]) ingest.ingester.line(line, 0);
    await ingest.close();

    const topology = startCli(['run', '--group', `${base}-topology`, '--input-prefix', prefix, '--output-prefix', prefix], process.env);
    children.push(topology);
    await untilCaughtUp(kafka, `${base}-topology`, [names.messages, names.events]).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; the topology's log ends:\n${topology.stderr()}`);
    });
    await kill(topology.child);

    const producer = kafka.producer();
    await producer.connect();
    for (const [id, values] of [['hypeStarts', [plantedStart, { ...plantedStart, zScore: 16, alert: true }]], ['adWindows', [plantedAd, { ...plantedAd, cancelledAtMs }]]] as const) {
      const topic = `${prefix}${TOPICS[id].name}`;
      const schemaId = await serde.registerTopic(TOPICS[id], topic);
      await producer.send({ topic, acks: -1, messages: await Promise.all(values.map(async (v) => ({ key: v.roomId, value: await serde.encode(schemaId, v) }))) });
    }
    await producer.disconnect();

    for (const id of CHAT_TABLES) {
      const mapping = TABLE_MAPPINGS.find((m) => m.topic === id)!;
      const rows = new Map<string, string>();
      const values = await committedValues(kafka, `${prefix}${TOPICS[id].name}`, serde);
      recordCount += values.length;
      for (const value of values) {
        const row = mapping.toRow(value as never);
        rows.set(JSON.stringify(IDENTITY[mapping.table]!.map((c) => row[c])), canonical(row));
      }
      expected.set(mapping.table, rows);
    }
  });

  after(async () => {
    await Promise.all(children.map((c) => kill(c.child)));
    await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await ch.close();
  });

  it('the input produced rows for every chat table', () => {
    for (const [table, rows] of expected) assert.ok(rows.size > 0, `${table} has expected rows`);
    assert.ok(expected.get('chat_messages')!.size > 5_000, `chat messages: ${expected.get('chat_messages')!.size}`);
  });

  it('holds exactly the topics\' rows after a kill -9 mid-batch and a restart', async () => {
    const group = `${base}-sink`;
    const sinkArgs = ['sink', 'clickhouse', '--group', group, '--topic-prefix', prefix, '--topics', CHAT_TABLES.join(','), '--max-rows', '400'];
    // Batches go out by size only, so the kill lands among many small insert-then-commit steps.
    const first = startCli([...sinkArgs, '--max-wait-ms', '600000'], env);
    children.push(first);
    const total = expected.get('chat_messages')!.size;
    const deadline = Date.now() + 60_000;
    while ((await rowCount('chat_messages')) < total / 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await kill(first.child);
    const atKill = await rowCount('chat_messages');
    assert.ok(atKill > 0 && atKill < total, `killed mid-way: ${atKill} of ${total} chat messages were in`);

    const second = startCli([...sinkArgs, '--exit-when-idle-ms', '3000'], env);
    children.push(second);
    assert.equal(await second.exited(), 0, second.stderr());
    await assertExact('after kill -9 and restart');
    await untilCaughtUp(kafka, group, [`${prefix}${TOPICS.chatMessages.name}`, `${prefix}${TOPICS.chatEvents.name}`, `${prefix}${TOPICS.moderation.name}`]);
  });

  it('counts each row once even when a second consumer group writes every row again', async () => {
    const again = startCli(['sink', 'clickhouse', '--group', `${base}-again`, '--topic-prefix', prefix, '--topics', CHAT_TABLES.join(','), '--exit-when-idle-ms', '3000'], env);
    children.push(again);
    assert.equal(await again.exited(), 0, again.stderr());
    const stats = JSON.parse(again.stdout().trim().split('\n').pop()!) as { items: number; deadLetters: number };
    assert.deepEqual([stats.items, stats.deadLetters], [recordCount, 0], 'the second group wrote every record again');
    await assertExact('after a full second write');
  });

  it('keeps a hype\'s alert and an ad window\'s cancellation over their originals, also when an original is inserted after its update', async () => {
    const planted = async () => ({
      starts: await (await ch.query({ query: "SELECT toString(begin_ms) AS begin_ms, alert, z_score FROM hype_starts FINAL WHERE room_id = 'planted-19'", format: 'JSONEachRow' })).json(),
      ads: await (await ch.query({ query: "SELECT toString(start_ms) AS start_ms, toString(cancelled_at_ms) AS cancelled_at_ms, cancelled FROM ad_windows FINAL WHERE room_id = 'planted-19'", format: 'JSONEachRow' })).json(),
    });
    const landed = { starts: [{ begin_ms: String(plantedStart.beginMs), alert: 1, z_score: 16 }], ads: [{ start_ms: String(plantedAd.startMs), cancelled_at_ms: String(cancelledAtMs), cancelled: 1 }] };
    assert.deepEqual(await planted(), landed, 'the updates landed');
    // As a consumer that lost its partitions in a rebalance may still do: the originals again, last.
    for (const [id, original] of [['hypeStarts', plantedStart], ['adWindows', plantedAd]] as const) {
      const mapping = TABLE_MAPPINGS.find((m) => m.topic === id)!;
      await ch.insert({ table: mapping.table, values: [mapping.toRow(original as never)], format: 'JSONEachRow' });
    }
    assert.deepEqual(await planted(), landed, 'the tables\' versions keep the updates');
  });

  it('answers every report question on what the sink loaded', async () => {
    // sim_channel_1 chats for the whole simulated quarter hour, with subs and hypes.
    const report = startCli(['report', '--channel', 'sim_channel_1', '--since', '1d', '--until', '2023-11-15T12:00:00Z', '--format', 'json'], env);
    assert.equal(await report.exited(), 0, report.stderr());
    const data = JSON.parse(report.stdout()) as { hasData: boolean; summary: { messages: number | string }; insights: Record<string, Array<Record<string, unknown>>> };
    const messages = [...expected.get('chat_messages')!.values()].filter((r) => r.includes('["channel","sim_channel_1"]')).length;
    assert.equal(data.hasData, true);
    assert.equal(Number(data.summary.messages), messages, 'the report counts each loaded message once');
    for (const insight of ['heatmap', 'peak_moments', 'subs_daily', 'subs_hourly', 'sub_spike_causes', 'ad_slots', 'top_chatters', 'top_emotes']) {
      assert.ok(Array.isArray(data.insights[insight]), `${insight} answered`);
    }
    for (const insight of ['heatmap', 'peak_moments', 'subs_daily', 'top_chatters', 'top_emotes']) {
      assert.ok(data.insights[insight]!.length > 0, `${insight} has rows`);
    }
    const heatmapMessages = data.insights.heatmap!.reduce((n, cell) => n + Number(cell.messages), 0);
    assert.equal(heatmapMessages, messages, 'heatmap cells add up to the loaded messages');
  });
});
