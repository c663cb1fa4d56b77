import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MigrationError, messageOf } from '../core/errors.ts';
import { splitStatements, sqlString, type SqlRunner } from './sql.ts';

/** One versioned migration file, `NNNN_name.sql` under `clickhouse/migrations/`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
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

/** Reads the migration files in version order. Throws MigrationError on a malformed name or a repeated version. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(0, `file name ${file} is not NNNN_name.sql`);
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(match[1]),
        name: match[2]!,
        statements: splitStatements(text),
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (i > 0 && migrations[i - 1]!.version === m.version) throw new MigrationError(m.version, 'two files share this version');
  });
  return migrations;
}

/**
 * Applies every migration not yet recorded in {@link MIGRATIONS_TABLE}, in version order, and
 * records each one. Idempotent: a second run applies nothing. Every statement is written to be
 * re-runnable (`IF NOT EXISTS`), so a crash halfway through a migration is repaired by running
 * again.
 *
 * @throws MigrationError when a statement fails, or an applied migration's file has changed.
 * @example await migrate(httpSql(createClickHouse(endpoints.clickhouse)))
 */
export async function migrate(sql: SqlRunner, migrations: readonly Migration[] = loadMigrations()): Promise<MigrationOutcome[]> {
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
    for (const statement of migration.statements) {
      try {
        await sql.command(statement);
      } catch (error) {
        throw new MigrationError(migration.version, `${migration.name} failed: ${messageOf(error)}`, error);
      }
    }
    await sql.command(
      `INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, applied_at) VALUES (${migration.version}, ${sqlString(migration.name)}, ${sqlString(migration.checksum)}, now())`,
    );
    outcomes.push({ version: migration.version, name: migration.name, status: 'applied' });
  }
  return outcomes;
}
