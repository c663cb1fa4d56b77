import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { Session } from 'chdb';
import { MigrationError } from '../core/errors.ts';
import { chdbSql } from '../test/support/chdbSql.ts';
import { loadMigrations, migrate } from './migrations.ts';
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

  it('reports a failing statement as a MigrationError naming the version', async () => {
    const sql = chdbSql(session, 'migrate_broken');
    const dir = mkdtempSync(`${tmpdir()}/migrations-`);
    writeFileSync(`${dir}/0007_broken.sql`, 'CREATE TABLE nope (a NoSuchType) ENGINE = MergeTree ORDER BY a;\n');
    await assert.rejects(migrate(sql, loadMigrations(dir)), (error: unknown) => error instanceof MigrationError && /migration 7/.test(error.message));
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
