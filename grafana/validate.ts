import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  defaultAnnotationQuery, defaultDashboard, defaultGridPos, defaultPanel, defaultRowPanel, defaultVariableModel,
  type AnnotationQuery, type Dashboard, type DataSourceRef, type GridPos, type Panel, type RowPanel, type VariableModel,
} from '@grafana/schema';
import { GrafanaDefinitionError } from '../core/errors.ts';
import { GRID_COLUMNS } from './layout.ts';
import { referencedVariables } from './sqlMacros.ts';

// Every key of @grafana/schema's models, as records typed by the models' keys: tsc fails here
// when the schema gains or loses a key, so the runtime check below follows the published types.
const DASHBOARD_KEYS: Record<keyof Dashboard, true> = {
  annotations: true, description: true, editable: true, fiscalYearStartMonth: true, gnetId: true, graphTooltip: true, id: true,
  links: true, liveNow: true, panels: true, preload: true, refresh: true, revision: true, schemaVersion: true, snapshot: true,
  tags: true, templating: true, time: true, timepicker: true, timezone: true, title: true, uid: true, version: true, weekStart: true,
};
const PANEL_KEYS: Record<keyof Panel, true> = {
  autoMigrateFrom: true, cacheTimeout: true, datasource: true, description: true, fieldConfig: true, gridPos: true, hideTimeOverride: true,
  id: true, interval: true, libraryPanel: true, links: true, maxDataPoints: true, maxPerRow: true, options: true, pluginVersion: true,
  queryCachingTTL: true, repeat: true, repeatDirection: true, targets: true, timeCompare: true, timeFrom: true, timeShift: true, title: true,
  transformations: true, transparent: true, type: true,
};
const ROW_PANEL_KEYS: Record<keyof RowPanel, true> = { collapsed: true, datasource: true, gridPos: true, id: true, panels: true, repeat: true, title: true, type: true };
const GRID_POS_KEYS: Record<keyof GridPos, true> = { h: true, w: true, x: true, y: true, static: true };
const ANNOTATION_KEYS: Record<keyof AnnotationQuery, true> = {
  builtIn: true, datasource: true, enable: true, filter: true, hide: true, iconColor: true, name: true, placement: true, target: true, type: true, snapshotData: true,
};
const VARIABLE_KEYS: Record<keyof VariableModel, true> = {
  allValue: true, allowCustomValue: true, current: true, datasource: true, description: true, enableGroupBy: true, hide: true, includeAll: true,
  label: true, multi: true, name: true, options: true, query: true, refresh: true, regex: true, regexApplyTo: true, skipUrlSync: true, sort: true,
  type: true, staticOptions: true, staticOptionsOrder: true, valuesFormat: true,
};

/**
 * Panel plugin ids of Grafana's core panels: the `raw/composable/<id>/panelcfg` folders that
 * @grafana/schema publishes (timeseries, stat, table, heatmap, …), plus `row`.
 */
export function knownPanelTypes(): Set<string> {
  const root = dirname(createRequire(import.meta.url).resolve('@grafana/schema/package.json'));
  const composable = join(root, 'dist', 'esm', 'raw', 'composable');
  return new Set(['row', ...readdirSync(composable).filter((name) => existsSync(join(composable, name, 'panelcfg')))]);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Keys outside the model, and values whose type differs from the model's default for that key. */
function checkKeys(where: string, value: Record<string, unknown>, known: Record<string, true>, defaults: object, problems: string[]): void {
  for (const [key, v] of Object.entries(value)) {
    if (!known[key]) problems.push(`${where}: unknown key ${key}`);
    const def = (defaults as Record<string, unknown>)[key];
    if (def !== undefined && v !== undefined && typeOf(def) !== typeOf(v)) problems.push(`${where}.${key}: ${typeOf(v)}, the model has ${typeOf(def)}`);
  }
}

function checkDatasource(where: string, ref: unknown, uid: string, problems: string[]): void {
  const ds = ref as DataSourceRef | undefined;
  if (!isObject(ds) || ds.uid !== uid) problems.push(`${where}: data source ${JSON.stringify(ds?.uid)} is not the provisioned ${uid}`);
}

function checkGrid(where: string, grid: unknown, problems: string[]): GridPos | undefined {
  if (!isObject(grid)) {
    problems.push(`${where}: no gridPos`);
    return undefined;
  }
  checkKeys(`${where}.gridPos`, grid, GRID_POS_KEYS, defaultGridPos, problems);
  const { x, y, w, h } = grid as unknown as GridPos;
  if (![x, y, w, h].every((n) => Number.isInteger(n))) problems.push(`${where}: gridPos needs integer x, y, w, h`);
  else if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > GRID_COLUMNS) problems.push(`${where}: gridPos x=${x} w=${w} leaves the ${GRID_COLUMNS} columns (or is empty)`);
  return grid as unknown as GridPos;
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Checks a dashboard against Grafana's dashboard model as @grafana/schema publishes it: only
 * the model's keys, with the types of its defaults; a title and schema version; known panel
 * types; unique panel ids; unique refIds per panel; every panel on the 24-column grid without
 * overlaps; every query on the data source `datasourceUid`; every variable a query refers to
 * defined. Returns the problems found (none: valid).
 */
export function dashboardProblems(dashboard: unknown, datasourceUid: string): string[] {
  const problems: string[] = [];
  if (!isObject(dashboard)) return ['dashboard is not an object'];
  checkKeys('dashboard', dashboard, DASHBOARD_KEYS, defaultDashboard, problems);
  const d = dashboard as unknown as Dashboard;
  if (typeof d.schemaVersion !== 'number') problems.push('dashboard: schemaVersion is required');
  if (typeof d.title !== 'string' || d.title.length === 0) problems.push('dashboard: title is required');
  if (typeof d.uid !== 'string' || d.uid.length < 8 || d.uid.length > 40) problems.push('dashboard: uid must have 8..40 characters');

  const variables = new Set<string>();
  for (const [i, v] of (d.templating?.list ?? []).entries()) {
    checkKeys(`variable ${i}`, v as unknown as Record<string, unknown>, VARIABLE_KEYS, defaultVariableModel, problems);
    if (variables.has(v.name)) problems.push(`variable ${v.name}: defined twice`);
    variables.add(v.name);
    if (v.datasource) checkDatasource(`variable ${v.name}`, v.datasource, datasourceUid, problems);
  }
  const checkSql = (where: string, target: Record<string, unknown>) => {
    if (typeof target.rawSql !== 'string' || target.rawSql.trim() === '') return problems.push(`${where}: no rawSql`);
    for (const name of referencedVariables(target.rawSql)) if (!variables.has(name)) problems.push(`${where}: refers to undefined variable $${name}`);
    return undefined;
  };
  for (const v of d.templating?.list ?? []) if (typeof v.query === 'string') checkSql(`variable ${v.name}`, { rawSql: v.query });

  for (const a of d.annotations?.list ?? []) {
    checkKeys(`annotation ${a.name}`, a as unknown as Record<string, unknown>, ANNOTATION_KEYS, defaultAnnotationQuery, problems);
    if (a.builtIn) continue;
    checkDatasource(`annotation ${a.name}`, a.datasource, datasourceUid, problems);
    if (!isObject(a.target)) problems.push(`annotation ${a.name}: no target`);
    else checkSql(`annotation ${a.name}`, a.target as Record<string, unknown>);
  }

  const panelTypes = knownPanelTypes();
  const ids = new Set<number>();
  const placed: Array<[string, GridPos]> = [];
  for (const [i, p] of (d.panels ?? []).entries()) {
    const where = `panel ${JSON.stringify(p.title ?? i)}`;
    const isRow = p.type === 'row';
    checkKeys(where, p as unknown as Record<string, unknown>, isRow ? ROW_PANEL_KEYS : PANEL_KEYS, isRow ? defaultRowPanel : defaultPanel, problems);
    if (!panelTypes.has(p.type)) problems.push(`${where}: unknown panel type ${p.type}`);
    if (typeof p.id !== 'number' || ids.has(p.id)) problems.push(`${where}: id ${p.id} is missing or not unique`);
    ids.add(p.id as number);
    const grid = checkGrid(where, p.gridPos, problems);
    if (grid) {
      for (const [other, g] of placed) if (overlaps(grid, g)) problems.push(`${where}: overlaps panel ${other}`);
      placed.push([where, grid]);
    }
    if (isRow) continue;
    const panel = p as Panel;
    if (panel.fieldConfig && !isObject(panel.fieldConfig.defaults)) problems.push(`${where}: fieldConfig.defaults is required`);
    checkDatasource(where, panel.datasource, datasourceUid, problems);
    const refIds = new Set<string>();
    if (!panel.targets || panel.targets.length === 0) problems.push(`${where}: no queries`);
    for (const t of panel.targets ?? []) {
      const refId = String(t.refId ?? '');
      if (refId === '' || refIds.has(refId)) problems.push(`${where}: refId ${JSON.stringify(refId)} is missing or not unique`);
      refIds.add(refId);
      checkDatasource(`${where} ${refId}`, t.datasource, datasourceUid, problems);
      checkSql(`${where} ${refId}`, t);
    }
  }
  return problems;
}

/**
 * {@link dashboardProblems}, throwing.
 * @throws GrafanaDefinitionError listing every problem.
 */
export function validateDashboard(dashboard: unknown, datasourceUid: string): Dashboard {
  const problems = dashboardProblems(dashboard, datasourceUid);
  if (problems.length > 0) throw new GrafanaDefinitionError(`dashboard ${(dashboard as Dashboard | null)?.uid ?? '?'}`, problems.join('; '));
  return dashboard as Dashboard;
}
