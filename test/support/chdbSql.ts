import { Session } from 'chdb';
import type { SqlRunner } from '../../clickhouse/sql.ts';

/**
 * A {@link SqlRunner} on chdb, the embedded build of current ClickHouse (npm `chdb`), inside
 * its own database. Tests run the project's SQL through it to prove it also works on a current
 * engine, while integration tests run the same SQL on the stack's server.
 */
export function chdbSql(session: Session, database: string): SqlRunner {
  session.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
  session.query(`USE ${database}`);
  return {
    async command(sql) {
      session.query(sql);
    },
    async rows<T>(sql: string) {
      const text = session.query(sql, 'JSONEachRow');
      return text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as T);
    },
  };
}
