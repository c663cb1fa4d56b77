import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { envValue } from '../core/config.ts';
import { ConfigError, MigrationError, messageOf } from '../core/errors.ts';
import type { QueryParams, SqlRunner } from './sql.ts';

/**
 * One statement of a migration, and the query that says it is done already: a `-- skip if:`
 * line right before the statement, a SELECT whose first value is above 0 when the statement
 * must not run again. ClickHouse 18.16, the stack's server when this was written, had no `ADD
 * COLUMN IF NOT EXISTS`, no `RENAME … IF EXISTS` and no `EXCHANGE TABLES`, so a statement that changes a table in place can only be
 * made re-runnable this way.
 */
export interface MigrationStep {
  readonly sql: string;
  readonly skipIf: string | null;
}

/** One versioned migration file, `NNNN_name.sql` under `clickhouse/migrations/`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  /** The statements with their `-- skip if:` guards, in order. */
  readonly steps: readonly MigrationStep[];
  /** SHA-256 of the file, so an applied migration that was edited later is noticed. */
  readonly checksum: string;
}

/** What {@link migrate} did with each migration. */
export interface MigrationOutcome {
  readonly version: number;
  readonly name: string;
  readonly status: 'applied' | 'already applied';
}

/** Table that records which migrations ran (in the project database). */
export const MIGRATIONS_TABLE = 'schema_migrations';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Settings a migration file may use, as ClickHouse query parameters (`{raw_retention_days:UInt16}`).
 * They are read when the migration runs; a migration already applied keeps the value it had.
 */
export interface MigrationSettings {
  /** Days a raw table (chat, moderation, pipeline health) keeps a row, from its time column. */
  readonly rawRetentionDays: number;
}

const MAX_RETENTION_DAYS = 3650;

/**
 * The migration settings of `env`: CLICKHOUSE_RAW_RETENTION_DAYS, a whole number of days in
 * 1..3650 (a row's time plus the retention stays inside DateTime's range up to 2096).
 *
 * @throws ConfigError naming the variable and its bound.
 */
export function migrationSettings(env: NodeJS.ProcessEnv = process.env): MigrationSettings {
  const text = envValue('CLICKHOUSE_RAW_RETENTION_DAYS', env);
  const days = Number(text);
  if (!/^\d+$/.test(text) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new ConfigError('CLICKHOUSE_RAW_RETENTION_DAYS', `must be a whole number of days in 1..${MAX_RETENTION_DAYS}, got ${JSON.stringify(text)}`);
  }
  return { rawRetentionDays: days };
}

const QUERY_PARAMETER = /\{([a-z_]+):[A-Za-z0-9]+\}/g;

/** The values of the query parameters `statement` uses; undefined when it uses none. */
function statementParams(statement: string, settings: MigrationSettings, version: number): QueryParams | undefined {
  const values: Record<string, number> = { raw_retention_days: settings.rawRetentionDays };
  const used: Record<string, number> = {};
  for (const [placeholder, key] of statement.matchAll(QUERY_PARAMETER)) {
    const value = values[key!];
    if (value === undefined) throw new MigrationError(version, `${placeholder} is not a migration setting`);
    used[key!] = value;
  }
  return Object.keys(used).length === 0 ? undefined : used;
}

/** Reads the migration files in version order. Throws MigrationError on a malformed name or a repeated version. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(0, `file name ${file} is not NNNN_name.sql`);
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      const steps = migrationSteps(text);
      return {
        version: Number(match[1]),
        name: match[2]!,
        statements: steps.map((step) => step.sql),
        steps,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]!.version === m.version) throw new MigrationError(m.version, 'two files share this version');
  });
  return migrations;
}

const SKIP_IF = /^\s*--\s*skip if:\s*(.+?)\s*$/;

/**
 * The statements of a migration file with their guards: split as {@link splitStatements} does
 * (`--` comment lines dropped, a statement ends at a `;` that ends a line), and a `-- skip if:
 * SELECT …` line attached to the statement that follows it.
 *
 * @example migrationSteps("-- skip if: SELECT 1\nALTER TABLE t ADD COLUMN c UInt8;\n") // [{ sql: 'ALTER TABLE t ADD COLUMN c UInt8', skipIf: 'SELECT 1' }]
 */
export function migrationSteps(text: string): MigrationStep[] {
  const steps: MigrationStep[] = [];
  let lines: string[] = [];
  let skipIf: string | null = null;
  const end = () => {
    const sql = lines.join('\n').trim();
    if (sql.length > 0) steps.push({ sql, skipIf });
    else if (skipIf !== null) throw new MigrationError(0, `"-- skip if: ${skipIf}" is not followed by a statement`);
    lines = [];
    skipIf = null;
  };
  for (const line of text.split('\n')) {
    const guard = SKIP_IF.exec(line);
    if (guard) {
      if (skipIf !== null || lines.join('').trim() !== '') throw new MigrationError(0, `"-- skip if: ${guard[1]}" must come right before the statement it guards`);
      skipIf = guard[1]!;
      continue;
    }
    if (line.trimStart().startsWith('--')) continue;
    const statementEnd = /;[ \t]*$/.exec(line);
    lines.push(statementEnd ? line.slice(0, statementEnd.index) : line);
    if (statementEnd) end();
  }
  end();
  return steps;
}

/**
 * Applies every migration not yet recorded in {@link MIGRATIONS_TABLE}, in version order, and
 * records each one. Idempotent: a second run applies nothing. Every statement is written to be
 * re-runnable (`IF NOT EXISTS`), so a crash halfway through a migration is repaired by running
 * again.
 *
 * Statements get the {@link MigrationSettings} they use as query parameters.
 *
 * @throws MigrationError when a statement fails, or an applied migration's file has changed.
 * @example await migrate(httpSql(createClickHouse(endpoints.clickhouse)))
 */
export async function migrate(
  sql: SqlRunner,
  migrations: readonly Migration[] = loadMigrations(),
  settings: MigrationSettings = migrationSettings(),
): Promise<MigrationOutcome[]> {
  await sql.command(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version UInt32, name String, checksum String, applied_at DateTime('UTC'))
     ENGINE = ReplacingMergeTree() ORDER BY version`,
  );
  const applied = new Map(
    (await sql.rows<{ version: number | string; checksum: string }>(`SELECT version, checksum FROM ${MIGRATIONS_TABLE} FINAL`)).map(
      (row) => [Number(row.version), row.checksum],
    ),
  );
  const outcomes: MigrationOutcome[] = [];
  for (const migration of migrations) {
    const recorded = applied.get(migration.version);
    if (recorded !== undefined) {
      if (recorded !== migration.checksum) {
        throw new MigrationError(migration.version, `${migration.name} was applied but its file has changed since; add a new migration instead`);
      }
      outcomes.push({ version: migration.version, name: migration.name, status: 'already applied' });
      continue;
    }
    for (const step of migration.steps) {
      try {
        if (step.skipIf !== null && (await done(sql, step.skipIf))) continue;
        await sql.command(step.sql, statementParams(step.sql, settings, migration.version));
      } catch (error) {
        if (error instanceof MigrationError) throw error;
        throw new MigrationError(migration.version, `${migration.name} failed: ${messageOf(error)}`, error);
      }
    }
    await sql.command(
      `INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, applied_at) VALUES ({version:UInt32}, {name:String}, {checksum:String}, now())`,
      { version: migration.version, name: migration.name, checksum: migration.checksum },
    );
    outcomes.push({ version: migration.version, name: migration.name, status: 'applied' });
  }
  return outcomes;
}

/** Whether a `-- skip if:` query says its statement is done: its first value is above 0. */
async function done(sql: SqlRunner, query: string): Promise<boolean> {
  const [row] = await sql.rows<Record<string, unknown>>(query);
  return row !== undefined && Number(Object.values(row)[0]) > 0;
}
