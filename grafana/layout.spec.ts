import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import grafana from 'grafana-dash-gen';
import type { Panel } from '@grafana/schema';
import { ConfigError } from '../core/errors.ts';
import { toGrafanaDashboard } from './layout.ts';
import { RawPanel, statPanel } from './panels.ts';

const meta = { uid: 'layout-spec', title: 't', description: '', tags: [], refresh: '', time: { from: 'now-1h', to: 'now' } };
const stat = (title: string, span: number) => statPanel(title, 'SELECT 1 AS x WHERE $__timeFilter(t)', { span, description: '' });

describe('toGrafanaDashboard (grafana-dash-gen rows → Grafana 11 grid)', () => {
  it('is empty for a dashboard without rows', () => {
    const d = toGrafanaDashboard(new grafana.Dashboard({ title: 't' }).generate(), meta);
    assert.deepEqual(d.panels, []);
  });

  it('puts a row panel above each row, doubles spans into 24 columns, wraps a full line and stacks rows by their height', () => {
    const dashboard = new grafana.Dashboard({ title: 't' });
    dashboard.addRow(new grafana.Row({ title: 'one', height: '240px', panels: [stat('a', 6), stat('b', 6), stat('c', 4)] }));
    dashboard.addRow(new grafana.Row({ title: 'two', height: '90px', panels: [stat('d', 12)] }));
    const d = toGrafanaDashboard(dashboard.generate(), meta);
    assert.deepEqual(d.panels!.map((p) => [p.type, p.title, p.id, p.gridPos]), [
      ['row', 'one', 1, { h: 1, w: 24, x: 0, y: 0 }],
      ['stat', 'a', 2, { h: 8, w: 12, x: 0, y: 1 }],
      ['stat', 'b', 3, { h: 8, w: 12, x: 12, y: 1 }],
      ['stat', 'c', 4, { h: 8, w: 8, x: 0, y: 9 }],
      ['row', 'two', 5, { h: 1, w: 24, x: 0, y: 17 }],
      ['stat', 'd', 6, { h: 3, w: 24, x: 0, y: 18 }],
    ]);
    assert.ok(d.panels!.every((p) => !('span' in p)), 'no dash-gen span left');
  });

  it('keeps a raw panel\'s type, queries and options and drops the text panel\'s own keys', () => {
    const dashboard = new grafana.Dashboard({ title: 't' });
    dashboard.addRow(new grafana.Row({ panels: [stat('a', 3)] }));
    const panel = toGrafanaDashboard(dashboard.generate(), meta).panels![1] as Panel;
    assert.equal(panel.type, 'stat');
    assert.equal(panel.targets![0]!.rawSql, 'SELECT 1 AS x WHERE $__timeFilter(t)');
    for (const key of ['mode', 'content', 'style', 'error', 'editable']) assert.ok(!(key in panel), key);
  });

  it('refuses a span outside 1..12', () => {
    assert.throws(() => new RawPanel({ type: 'stat', title: 'x', description: '', span: 13, targets: [] }), ConfigError);
  });
});
