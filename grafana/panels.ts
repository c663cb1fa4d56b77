import grafana from 'grafana-dash-gen';
import { ConfigError } from '../core/errors.ts';
import type { FieldConfigSource } from '@grafana/schema';
import { CLICKHOUSE_DATASOURCE, sqlTarget, type ResultFormat, type SqlTarget } from './datasource.ts';

/** Panel types grafana-dash-gen has no class for, which the dashboards use. */
export type PanelType = 'timeseries' | 'stat' | 'table';

/** What a panel shows: its type, title, width in a row and its queries. */
export interface PanelSpec {
  readonly type: PanelType;
  readonly title: string;
  readonly description: string;
  /** Width in grafana-dash-gen's 12-column rows (1..12); the grid has twice as many columns. */
  readonly span: number;
  readonly targets: readonly SqlTarget[];
  readonly fieldConfig?: FieldConfigSource;
  readonly options?: Record<string, unknown>;
}

// Keys of grafana-dash-gen's Text panel that only the text panel understands.
const TEXT_ONLY_KEYS = ['mode', 'content', 'style', 'error', 'editable', 'links'] as const;

/**
 * A panel of a type grafana-dash-gen lacks (timeseries, stat, a current table), added to its
 * rows like any of its own panels. It builds on dash-gen's Text panel, whose constructor copies
 * every option onto the panel's state (dash-gen's generic way to set what it has no setter
 * for); the text-only defaults are then dropped. The id comes from dash-gen's counter and is
 * renumbered per dashboard by {@link toGrafanaDashboard}.
 */
export class RawPanel extends grafana.Panels.Text {
  constructor(spec: PanelSpec) {
    if (!Number.isInteger(spec.span) || spec.span < 1 || spec.span > 12) throw new ConfigError(`span of panel "${spec.title}"`, `must be an integer in 1..12, got ${spec.span}`);
    super({
      type: spec.type, title: spec.title, description: spec.description, span: spec.span,
      datasource: CLICKHOUSE_DATASOURCE, targets: [...spec.targets],
      fieldConfig: spec.fieldConfig ?? { defaults: {}, overrides: [] }, options: spec.options ?? {},
    } as unknown as ConstructorParameters<typeof grafana.Panels.Text>[0]);
    for (const key of TEXT_ONLY_KEYS) delete this.state[key];
  }
}

/** Common settings of the SQL panels below. */
interface SqlPanelOptions {
  readonly description: string;
  readonly span: number;
  readonly unit?: string;
  readonly fieldConfig?: FieldConfigSource;
  readonly options?: Record<string, unknown>;
}

function sqlPanel(type: PanelType, format: ResultFormat, title: string, sql: string, o: SqlPanelOptions): RawPanel {
  const fieldConfig = o.fieldConfig ?? { defaults: o.unit ? { unit: o.unit } : {}, overrides: [] };
  return new RawPanel({ type, title, description: o.description, span: o.span, targets: [sqlTarget('A', sql, format)], fieldConfig, ...(o.options ? { options: o.options } : {}) });
}

/** A time-series panel: a `time` column, optional string columns naming the series, numeric values. */
export function timeseriesPanel(title: string, sql: string, o: SqlPanelOptions & { readonly bars?: boolean; readonly stacked?: boolean }): RawPanel {
  const custom = { drawStyle: o.bars ? 'bars' : 'line', fillOpacity: o.bars ? 80 : 10, stacking: { mode: o.stacked ? 'normal' : 'none', group: 'A' }, spanNulls: false };
  return sqlPanel('timeseries', 'timeseries', title, sql, {
    ...o, fieldConfig: o.fieldConfig ?? { defaults: { ...(o.unit ? { unit: o.unit } : {}), custom }, overrides: [] },
    options: o.options ?? { legend: { showLegend: true, displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi', sort: 'desc' } },
  });
}

/** A stat panel: one row, one number. */
export function statPanel(title: string, sql: string, o: SqlPanelOptions): RawPanel {
  return sqlPanel('stat', 'table', title, sql, {
    ...o, options: o.options ?? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'none', textMode: 'value' },
  });
}

/** A table panel. */
export function tablePanel(title: string, sql: string, o: SqlPanelOptions): RawPanel {
  return sqlPanel('table', 'table', title, sql, { ...o, options: o.options ?? { showHeader: true, cellHeight: 'sm' } });
}
