/**
 * Values of a statement's query parameters: `{channel:String}` in the SQL takes
 * `params.channel`. They travel beside the SQL and are never spliced into it.
 */
export type QueryParams = Readonly<Record<string, string | number>>;

/**
 * The two things migrations and insight queries need from a ClickHouse: run a statement, and
 * read rows. Implemented over HTTP for a server ({@link httpSql}) and, in tests, over chdb's
 * embedded engine, so the same SQL is checked on the stack's server and on chdb.
 */
export interface SqlRunner {
  /** Runs one statement that returns no rows. */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Runs one SELECT and returns its rows as objects (64-bit integers may come back as strings). */
  rows<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
}

/**
 * Splits a SQL file into statements: `--` comment lines dropped, statements end at a `;` that
 * ends a line. Good enough for migration and query files written in this repo.
 */
export function splitStatements(text: string): string[] {
  const withoutComments = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;[ \t]*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
