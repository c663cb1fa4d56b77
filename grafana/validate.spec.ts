import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dashboard, Panel } from '@grafana/schema';
import { GrafanaDefinitionError } from '../core/errors.ts';
import { CLICKHOUSE_DATASOURCE } from './datasource.ts';
import { buildDashboards } from './dashboards.ts';
import { dashboardProblems, knownPanelTypes, validateDashboard } from './validate.ts';

const UID = CLICKHOUSE_DATASOURCE.uid;
const good = () => structuredClone(buildDashboards()['engagement.json']!);
const firstPanel = (d: Dashboard) => d.panels!.find((p) => p.type !== 'row') as Panel;
const problemsAfter = (change: (d: Dashboard & Record<string, unknown>) => void) => {
  const d = good() as Dashboard & Record<string, unknown>;
  change(d);
  return dashboardProblems(d, UID);
};

describe('dashboardProblems (Grafana dashboard model from @grafana/schema)', () => {
  it('knows Grafana\'s core panel types from the schema package', () => {
    const types = knownPanelTypes();
    for (const t of ['timeseries', 'stat', 'table', 'heatmap', 'text', 'row']) assert.ok(types.has(t), t);
    assert.ok(!types.has('graph2'));
  });

  it('finds nothing wrong with a generated dashboard', () => {
    assert.deepEqual(dashboardProblems(good(), UID), []);
  });

  const cases: Array<[string, (d: Dashboard & Record<string, unknown>) => void, RegExp]> = [
    ['a key outside the model', (d) => { d.rows = []; }, /dashboard: unknown key rows/],
    ['a value of the wrong type', (d) => { (d as Record<string, unknown>).editable = 'yes'; }, /dashboard\.editable: string, the model has boolean/],
    ['no schema version', (d) => { delete (d as Partial<Dashboard>).schemaVersion; }, /schemaVersion is required/],
    ['an unknown panel type', (d) => { firstPanel(d).type = 'graph2'; }, /unknown panel type graph2/],
    ['a panel key outside the model', (d) => { (firstPanel(d) as unknown as Record<string, unknown>).span = 3; }, /unknown key span/],
    ['two panels with one id', (d) => { firstPanel(d).id = d.panels![0]!.id; }, /id \d+ is missing or not unique/],
    ['two targets with one refId', (d) => { const p = firstPanel(d); p.targets = [p.targets![0]!, p.targets![0]!]; }, /refId "A" is missing or not unique/],
    ['a panel beyond 24 columns', (d) => { firstPanel(d).gridPos = { x: 20, y: 1, w: 6, h: 8 }; }, /leaves the 24 columns/],
    ['overlapping panels', (d) => { const ps = d.panels!.filter((p) => p.type !== 'row'); ps[1]!.gridPos = { ...ps[0]!.gridPos! }; }, /overlaps panel/],
    ['another data source', (d) => { firstPanel(d).datasource = { type: 'grafana-clickhouse-datasource', uid: 'other' }; }, /data source "other" is not the provisioned/],
    ['a target on another data source', (d) => { firstPanel(d).targets![0]!.datasource = { uid: 'other' }; }, /A: data source "other"/],
    ['an undefined variable', (d) => { firstPanel(d).targets![0]!.rawSql = 'SELECT 1 WHERE x IN (${game:singlequote})'; }, /undefined variable \$game/],
    ['an annotation on another data source', (d) => { d.annotations!.list![1]!.datasource = { uid: 'x' }; }, /annotation Hype: data source "x"/],
    ['a variable defined twice', (d) => { d.templating!.list!.push({ ...d.templating!.list![0]! }); }, /variable channel: defined twice/],
    ['a short uid', (d) => { d.uid = 'x'; }, /uid must have 8\.\.40 characters/],
  ];
  for (const [what, change, problem] of cases) {
    it(`reports ${what}`, () => {
      const problems = problemsAfter(change);
      assert.ok(problems.some((p) => problem.test(p)), `expected ${problem} in ${JSON.stringify(problems)}`);
    });
  }

  it('validateDashboard throws a GrafanaDefinitionError listing the problems', () => {
    const d = good();
    firstPanel(d).type = 'graph2';
    assert.throws(() => validateDashboard(d, UID), (e: unknown) => e instanceof GrafanaDefinitionError && /graph2/.test(e.message));
    assert.equal(validateDashboard(good(), UID).uid, 'twitch-pulse-engagement');
  });
});
