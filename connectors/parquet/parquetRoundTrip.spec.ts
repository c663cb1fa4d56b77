import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { ArchiveObjectError } from '../../core/errors.ts';
import { TOPICS, loadSchema } from '../../schemas/catalogue.ts';
import { avroToArrow } from './avroArrow.ts';
import { readArchiveParquet } from './parquetReader.ts';
import { ARCHIVE_METADATA, ParquetObjectWriter } from './parquetWriter.ts';
import { RAW_TOPIC_IDS, rawFixtureRecords } from './testkit.ts';

// chdb embeds a current ClickHouse: an independent Parquet reader for the files written here.
const chdb = createRequire(import.meta.url)('chdb') as { query(sql: string, format: string): string };
const dir = mkdtempSync(`${tmpdir()}/twitch-pulse-parquet-`);
after(() => rmSync(dir, { recursive: true, force: true }));

const raw = rawFixtureRecords(40);

// avsc decodes nested records as instances of generated classes; compare their fields only.
function plain(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(plain);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}

function write(id: (typeof RAW_TOPIC_IDS)[number], firstOffset = 1_000) {
  const schema = loadSchema(TOPICS[id]);
  const writer = new ParquetObjectWriter(avroToArrow(schema));
  raw[id].values.forEach((value, i) => writer.append({
    topic: TOPICS[id].name, partition: 4, offset: firstOffset + i, timestampMs: 1_700_000_000_000 + i, key: i % 7 === 0 ? null : `key-${i}`,
  }, value));
  const bytes = writer.finish(new Map([[ARCHIVE_METADATA.avroSchema, JSON.stringify(schema)], [ARCHIVE_METADATA.topic, TOPICS[id].name]]));
  return { bytes, writer };
}

describe('Parquet archive objects', () => {
  it('have real records of all four raw topics to test with', () => {
    for (const id of RAW_TOPIC_IDS) assert.ok(raw[id].values.length >= 20, `${id}: ${raw[id].values.length} records`);
  });

  for (const id of RAW_TOPIC_IDS) {
    it(`round-trip ${id}: record → Parquet → record equals the input, and re-encodes to the same Avro bytes`, () => {
      const { bytes, writer } = write(id, 2 ** 40);
      assert.equal(writer.rows, raw[id].values.length);
      const back = readArchiveParquet('x.parquet', bytes);
      assert.equal(back.records.length, raw[id].values.length);
      assert.equal(back.metadata.get(ARCHIVE_METADATA.topic), TOPICS[id].name);
      back.records.forEach((r, i) => {
        assert.deepEqual(r.meta, { topic: TOPICS[id].name, partition: 4, offset: 2 ** 40 + i, timestampMs: 1_700_000_000_000 + i, key: i % 7 === 0 ? null : `key-${i}` });
        assert.deepEqual(plain(r.value), plain(raw[id].values[i]), `${id} record ${i}`);
        assert.deepEqual(raw[id].type.toBuffer(r.value), raw[id].bodies[i], `${id} record ${i} Avro bytes`);
      });
    });
  }

  it('are typed Parquet that ClickHouse reads back column by column (chdb)', () => {
    const file = `${dir}/messages.parquet`;
    writeFileSync(file, write('chatMessages').bytes);
    const described = Object.fromEntries(chdb.query(`DESCRIBE file('${file}', Parquet)`, 'TSV').trim().split('\n')
      .map((l) => l.split('\t')).map(([name, type]) => [name, type!.replace(/\\n\s*/g, ' ')]));
    assert.deepEqual(described, {
      _topic: 'String', _partition: 'Int32', _offset: 'Int64', _timestamp_ms: 'Int64', _key: 'Nullable(String)',
      id: 'String', channel: 'String', roomId: 'String', userId: 'String', login: 'String', displayName: 'String', text: 'String',
      eventTimeMs: 'Int64', receivedAtMs: 'Int64', badges: 'Map(String, String)', badgeInfo: 'Map(String, String)',
      subscriberMonths: 'Nullable(Int32)', bits: 'Int32', emotes: 'Array(Tuple( id String, count Int32))', emoteCount: 'Int32',
      emoteOnly: 'Bool', firstMsg: 'Bool', returningChatter: 'Bool', mod: 'Bool', vip: 'Bool', subscriber: 'Bool',
      replyParentMsgId: 'Nullable(String)', replyParentUserLogin: 'Nullable(String)', sourceRoomId: 'Nullable(String)', sourceId: 'Nullable(String)',
    });
    const rows = chdb.query(`SELECT _offset, id, text, eventTimeMs, badges, emotes, subscriberMonths FROM file('${file}', Parquet) ORDER BY _offset SETTINGS output_format_json_quote_64bit_integers = 0`, 'JSONEachRow')
      .trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, raw.chatMessages.values.length);
    rows.forEach((row, i) => {
      const v = raw.chatMessages.values[i]! as { id: string; text: string; eventTimeMs: number; badges: object; emotes: Array<{ id: string; count: number }>; subscriberMonths: number | null };
      assert.deepEqual(row, { _offset: 1_000 + i, id: v.id, text: v.text, eventTimeMs: v.eventTimeMs, badges: v.badges, emotes: v.emotes.map((e) => ({ ...e })), subscriberMonths: v.subscriberMonths });
    });
  });

  it('can hold no rows: an object covering only dead-lettered records', () => {
    const bytes = new ParquetObjectWriter(null).finish(new Map([[ARCHIVE_METADATA.topic, 't']]));
    const back = readArchiveParquet('empty.parquet', bytes);
    assert.deepEqual(back.records, []);
    assert.equal(back.avroSchema, null);
    const file = `${dir}/empty.parquet`;
    writeFileSync(file, bytes);
    assert.equal(chdb.query(`SELECT count() FROM file('${file}', Parquet)`, 'TSV').trim(), '0');
  });

  it('refuses bytes that are not an archive object', () => {
    assert.throws(() => readArchiveParquet('junk.parquet', new Uint8Array([1, 2, 3])), ArchiveObjectError);
  });
});
