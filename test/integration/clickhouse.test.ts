// Needs: ClickHouse of the local stack.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { migrate, migrationSettings } from '../../clickhouse/migrations.ts';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { httpSql } from '../../connectors/clickhouse/httpSql.ts';
import { endpoints, uniqueName } from './harness.ts';

describe('ClickHouse', () => {
  const ch = createClickHouse(endpoints.clickhouse);
  after(() => ch.close());

  it('answers ping and has the project database', async () => {
    assert.equal((await ch.ping()).success, true);
    const rows = await (await ch.query({ query: `SELECT name FROM system.databases WHERE name = '${endpoints.clickhouse.database}'`, format: 'JSONEachRow' })).json<{ name: string }>();
    assert.deepEqual(rows, [{ name: endpoints.clickhouse.database }]);
  });

  it('migrates the raw tables with a TTL of CLICKHOUSE_RAW_RETENTION_DAYS on their time column', async () => {
    const database = uniqueName('it_ttl').replaceAll('-', '_');
    const admin = createClickHouse(endpoints.clickhouse, null);
    const client = createClickHouse(endpoints.clickhouse, database);
    try {
      await admin.command({ query: 'CREATE DATABASE {database:Identifier}', query_params: { database } });
      const { rawRetentionDays } = migrationSettings();
      await migrate(httpSql(client));
      const ttls: Record<string, string> = { chat_messages: 'event_time', chat_events: 'event_time', moderation: 'event_time', dead_letters: 'occurred_at', late_records: 'stream_time', consumer_lag: 'observed_at' };
      for (const [table, column] of Object.entries(ttls)) {
        const [row] = await httpSql(client).rows<{ statement: string }>(`SHOW CREATE TABLE ${table}`);
        assert.ok(row!.statement.includes(`TTL ${column} + toIntervalDay(_CAST(${rawRetentionDays}, 'UInt16'))`), `${table}: ${row!.statement}`);
      }
    } finally {
      await admin.command({ query: 'DROP DATABASE IF EXISTS {database:Identifier}', query_params: { database } });
      await client.close();
      await admin.close();
    }
  });

  it('round-trips rows through a ReplacingMergeTree partitioned by day, collapsed with FINAL', async () => {
    const table = uniqueName('it_rt').replaceAll('-', '_');
    await ch.command({
      query: `CREATE TABLE ${table} (channel String, ts DateTime, messages UInt64, version UInt64)
              ENGINE = ReplacingMergeTree(version) PARTITION BY toDate(ts) ORDER BY (channel, ts)`,
    });
    try {
      const rows = [
        { channel: 'xqc', ts: '2024-05-01 10:00:00', messages: 10, version: 1 },
        { channel: 'xqc', ts: '2024-05-01 10:00:00', messages: 12, version: 2 },
        { channel: 'forsen', ts: '2024-05-02 23:59:59', messages: 3, version: 1 },
        { channel: '日本語', ts: '2024-05-03 00:00:00', messages: 1, version: 1 },
      ];
      await ch.insert({ table, values: rows, format: 'JSONEachRow' });
      const got = await (await ch.query({ query: `SELECT channel, toString(ts) AS ts, messages FROM ${table} FINAL ORDER BY ts`, format: 'JSONEachRow' })).json<{ channel: string; ts: string; messages: string | number }>();
      assert.deepEqual(got.map((r) => [r.channel, r.ts, Number(r.messages)]), [
        ['xqc', '2024-05-01 10:00:00', 12],
        ['forsen', '2024-05-02 23:59:59', 3],
        ['日本語', '2024-05-03 00:00:00', 1],
      ]);
      const parts = await (await ch.query({ query: `SELECT count() AS n FROM (SELECT DISTINCT partition FROM system.parts WHERE table = '${table}' AND active)`, format: 'JSONEachRow' })).json<{ n: string | number }>();
      assert.equal(Number(parts[0]!.n), 3);
    } finally {
      await ch.command({ query: `DROP TABLE IF EXISTS ${table}` });
    }
  });
});
