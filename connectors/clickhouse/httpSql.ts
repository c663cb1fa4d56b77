import type { ClickHouseClient } from '@clickhouse/client';
import type { QueryParams, SqlRunner } from '../../clickhouse/sql.ts';

/**
 * A {@link SqlRunner} on a ClickHouse server through the official HTTP client. Parameters go as
 * the client's `query_params` (`param_<name>` in the request), only when there are some.
 */
export function httpSql(client: ClickHouseClient): SqlRunner {
  const withParams = (params: QueryParams | undefined) => (params === undefined ? {} : { query_params: params });
  return {
    async command(sql, params) {
      await client.command({ query: sql, ...withParams(params) });
    },
    async rows<T>(sql: string, params?: QueryParams) {
      const result = await client.query({ query: sql, format: 'JSONEachRow', ...withParams(params) });
      return result.json<T>();
    },
  };
}
