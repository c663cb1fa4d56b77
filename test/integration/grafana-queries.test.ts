// Needs: ClickHouse of the local stack (26.x, as docker-compose.yml deploys). Every Grafana panel, annotation and variable
// query, and the hype alert rule's query, with the ClickHouse plugin's macros expanded, on the
// real server: each returns exactly the rows computed in JavaScript from the loaded records.
// The queries run as the stack's read-only `grafana` user, as Grafana itself connects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate } from '../../clickhouse/migrations.ts';
import type { SqlRunner } from '../../clickhouse/sql.ts';
import { envValue } from '../../core/config.ts';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { httpSql } from '../../connectors/clickhouse/httpSql.ts';
import { buildDashboards } from '../../grafana/dashboards.ts';
import { expandMacros } from '../../grafana/sqlMacros.ts';
import { assertSameRows, grafanaQueryChecks, hypeAlertExpectation, runCheck } from '../support/grafanaExpectations.ts';
import { hypeAlertQuery } from '../support/grafanaProvisioning.ts';
import { insightDataSet, loadInsightData } from '../support/insightData.ts';
import { loadPipelineHealthData, pipelineHealthData } from '../support/pipelineHealthData.ts';
import { assertDeployedClickHouseVersion, endpoints, uniqueName } from './harness.ts';

const insight = insightDataSet();
const health = pipelineHealthData(insight.planted.allHypeHour.beginMs - 3_600_000);

describe('Grafana queries on the stack\'s ClickHouse', () => {
  const database = uniqueName('tp_grafana').replaceAll('-', '_');
  const admin = createClickHouse(endpoints.clickhouse, null);
  const client = createClickHouse(endpoints.clickhouse, database);
  const sql: SqlRunner = httpSql(client);
  // The read-only user Grafana's data source connects as (stack/clickhouse/run.sh, docker-compose.yml).
  const grafanaClient = createClickHouse({ ...endpoints.clickhouse, user: 'grafana', password: envValue('CLICKHOUSE_GRAFANA_PASSWORD') }, database);
  const asGrafana: SqlRunner = httpSql(grafanaClient);

  before(async () => {
    await admin.command({ query: `CREATE DATABASE ${database}` });
    await migrate(sql);
    await loadInsightData(sql, insight);
    await loadPipelineHealthData(sql, health);
  });
  after(async () => {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
    await grafanaClient.close();
    await admin.close();
  });

  it('runs on the ClickHouse major.minor docker-compose.yml deploys', async () => {
    const [row] = await sql.rows<{ v: string }>('SELECT version() AS v');
    assertDeployedClickHouseVersion(row!.v);
  });

  const checks = grafanaQueryChecks(Object.values(buildDashboards()), insight, health);
  for (const check of checks) {
    it(`${check.label} returns the expected rows`, async () => {
      assert.ok(check.expected.length > 0, 'the data set has rows for this query');
      assertSameRows(await runCheck(asGrafana, check), check.expected, check.label, check.tolerance);
    });
  }

  it('the hype alert rule returns one row per channel with a hype that began in its window, and none outside', async () => {
    const { rawSql, fromSeconds, toSeconds } = hypeAlertQuery();
    const nowMs = insight.planted.allHypeHour.beginMs + 120_000;
    const ctx = { fromMs: nowMs - fromSeconds * 1000, toMs: nowMs - toSeconds * 1000, intervalMs: 1000, variables: {} };
    const expected = hypeAlertExpectation(insight, ctx);
    // The planted alert began 2 minutes before "now"; the detector's own alert of that hour, 30 s later, counts too.
    assert.ok(Number(expected.find((r) => r.channel === insight.channel)?.hypes) >= 1, 'the planted alert is in the window');
    assert.ok(insight.planted.highlightBeginMs >= ctx.fromMs && insight.planted.highlightBeginMs < ctx.toMs, 'the planted highlight is in the window');
    assert.ok(!expected.some((r) => r.channel === insight.otherChannel), 'a highlight is not an alert');
    assertSameRows(await asGrafana.rows(expandMacros(rawSql, ctx)), expected, 'hype alert');
    const later = { ...ctx, fromMs: ctx.fromMs + 3_600_000, toMs: ctx.toMs + 3_600_000 };
    assertSameRows(await asGrafana.rows(expandMacros(rawSql, later)), hypeAlertExpectation(insight, later), 'hype alert an hour later');
  });

  it('Grafana\'s user reads but cannot write, alter or drop', async () => {
    assert.ok((await asGrafana.rows('SELECT count() AS n FROM hype FINAL')).length === 1);
    for (const statement of [
      `INSERT INTO hype_starts (room_id, channel, begin_time, begin_ms, messages, rate_per_min, baseline_rate_per_min, z_score) VALUES ('1', 'x', 0, 0, 0, 0, 0, 0)`,
      'ALTER TABLE hype DELETE WHERE 1', 'DROP TABLE hype', `CREATE TABLE ${database}.sneaky (a UInt8) ENGINE = Memory`,
    ]) {
      await assert.rejects(asGrafana.command(statement), /Code: 164|readonly/i, statement);
    }
    assert.equal(Number((await sql.rows<{ n: number | string }>('SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = \'hype\''))[0]!.n), 1, 'hype is still there');
  });
});
