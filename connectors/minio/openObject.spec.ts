import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOPICS, loadSchema } from '../../schemas/catalogue.ts';
import { avroToArrow } from '../parquet/avroArrow.ts';
import { readArchiveParquet } from '../parquet/parquetReader.ts';
import { ARCHIVE_METADATA } from '../parquet/parquetWriter.ts';
import { rawFixtureRecords } from '../parquet/testkit.ts';
import { OpenObject } from './openObject.ts';

const T0 = Date.UTC(2024, 4, 1, 17, 5);
const moderation = rawFixtureRecords(0).moderation;
const schema = { schemaId: 12, text: JSON.stringify(loadSchema(TOPICS.moderation)), mapping: avroToArrow(loadSchema(TOPICS.moderation)) };
const letter = (offset: number) => ({ key: 'k', value: {
  stage: 'archive', errorCode: 'SERDE_MISSING_MAGIC_BYTE', reason: 'x', sourceTopic: 't', sourcePartition: 2, sourceOffset: String(offset),
  channel: null, raw: Buffer.from('junk'), occurredAtMs: 0,
} });

describe('OpenObject', () => {
  it('covers every offset it was given, rows and dead letters alike, and names itself by that range', () => {
    const o = new OpenObject('t', 2, 40, T0, 0, null);
    o.addDeadLetter(40, letter(40), 4);
    o.addRow({ topic: 't', partition: 2, offset: 41, timestampMs: T0 + 1, key: 'a' }, moderation.values[0]!, schema, 100);
    o.addRow({ topic: 't', partition: 2, offset: 43, timestampMs: T0 + 2, key: 'b' }, moderation.values[1]!, schema, 100);
    assert.deepEqual([o.records, o.rows, o.bytes, o.schemaId, o.deadLetters.length], [3, 2, 204, 12, 1]);
    const upload = o.finish();
    assert.equal(upload.name, 't/date=2024-05-01/hour=17/partition=2/40-43.parquet');
    const back = readArchiveParquet(upload.name, upload.body);
    assert.deepEqual(back.records.map((r) => r.meta.offset), [41, 43]);
    assert.equal(back.metadata.get(ARCHIVE_METADATA.firstOffset), '40');
    assert.equal(back.metadata.get(ARCHIVE_METADATA.lastOffset), '43');
    assert.equal(back.metadata.get(ARCHIVE_METADATA.schemaId), '12');
    assert.equal(back.metadata.get(ARCHIVE_METADATA.avroSchema), schema.text);
  });

  it('uploads an object without rows when all its records were dead-lettered, so the chain of ranges has no hole', () => {
    const o = new OpenObject('t', 0, 7, T0, 0, null);
    o.addDeadLetter(7, letter(7), 4);
    const upload = o.finish();
    assert.match(upload.name, /\/7-7\.parquet$/);
    const back = readArchiveParquet(upload.name, upload.body);
    assert.deepEqual(back.records, []);
    assert.equal(back.avroSchema, null);
  });

  it('refuses a row of another schema (the roll policy closes the object first)', () => {
    const o = new OpenObject('t', 0, 1, T0, 0, null);
    o.addRow({ topic: 't', partition: 0, offset: 1, timestampMs: T0, key: null }, moderation.values[0]!, schema, 1);
    assert.throws(() => o.addRow({ topic: 't', partition: 0, offset: 2, timestampMs: T0, key: null }, moderation.values[0]!, { ...schema, schemaId: 13 }, 1), /schema 12/);
  });
});
