import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session } from 'chdb';
import { migrate } from '../clickhouse/migrations.ts';
import type { SqlRunner } from '../clickhouse/sql.ts';
import { chdbSql } from '../test/support/chdbSql.ts';
import { assertSameRows, grafanaQueryChecks, hypeAlertExpectation, runCheck } from '../test/support/grafanaExpectations.ts';
import { hypeAlertQuery } from '../test/support/grafanaProvisioning.ts';
import { insightDataSet, loadInsightData } from '../test/support/insightData.ts';
import { loadPipelineHealthData, pipelineHealthData } from '../test/support/pipelineHealthData.ts';
import { buildDashboards } from './dashboards.ts';
import { expandMacros } from './sqlMacros.ts';

const insight = insightDataSet();
const health = pipelineHealthData(insight.planted.allHypeHour.beginMs - 3_600_000);

describe('every dashboard query and the alert rule on current ClickHouse (chdb), macros expanded, on known rows', () => {
  const session = new Session();
  let sql: SqlRunner;
  before(async () => {
    sql = chdbSql(session, 'grafana_spec');
    await migrate(sql);
    await loadInsightData(sql, insight);
    await loadPipelineHealthData(sql, health);
  });
  after(() => session.cleanup());

  const checks = grafanaQueryChecks(Object.values(buildDashboards()), insight, health);
  for (const check of checks) {
    it(`${check.label} returns the expected rows`, async () => {
      assertSameRows(await runCheck(sql, check), check.expected, check.label, check.tolerance);
    });
  }

  it('checks panels that have rows to return (a query returning nothing proves little)', () => {
    const empty = checks.filter((c) => c.expected.length === 0 || c.expected.every((r) => Object.values(r).every((v) => v === 0)));
    assert.deepEqual(empty.map((c) => c.label), []);
  });

  it('the hype alert rule finds the hypes that began in its window, per channel, and nothing outside it', async () => {
    const { rawSql, fromSeconds, toSeconds } = hypeAlertQuery();
    const nowMs = insight.planted.allHypeHour.beginMs + 120_000;
    const ctx = { fromMs: nowMs - fromSeconds * 1000, toMs: nowMs - toSeconds * 1000, intervalMs: 1000, variables: {} };
    const expected = hypeAlertExpectation(insight, ctx);
    assert.ok(expected.some((r) => r.channel === insight.channel), 'the planted hype is in the window');
    assert.ok(insight.planted.highlightBeginMs >= ctx.fromMs && insight.planted.highlightBeginMs < ctx.toMs, 'the planted highlight is in the window');
    assert.ok(!expected.some((r) => r.channel === insight.otherChannel), 'a highlight is not an alert');
    assertSameRows(await sql.rows(expandMacros(rawSql, ctx)), expected, 'hype alert');
    const quiet = { ...ctx, fromMs: ctx.fromMs - 86_400_000 * 3, toMs: ctx.toMs - 86_400_000 * 3 };
    assertSameRows(await sql.rows(expandMacros(rawSql, quiet)), hypeAlertExpectation(insight, quiet), 'hype alert, 3 days earlier');
  });
});
