import type { ClickHouseClient } from '@clickhouse/client';
import type { SqlRunner } from '../../clickhouse/sql.ts';

/** A {@link SqlRunner} on a ClickHouse server through the official HTTP client. */
export function httpSql(client: ClickHouseClient): SqlRunner {
  return {
    async command(sql) {
      await client.command({ query: sql });
    },
    async rows<T>(sql: string) {
      const result = await client.query({ query: sql, format: 'JSONEachRow' });
      return result.json<T>();
    },
  };
}
