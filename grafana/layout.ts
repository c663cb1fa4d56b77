import type grafana from 'grafana-dash-gen';
import type { AnnotationQuery, Dashboard, Panel, RowPanel, VariableModel } from '@grafana/schema';
import { CLICKHOUSE_DATASOURCE, type SqlTarget } from './datasource.ts';

/** Grafana's grid: 24 columns, rows of 30 px. grafana-dash-gen's rows have 12 spans. */
export const GRID_COLUMNS = 24;
const GRID_ROW_PX = 30;
const SPAN_TO_COLUMNS = GRID_COLUMNS / 12;

/** Schema version of the generated JSON (that of Grafana 10.4/11.0); Grafana upgrades older versions when it loads a dashboard. */
export const SCHEMA_VERSION = 39;

/** What grafana-dash-gen's `generate()` leaves out of a current dashboard. */
export interface DashboardMeta {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
}

type Generated = ReturnType<grafana.Dashboard['generate']>;

// Grafana shows its own annotations (alerts, manual notes) through this built-in query.
const BUILT_IN_ANNOTATION: AnnotationQuery = {
  builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true,
  iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard',
};

/**
 * Turns grafana-dash-gen's output (rows of panels with 12-column spans, the pre-5.0 layout) into
 * the dashboard model Grafana 11 stores: a flat `panels` list with a `row` panel per row and
 * `gridPos` for every panel (x, w in 24 columns; h from the row height), ids numbered 1.. in
 * order. Variables and annotations are reduced to the keys of @grafana/schema's model.
 */
export function toGrafanaDashboard(generated: Generated, meta: DashboardMeta): Dashboard {
  const panels: Array<Panel | RowPanel> = [];
  let id = 0;
  let y = 0;
  for (const row of generated.rows ?? []) {
    const rowHeight = Math.max(1, Math.round(Number.parseInt(String(row.height ?? '240px'), 10) / GRID_ROW_PX));
    panels.push({ type: 'row', id: ++id, title: String(row.title ?? ''), collapsed: false, panels: [], gridPos: { h: 1, w: GRID_COLUMNS, x: 0, y } });
    y += 1;
    let x = 0;
    for (const generatedPanel of row.panels) {
      const { span, id: _dashGenId, ...panel } = generatedPanel as Record<string, unknown> & { span?: number };
      const w = (span ?? 12) * SPAN_TO_COLUMNS;
      if (x + w > GRID_COLUMNS) {
        x = 0;
        y += rowHeight;
      }
      panels.push({ ...(panel as unknown as Panel), id: ++id, gridPos: { h: rowHeight, w, x, y } });
      x += w;
    }
    y += rowHeight;
  }
  return {
    uid: meta.uid, title: meta.title, description: meta.description, tags: [...meta.tags],
    editable: true, graphTooltip: 1, timezone: 'utc', refresh: meta.refresh, time: { ...meta.time },
    schemaVersion: SCHEMA_VERSION, fiscalYearStartMonth: 0, liveNow: false, links: [],
    annotations: { list: [BUILT_IN_ANNOTATION, ...generated.annotations.list.map(toAnnotation)] },
    templating: { list: generated.templating.list.map(toVariable) },
    panels,
  };
}

function toAnnotation(a: Record<string, unknown>): AnnotationQuery {
  return {
    name: String(a.name), datasource: CLICKHOUSE_DATASOURCE, enable: a.enable !== false, hide: false,
    iconColor: String(a.iconColor), target: a.target as SqlTarget & Record<string, unknown>,
  };
}

function toVariable(v: Record<string, unknown>): VariableModel {
  const query = String(v.query);
  return {
    type: 'query', name: String(v.name), label: String(v.label ?? v.name), datasource: CLICKHOUSE_DATASOURCE,
    query, refresh: Number(v.refresh) as VariableModel['refresh'], sort: 1, hide: 0,
    includeAll: Boolean(v.includeAll), multi: Boolean(v.multi), skipUrlSync: false, options: [],
    current: v.includeAll ? { selected: true, text: ['All'], value: ['$__all'] } : { text: '', value: '' },
  };
}
