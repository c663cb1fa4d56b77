import { Session } from 'chdb';
import type { QueryParams, SqlRunner } from '../../clickhouse/sql.ts';

/**
 * A {@link SqlRunner} on chdb, the embedded build of current ClickHouse (npm `chdb`), inside
 * its own database. Tests run the project's SQL through it to prove it also works on a current
 * engine, while integration tests run the same SQL on the stack's server.
 */
export function chdbSql(session: Session, database: string): SqlRunner {
  session.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
  session.query(`USE ${database}`);
  return {
    async command(sql, params) {
      if (params === undefined) session.query(sql);
      else session.queryBind(sql, params);
    },
    async rows<T>(sql: string, params?: QueryParams) {
      const text = params === undefined ? session.query(sql, 'JSONEachRow') : session.queryBind(sql, params, 'JSONEachRow');
      return text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as T);
    },
  };
}
