// Needs: ClickHouse of the local stack (26.x). Also runs chdb (the embedded ClickHouse) in-process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Session } from 'chdb';
import { INSIGHT_NAMES, insightParams, runInsight, type InsightName, type InsightParams } from '../../clickhouse/insights.ts';
import { migrate } from '../../clickhouse/migrations.ts';
import type { SqlRunner } from '../../clickhouse/sql.ts';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { httpSql } from '../../connectors/clickhouse/httpSql.ts';
import { REPO_ROOT } from '../../core/config.ts';
import { chdbSql } from '../support/chdbSql.ts';
import { insightDataSet, loadInsightData } from '../support/insightData.ts';
import { endpoints, uniqueName } from './harness.ts';

const data = insightDataSet();

function cli(args: readonly string[], database: string) {
  const run = spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'report', ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CLICKHOUSE_DATABASE: database },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('twitch-pulse report on the stack\'s ClickHouse, compared with chdb', () => {
  const database = uniqueName('it_report').replaceAll('-', '_');
  const admin = createClickHouse(endpoints.clickhouse, null);
  const client = createClickHouse(endpoints.clickhouse, database);
  const server: SqlRunner = httpSql(client);
  const session = new Session();
  const embedded = chdbSql(session, 'report_it');
  const params = insightParams({ channel: data.channel, untilSeconds: data.untilSeconds, sinceSeconds: data.sinceSeconds });

  before(async () => {
    await admin.command({ query: `CREATE DATABASE ${database}` });
    await migrate(server);
    await migrate(embedded);
    await loadInsightData(server, data);
    await loadInsightData(embedded, data);
  });

  after(async () => {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
    await admin.close();
    session.cleanup();
  });

  const parameterSets: Array<[string, InsightParams]> = [
    ['the week with defaults', params],
    ['the last 2 days, top 5, causes within 45 minutes, streams split at 10 quiet minutes', insightParams({ ...params, sinceSeconds: 2 * 86_400, top: 5, minutes: 45, gapMinutes: 10, limit: 3 })],
    ['the other channel', insightParams({ ...params, channel: data.otherChannel })],
  ];
  for (const [what, p] of parameterSets) {
    it(`answers every insight with the same rows on both engines: ${what}`, async () => {
      for (const name of INSIGHT_NAMES) {
        const [old, current] = [await runInsight(server, name, p), await runInsight(embedded, name, p)];
        assert.deepEqual(old, current, `${name} differs between the stack\'s server and chdb`);
        if (p === params) assert.ok(old.length > 0, `${name} has rows for the week`);
      }
    });
  }

  it('prints every insight as JSON through the real CLI, equal to the queries\' answers', async () => {
    const run = cli(['--channel', data.channel.toUpperCase(), '--since', '7d', '--until', String(data.untilSeconds), '--format', 'json'], database);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { channel: string; from: string; until: string; hasData: boolean; summary: unknown; insights: Record<string, unknown> };
    assert.deepEqual([report.channel, report.from, report.until, report.hasData], [data.channel, '2024-05-06T00:00:00Z', '2024-05-13T00:00:00Z', true]);
    assert.deepEqual(report.summary, (await runInsight(server, 'summary', params))[0]);
    const expectedNames = INSIGHT_NAMES.filter((n) => n !== 'summary');
    assert.deepEqual(Object.keys(report.insights).sort(), [...expectedNames].sort());
    for (const name of expectedNames) {
      assert.deepEqual(report.insights[name], JSON.parse(JSON.stringify(await runInsight(server, name as InsightName, params))), name);
    }
    const causes = report.insights.sub_spike_causes as Array<{ kind: string; raiders: string[]; raid_minutes_before: number[] }>;
    assert.deepEqual(causes.filter((c) => c.kind === 'burst').map((c) => [c.raiders, c.raid_minutes_before]), [[[data.planted.raid.raider], [3]]]);
  });

  it('prints the sections asked for as tables, a heatmap and sparklines', () => {
    const run = cli(['--channel', data.channel, '--until', '2024-05-13', '--only', 'heatmap,subs,ads,chatters'], database);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^#pulse_insights {2}2024-05-06 00:00 → 2024-05-13 00:00 UTC$/m);
    assert.match(run.stdout, /^Wed {2}[· ░▒▓█]{48} {2}\d{1,3}(,\d{3})*$/m);
    assert.match(run.stdout, /^Mon 2024-05-06 .* [▁▂▃▄▅▆▇█]{24}$/m);
    assert.match(run.stdout, /^Wed 20:00–21:00 .* no: hype$/m);
    assert.match(run.stdout, /✓ recommended/);
    assert.match(run.stdout, new RegExp(`^ 1 {2}${data.planted.superfan} `, 'm'));
    assert.doesNotMatch(run.stdout, /peak chat moments|emotes does/);
  });

  it('says so when the channel has no data in the period', () => {
    const run = cli(['--channel', 'nobody_here', '--until', '2024-05-13'], database);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /No data for #nobody_here in this period/);
    const json = cli(['--channel', data.channel, '--until', '2020-01-01', '--format', 'json'], database);
    assert.equal(json.status, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).hasData, false);
    assert.match(json.stderr, /no data for #pulse_insights/);
  });

  it('tells to run `twitch-pulse migrate` when the database has no tables', () => {
    const run = cli(['--channel', data.channel], uniqueName('it_report_missing').replaceAll('-', '_'));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /not applied to database it_report_missing_\w+: table .* missing; run `twitch-pulse migrate` \[MIGRATION_FAILED\]/);
  });
});
