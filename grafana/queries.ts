import type { Dashboard, Panel } from '@grafana/schema';

/** One SQL query of a dashboard: a panel target, an annotation or a template variable. */
export interface DashboardQuery {
  readonly dashboardUid: string;
  readonly kind: 'panel' | 'annotation' | 'variable';
  /** Panel title, annotation name or variable name. */
  readonly name: string;
  readonly refId: string;
  /** `table` or `timeseries` for panels; annotations and variables read tables. */
  readonly format: 'table' | 'timeseries';
  readonly rawSql: string;
}

/** Every SQL query of a dashboard, panels in grid order, then annotations and variables. */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const uid = dashboard.uid ?? '';
  const out: DashboardQuery[] = [];
  for (const p of dashboard.panels ?? []) {
    if (p.type === 'row') continue;
    for (const t of (p as Panel).targets ?? []) {
      out.push({ dashboardUid: uid, kind: 'panel', name: String(p.title), refId: String(t.refId), format: t.format === 0 ? 'timeseries' : 'table', rawSql: String(t.rawSql) });
    }
  }
  for (const a of dashboard.annotations?.list ?? []) {
    const target = a.target as { refId?: string; rawSql?: string } | undefined;
    if (!a.builtIn && target?.rawSql) out.push({ dashboardUid: uid, kind: 'annotation', name: a.name, refId: String(target.refId), format: 'table', rawSql: target.rawSql });
  }
  for (const v of dashboard.templating?.list ?? []) {
    if (typeof v.query === 'string') out.push({ dashboardUid: uid, kind: 'variable', name: v.name, refId: v.name, format: 'table', rawSql: v.query });
  }
  return out;
}
