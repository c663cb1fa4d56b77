// Needs: Kafka, Apicurio Registry and ClickHouse of the local stack. `twitch-pulse sink
// clickhouse` loads pulse.dead-letter and pulse.late-records into their tables and its lag probe
// writes every consumer group's lag into consumer_lag; the pipeline-health dashboard's queries
// then show exactly those records and that lag.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createTopics } from '../../connectors/kafka/admin.ts';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { httpSql } from '../../connectors/clickhouse/httpSql.ts';
import { buildDashboards } from '../../grafana/dashboards.ts';
import { dashboardQueries } from '../../grafana/queries.ts';
import { expandMacros } from '../../grafana/sqlMacros.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { DeadLetter, LateRecord } from '../../schemas/types.ts';
import { createTestTopic, endpoints, testKafka, uniqueName } from './harness.ts';
import { migrateInto, startCli } from './sinkCli.ts';

describe('pipeline health end to end: dead letters, late records and consumer lag into ClickHouse and the dashboard', () => {
  const base = uniqueName('tp-grafana');
  const prefix = `${base}.`;
  const database = base.replace(/[^a-z0-9]/g, '_');
  const env = { ...process.env, CLICKHOUSE_DATABASE: database };
  const client = createClickHouse({ ...endpoints.clickhouse, database });
  const sql = httpSql(client);
  after(async () => {
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
    // The shared broker's other users probe every group: leave none of ours behind.
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteGroups([`${base}-reader`, `${base}-sink`]).catch(() => undefined);
    await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(prefix)) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('lands every record once and the lag of a group with known offsets', { timeout: 240_000 }, async () => {
    migrateInto(env);
    const kafka = testKafka();
    const serde = AvroSerde.connect(endpoints.registryUrl);
    const startMs = Date.now() - 600_000;
    const deadLetters: DeadLetter[] = Array.from({ length: 5 }, (_, i) => ({
      stage: i < 2 ? 'ingest' : 'clickhouse-sink', errorCode: i < 2 ? 'IRC_MALFORMED' : 'CLICKHOUSE_ROW_REJECTED', reason: `reason ${i}`,
      sourceTopic: i < 2 ? null : 'twitch.chat.messages', sourcePartition: i < 2 ? null : i, sourceOffset: i < 2 ? null : String(100 + i),
      channel: i === 0 ? 'xqc' : null, raw: Buffer.from([0xc3, 0x28, i]), occurredAtMs: startMs + i * 60_000,
    }));
    const lateRecords: LateRecord[] = Array.from({ length: 3 }, (_, i) => ({
      operator: 'chat_rate_10s', channel: 'xqc', sourceTopic: 'twitch.chat.messages', sourcePartition: 0, sourceOffset: String(7 + i),
      eventTimeMs: startMs - 60_000, streamTimeMs: startMs + i * 30_000, windowStartMs: startMs - 60_000, windowEndMs: startMs - 50_000, graceMs: 5000,
    }));
    // Idempotent, so a retried send (a new topic's leader can still be moving) cannot write the records twice.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const [id, values] of [['deadLetter', deadLetters], ['lateRecords', lateRecords]] as const) {
      const topic = `${prefix}${TOPICS[id].name}`;
      await createTopics(kafka, [{ ...TOPICS[id], name: topic }]);
      const encode = await serde.encoder(await serde.registerTopic(TOPICS[id], topic));
      await producer.send({ topic, messages: (values as readonly object[]).map((v) => ({ key: 'k', value: encode(v) })) });
    }
    // A group that read 3 of 10 records on partition 0 and committed nothing on partition 1 (4 records).
    const lagTopic = `${prefix}lag`;
    const reader = `${base}-reader`;
    await createTestTopic(kafka, lagTopic, 2);
    await producer.send({ topic: lagTopic, messages: [...Array.from({ length: 10 }, () => ({ partition: 0, value: 'x' })), ...Array.from({ length: 4 }, () => ({ partition: 1, value: 'y' }))] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: reader, topic: lagTopic, partitions: [{ partition: 0, offset: '3' }] });
    await admin.disconnect();

    const sink = startCli(['sink', 'clickhouse', '--group', `${base}-sink`, '--topic-prefix', prefix, '--topics', 'deadLetter,lateRecords', '--lag-every-ms', '1000', '--exit-when-idle-ms', '10000'], env);
    assert.equal(await sink.exited(), 0, sink.stderr());

    const rows = await sql.rows<{ stage: string; reason: string; source_partition: number; raw_base64: string; raw_bytes: number }>(
      'SELECT stage, reason, source_partition, raw_base64, raw_bytes FROM dead_letters FINAL ORDER BY occurred_at_ms');
    assert.deepEqual(rows.map((r) => [r.stage, r.reason, Number(r.source_partition), Buffer.from(r.raw_base64, 'base64').toString('hex'), Number(r.raw_bytes)]),
      deadLetters.map((d) => [d.stage, d.reason, d.sourcePartition ?? -1, d.raw.toString('hex'), 3]));
    const late = await sql.rows<{ source_offset: string; stream_time_ms: string }>('SELECT source_offset, stream_time_ms FROM late_records FINAL ORDER BY stream_time_ms');
    assert.deepEqual(late.map((l) => [l.source_offset, Number(l.stream_time_ms)]), lateRecords.map((l) => [l.sourceOffset, l.streamTimeMs]));

    const lag = await sql.rows<{ partition: number; committed_offset: string; end_offset: string; lag: string; probes: string }>(
      `SELECT partition, argMax(committed_offset, observed_at_ms) AS committed_offset, argMax(end_offset, observed_at_ms) AS end_offset,
         argMax(lag, observed_at_ms) AS lag, count() AS probes
       FROM consumer_lag FINAL WHERE group_id = '${reader}' GROUP BY partition ORDER BY partition`);
    assert.deepEqual(lag.map((l) => [Number(l.partition), Number(l.committed_offset), Number(l.end_offset), Number(l.lag)]), [[0, 3, 10, 7], [1, -1, 4, 4]]);
    assert.ok(lag.every((l) => Number(l.probes) >= 2), `probed repeatedly: ${JSON.stringify(lag)}`);
    const [sinkLag] = await sql.rows<{ lag: string }>(
      `SELECT sum(lag) AS lag FROM consumer_lag FINAL WHERE group_id = '${base}-sink'
         AND observed_at_ms = (SELECT max(observed_at_ms) FROM consumer_lag WHERE group_id = '${base}-sink')`);
    assert.equal(Number(sinkLag!.lag), 0, 'the sink had committed everything by its last probe');

    const pipeline = buildDashboards()['pipeline-health.json']!;
    const ctx = { fromMs: startMs - 60_000, toMs: Date.now() + 60_000, intervalMs: 60_000, variables: {} };
    const run = async (name: string) => sql.rows<Record<string, string | number>>(expandMacros(dashboardQueries(pipeline).find((q) => q.name === name)!.rawSql, ctx));
    assert.deepEqual((await run('Dead letters')).map((r) => Number(r.dead_letters)), [5]);
    assert.deepEqual((await run('Late records')).map((r) => Number(r.late_records)), [3]);
    const byStage = await run('Dead letters by stage');
    assert.deepEqual(Object.fromEntries(['ingest', 'clickhouse-sink'].map((s) => [s, byStage.filter((r) => r.stage === s).reduce((a, r) => a + Number(r.dead_letters), 0)])), { ingest: 2, 'clickhouse-sink': 3 });
    const lastProbe = (await run('Consumer lag at the last probe')).find((r) => r.group_id === reader);
    assert.equal(Number(lastProbe?.lag), 11, 'the reader group\'s lag at the last probe: 7 + 4');
  });
});
