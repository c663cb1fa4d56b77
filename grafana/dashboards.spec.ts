import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Dashboard } from '@grafana/schema';
import { provisioningFile } from '../test/support/grafanaProvisioning.ts';
import { buildDashboards, DASHBOARDS_DIR, dashboardFileText } from './dashboards.ts';
import { dashboardQueries } from './queries.ts';
import { dashboardProblems } from './validate.ts';

const dashboards = buildDashboards();
// The uid Grafana gets from provisioning, not the generator's own constant.
const provisionedUid = provisioningFile<{ datasources: Array<{ uid: string }> }>('datasources/clickhouse.yaml').datasources[0]!.uid;

describe('generated dashboards', () => {
  it('are committed exactly as the generator writes them now (run `npm run dashboards` after a change)', () => {
    const committed = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(committed, Object.keys(dashboards).sort(), 'grafana/dashboards/ holds one file per generated dashboard, no others');
    for (const [name, dashboard] of Object.entries(dashboards)) {
      assert.ok(readFileSync(`${DASHBOARDS_DIR}/${name}`, 'utf8') === dashboardFileText(dashboard), `grafana/dashboards/${name} is stale: run npm run dashboards`);
    }
  });

  it('are the same on every run (ids do not depend on what was generated before)', () => {
    assert.deepEqual(buildDashboards(), dashboards);
  });

  for (const [name, dashboard] of Object.entries(dashboards)) {
    it(`${name} validates against Grafana's dashboard model on the provisioned data source`, () => {
      assert.deepEqual(dashboardProblems(JSON.parse(dashboardFileText(dashboard)), provisionedUid), []);
    });
  }

  it('have unique uids and titles, and panels of the kinds the issue asks for', () => {
    const all: Dashboard[] = Object.values(dashboards);
    assert.equal(new Set(all.map((d) => d.uid)).size, all.length);
    assert.equal(new Set(all.map((d) => d.title)).size, all.length);
    const panels = all.flatMap((d) => (d.panels ?? []).map((p) => `${p.type}: ${p.title}`));
    for (const wanted of [
      'timeseries: Message rate per channel (10 s windows)', 'stat: Unique chatters', 'timeseries: Unique chatters per minute', 'timeseries: Sub events per minute',
      'table: Gift bombs', 'table: Ad windows', 'table: Engagement by hour of week (UTC)', 'table: Category changes and their risk',
      'timeseries: Consumer lag per group', 'timeseries: Dead letters by stage', 'timeseries: Late records by operator', 'timeseries: Ingest rate',
    ]) assert.ok(panels.includes(wanted), `missing panel ${wanted}`);
    const engagement = dashboards['engagement.json']!;
    assert.deepEqual(engagement.annotations?.list?.filter((a) => !a.builtIn).map((a) => a.name), ['Hype', 'Ad windows', 'Category changes']);
    assert.deepEqual(engagement.templating?.list?.map((v) => [v.name, v.type, v.multi, v.includeAll]), [['channel', 'query', true, true]]);
  });

  it('filter every engagement query but the channel list by the channel variable, and every query by the time range', () => {
    for (const dashboard of Object.values(dashboards)) {
      for (const q of dashboardQueries(dashboard)) {
        assert.match(q.rawSql, /\$__timeFilter\(\w+\)/, `${q.name} has no time filter`);
        if (dashboard.uid === 'twitch-pulse-engagement' && q.kind !== 'variable') assert.match(q.rawSql, /IN \(\$\{channel:singlequote\}\)/, `${q.name} ignores the channel variable`);
      }
    }
  });

  it('read the ReplacingMergeTree tables with FINAL wherever rows are counted or summed', () => {
    for (const dashboard of Object.values(dashboards)) {
      for (const q of dashboardQueries(dashboard).filter((x) => x.kind !== 'variable')) {
        assert.doesNotMatch(q.rawSql, /FROM (chat_messages|chat_events|chat_rates|sub_activity|hype|ad_windows|category_changes|dead_letters|late_records|consumer_lag)\b(?! FINAL)/, q.name);
      }
    }
  });
});
