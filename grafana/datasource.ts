/**
 * The ClickHouse data source every panel, annotation, variable and alert query uses. The uid is
 * fixed so the generated dashboards and the provisioned data source
 * (`provisioning/datasources/clickhouse.yaml`) agree without a lookup by name.
 */
export const CLICKHOUSE_DATASOURCE = Object.freeze({ type: 'grafana-clickhouse-datasource', uid: 'twitch-pulse-clickhouse' });

/** How the ClickHouse plugin shapes a result: `format` 0 is a time series, 1 a table (its `Format` enum). */
export type ResultFormat = 'timeseries' | 'table';

/** One SQL query of the ClickHouse plugin, as a panel target or an annotation's target. */
export interface SqlTarget {
  readonly refId: string;
  readonly datasource: typeof CLICKHOUSE_DATASOURCE;
  readonly editorType: 'sql';
  readonly queryType: 'timeSeries' | 'table';
  readonly format: 0 | 1;
  readonly rawSql: string;
}

/**
 * A raw-SQL target of the ClickHouse plugin. `rawSql` may use the plugin's macros
 * (`$__timeFilter(col)`, `$__fromTime`, `$__toTime`, `$__interval_s`) and `${channel:singlequote}`.
 *
 * @example sqlTarget('A', 'SELECT count() FROM hype FINAL WHERE $__timeFilter(begin_time)', 'table')
 */
export function sqlTarget(refId: string, rawSql: string, format: ResultFormat): SqlTarget {
  return {
    refId, datasource: CLICKHOUSE_DATASOURCE, editorType: 'sql',
    queryType: format === 'timeseries' ? 'timeSeries' : 'table', format: format === 'timeseries' ? 0 : 1,
    rawSql: rawSql.trim(),
  };
}
