import { GrafanaDefinitionError } from '../core/errors.ts';

/** What Grafana hands the ClickHouse plugin with a query: the time range, the interval and the variables' values. */
export interface MacroContext {
  readonly fromMs: number;
  readonly toMs: number;
  /** Grafana's `$__interval` for the panel, milliseconds. */
  readonly intervalMs: number;
  /** Every template variable's current values (All already resolved to every option). */
  readonly variables: Readonly<Record<string, readonly string[]>>;
}

const toDateTime = (ms: number) => `toDateTime(${Math.floor(ms / 1000)})`;

// The plugin's macros (grafana/clickhouse-datasource pkg/macros) whose expansion ClickHouse
// 18.16 runs. Left out on purpose: $__timeInterval (toStartOfInterval, missing in 18.16) and the
// _ms variants (DateTime64, also missing).
const MACROS: Record<string, { readonly args: number; readonly expand: (ctx: MacroContext, args: readonly string[]) => string }> = {
  timeFilter: { args: 1, expand: (ctx, [column]) => `${column} >= ${toDateTime(ctx.fromMs)} AND ${column} <= ${toDateTime(ctx.toMs)}` },
  fromTime: { args: 0, expand: (ctx) => toDateTime(ctx.fromMs) },
  toTime: { args: 0, expand: (ctx) => toDateTime(ctx.toMs) },
  interval_s: { args: 0, expand: (ctx) => String(Math.max(1, Math.floor(ctx.intervalMs / 1000))) },
};

/** A value in Grafana's `singlequote` format: quoted, `'` escaped with a backslash. */
function singleQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function variable(ctx: MacroContext, name: string, format: string | undefined): string {
  const values = ctx.variables[name];
  if (!values) throw new GrafanaDefinitionError(`$${name}`, 'is not a template variable of the dashboard');
  if (format === 'singlequote') return values.map(singleQuote).join(',');
  if (format !== undefined) throw new GrafanaDefinitionError(`$${name}`, `format ${format} is not supported here (use singlequote)`);
  if (values.length !== 1) throw new GrafanaDefinitionError(`$${name}`, `has ${values.length} values; a multi-value variable needs \${${name}:singlequote}`);
  return values[0]!;
}

/**
 * Expands a panel's SQL as the ClickHouse plugin does before it sends it: Grafana's template
 * variables first (`${channel:singlequote}` → `'a','b'`), then the plugin's macros
 * (`$__timeFilter(col)` → `col >= toDateTime(from) AND col <= toDateTime(to)`, `$__fromTime`,
 * `$__toTime`, `$__interval_s`), with seconds truncated as the plugin does.
 *
 * @throws GrafanaDefinitionError for an unknown macro or variable, a macro 18.16 cannot run, or a wrong argument count.
 * @example expandMacros('SELECT 1 WHERE $__timeFilter(t)', { fromMs: 0, toMs: 60_000, intervalMs: 1000, variables: {} })
 */
export function expandMacros(sql: string, ctx: MacroContext): string {
  const withVariables = sql.replace(/\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g, (_m, braced: string | undefined, format: string | undefined, bare: string | undefined) =>
    variable(ctx, (braced ?? bare)!, format));
  return withVariables.replace(/\$__(\w+)(?:\(([^()]*)\))?/g, (_m, name: string, argText: string | undefined) => {
    const macro = MACROS[name];
    if (!macro) throw new GrafanaDefinitionError(`$__${name}`, 'is not a ClickHouse plugin macro that ClickHouse 18.16 can run');
    const args = argText === undefined ? [] : argText.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
    if (args.length !== macro.args) throw new GrafanaDefinitionError(`$__${name}`, `takes ${macro.args} argument(s), got ${args.length}`);
    return macro.expand(ctx, args);
  });
}

/** Names of the template variables a query refers to (`$x`, `${x}`, `${x:fmt}`), macros excluded. */
export function referencedVariables(sql: string): string[] {
  return [...new Set([...sql.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(?!__)(\w+)/g)].map((m) => (m[1] ?? m[2])!))];
}
