import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { Session } from 'chdb';
import { ConfigError, MigrationError } from '../core/errors.ts';
import { chdbSql } from '../test/support/chdbSql.ts';
import { loadMigrations, migrate, migrationSettings, migrationSteps } from './migrations.ts';
import { splitStatements } from './sql.ts';

describe('ClickHouse migrations on current ClickHouse (chdb)', () => {
  const session = new Session();
  after(() => session.cleanup());

  it('applies every migration once, records it, and applies nothing on a second run', async () => {
    const sql = chdbSql(session, 'migrate_once');
    const migrations = loadMigrations();
    const first = await migrate(sql, migrations);
    assert.deepEqual(first.map((o) => o.status), migrations.map(() => 'applied'));
    const second = await migrate(sql, migrations);
    assert.deepEqual(second.map((o) => o.status), migrations.map(() => 'already applied'));
    const tables = (await sql.rows<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name')).map((r) => r.name);
    assert.deepEqual(tables, [
      'ad_windows', 'category_changes', 'chat_events', 'chat_messages', 'chat_rates', 'clips', 'consumer_lag', 'dead_letters', 'hype', 'hype_starts', 'late_records',
      'moderation', 'schema_migrations', 'stream_snapshots', 'sub_activity', 'sub_bursts',
    ]);
    const recorded = await sql.rows<{ version: number }>('SELECT version FROM schema_migrations FINAL ORDER BY version');
    assert.deepEqual(recorded.map((r) => Number(r.version)), migrations.map((m) => m.version));
  });

  it('refuses to go on when an applied migration was edited', async () => {
    const sql = chdbSql(session, 'migrate_edited');
    const dir = mkdtempSync(`${tmpdir()}/migrations-`);
    writeFileSync(`${dir}/0001_t.sql`, 'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = MergeTree ORDER BY a;\n');
    await migrate(sql, loadMigrations(dir));
    writeFileSync(`${dir}/0001_t.sql`, 'CREATE TABLE IF NOT EXISTS t (a UInt16) ENGINE = MergeTree ORDER BY a;\n');
    await assert.rejects(migrate(sql, loadMigrations(dir)), MigrationError);
  });

  it('skips a guarded statement whose `-- skip if:` query finds it done, so a rebuilt table survives a second run', async () => {
    const sql = chdbSql(session, 'migrate_guarded');
    const dir = mkdtempSync(`${tmpdir()}/migrations-`);
    writeFileSync(`${dir}/0001_t.sql`, 'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = MergeTree ORDER BY a;\n');
    await migrate(sql, loadMigrations(dir));
    await sql.command('INSERT INTO t VALUES (1)');
    const guard = "-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 't' AND name = 'b'\n";
    writeFileSync(`${dir}/0002_b.sql`, `${guard}ALTER TABLE t ADD COLUMN b UInt8;\n`);
    await migrate(sql, loadMigrations(dir));
    // As after a crash between the statement and its record: the file runs again, the guard holds.
    await sql.command('ALTER TABLE schema_migrations DELETE WHERE version = 2 SETTINGS mutations_sync = 1');
    assert.deepEqual((await migrate(sql, loadMigrations(dir))).map((o) => o.status), ['already applied', 'applied']);
    assert.deepEqual(await sql.rows('SELECT a, b FROM t'), [{ a: 1, b: 0 }]);
  });

  it('keeps the rows of hype_starts and ad_windows through 0007, which rebuilds them with a version', async () => {
    const sql = chdbSql(session, 'migrate_0007');
    const migrations = loadMigrations();
    await migrate(sql, migrations.filter((m) => m.version < 7));
    await sql.command("INSERT INTO hype_starts VALUES ('1', 'c', 1704067200, 1704067200000, 10, 60, 6, 3)");
    await sql.command("INSERT INTO ad_windows VALUES ('1', 'c', 1704067200, 1704067200000, 1704067260000, 0.5, 'r', 60, 50)");
    await migrate(sql, migrations);
    assert.deepEqual(await sql.rows('SELECT toString(begin_ms) AS begin_ms, alert FROM hype_starts FINAL'), [{ begin_ms: '1704067200000', alert: 0 }]);
    assert.deepEqual(await sql.rows('SELECT toString(start_ms) AS start_ms, cancelled_at_ms, cancelled FROM ad_windows FINAL'), [{ start_ms: '1704067200000', cancelled_at_ms: null, cancelled: 0 }]);
    // The cancellation wins though the window is written after it.
    await sql.command("INSERT INTO ad_windows VALUES ('1', 'c', 1704067200, 1704067200000, 1704067260000, 0.5, 'r', 60, 50, 1704067230000, 1)");
    await sql.command("INSERT INTO ad_windows VALUES ('1', 'c', 1704067200, 1704067200000, 1704067260000, 0.5, 'r', 60, 50, NULL, 0)");
    assert.deepEqual(await sql.rows('SELECT toString(cancelled_at_ms) AS cancelled_at_ms FROM ad_windows FINAL'), [{ cancelled_at_ms: '1704067230000' }]);
  });

  it('sets the raw tables\' TTL to the retention setting, sent as a query parameter', async () => {
    const sql = chdbSql(session, 'migrate_retention');
    await migrate(sql, loadMigrations(), { rawRetentionDays: 30 });
    const ttls: Record<string, string> = { chat_messages: 'event_time', chat_events: 'event_time', moderation: 'event_time', dead_letters: 'occurred_at', late_records: 'stream_time', consumer_lag: 'observed_at' };
    for (const [table, column] of Object.entries(ttls)) {
      const [row] = await sql.rows<{ statement: string }>(`SHOW CREATE TABLE ${table}`);
      assert.match(row!.statement, new RegExp(`TTL ${column} \\+ toIntervalDay\\(_CAST\\(30, 'UInt16'\\)\\)`), table);
    }
    const [hype] = await sql.rows<{ statement: string }>('SHOW CREATE TABLE hype');
    assert.doesNotMatch(hype!.statement, /TTL/, 'derived tables keep their rows');
  });

  it('reads the retention from CLICKHOUSE_RAW_RETENTION_DAYS, 90 days by default, and refuses what is not 1..3650', () => {
    assert.deepEqual(migrationSettings({}), { rawRetentionDays: 90 });
    assert.deepEqual(migrationSettings({ CLICKHOUSE_RAW_RETENTION_DAYS: '7' }), { rawRetentionDays: 7 });
    for (const bad of ['0', '3651', '1.5', '-3', 'forever']) {
      assert.throws(() => migrationSettings({ CLICKHOUSE_RAW_RETENTION_DAYS: bad }), (e: unknown) => e instanceof ConfigError && /^CLICKHOUSE_RAW_RETENTION_DAYS must be a whole number of days in 1\.\.3650/.test(e.message), bad);
    }
  });

  it('reports a failing statement as a MigrationError naming the version', async () => {
    const sql = chdbSql(session, 'migrate_broken');
    const dir = mkdtempSync(`${tmpdir()}/migrations-`);
    writeFileSync(`${dir}/0007_broken.sql`, 'CREATE TABLE nope (a NoSuchType) ENGINE = MergeTree ORDER BY a;\n');
    await assert.rejects(migrate(sql, loadMigrations(dir)), (error: unknown) => error instanceof MigrationError && /migration 7/.test(error.message));
  });
});

describe('migrationSteps', () => {
  it('splits like splitStatements and attaches a `-- skip if:` line to the statement after it', () => {
    const text = "-- header;\n-- skip if: SELECT 1\nALTER TABLE t ADD COLUMN c UInt8;\nDROP TABLE IF EXISTS u;\n";
    assert.deepEqual(migrationSteps(text), [{ sql: 'ALTER TABLE t ADD COLUMN c UInt8', skipIf: 'SELECT 1' }, { sql: 'DROP TABLE IF EXISTS u', skipIf: null }]);
    assert.deepEqual(migrationSteps(text).map((s) => s.sql), splitStatements(text));
  });

  it('refuses a guard that guards nothing', () => {
    assert.throws(() => migrationSteps('SELECT 1;\n-- skip if: SELECT 1\n'), MigrationError);
  });
});

describe('splitStatements', () => {
  it('drops comment lines and splits at line-ending semicolons only', () => {
    const text = "-- header; with a semicolon\nCREATE TABLE a (s String DEFAULT ';') ENGINE = Log;\n\nSELECT 1;\n-- trailing\n";
    assert.deepEqual(splitStatements(text), ["CREATE TABLE a (s String DEFAULT ';') ENGINE = Log", 'SELECT 1']);
  });

  it('returns nothing for an empty file', () => {
    assert.deepEqual(splitStatements('-- only a comment\n'), []);
  });
});
