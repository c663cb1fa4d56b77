import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import avro from 'avsc';
import { avroToArrow } from './avroArrow.ts';
import { columnBuilder } from './columnBuilders.ts';
import { readArchiveParquet } from './parquetReader.ts';
import { ARCHIVE_METADATA, ParquetObjectWriter } from './parquetWriter.ts';

// Every Avro construct the mapping supports, with nulls at every level where Avro allows them.
const schema = {
  type: 'record', name: 'All', namespace: 'x.y', fields: [
    { name: 'f', type: 'float' }, { name: 'd', type: 'double' }, { name: 'b', type: 'bytes' }, { name: 'ok', type: 'boolean' },
    { name: 'fx', type: { type: 'fixed', name: 'Hash', size: 4 } }, { name: 'maybeHash', type: ['null', 'Hash'] },
    { name: 'late', type: ['string', 'null'] }, { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['a', 'b'] } },
    { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'n', type: 'long' }, { name: 's', type: ['null', 'string'] }] } },
    { name: 'again', type: ['null', 'x.y.Inner'] },
    { name: 'nested', type: { type: 'map', values: { type: 'array', items: ['null', 'int'] } } },
    { name: 'maybeList', type: ['null', { type: 'array', items: 'Inner' }] },
  ],
};
const type = avro.Type.forSchema(schema as avro.Schema);
const values = [
  { f: 1.5, d: -2.25, b: Buffer.from([0, 255]), ok: true, fx: Buffer.from('abcd'), maybeHash: null, late: null, kind: 'b',
    inner: { n: -(2 ** 40), s: null }, again: null, nested: { x: [1, null, 3], '': [] }, maybeList: null },
  { f: 0, d: 1e300, b: Buffer.alloc(0), ok: false, fx: Buffer.from('wxyz'), maybeHash: Buffer.from('1234'), late: 'ü日本🎉', kind: 'a',
    inner: { n: 2 ** 52 + 1, s: '' }, again: { n: 0, s: 'x' }, nested: {}, maybeList: [{ n: 1, s: null }, { n: 2, s: 'two' }] },
].map((v) => type.fromBuffer(type.toBuffer(v)) as Record<string, unknown>);

describe('column builders', () => {
  it('write every supported Avro construct, nulls at every level, and read it back exactly', () => {
    const writer = new ParquetObjectWriter(avroToArrow(schema));
    values.forEach((v, i) => writer.append({ topic: 't', partition: 0, offset: i, timestampMs: i, key: null }, v));
    const back = readArchiveParquet('all.parquet', writer.finish(new Map([[ARCHIVE_METADATA.avroSchema, JSON.stringify(schema)]])));
    back.records.forEach((r, i) => assert.deepEqual(type.toBuffer(r.value), type.toBuffer(values[i]), `record ${i}`));
    assert.deepEqual(back.records.map((r) => r.meta.key), [null, null]);
  });

  it('refuse a null in a column that cannot hold one, and types they do not know', () => {
    assert.throws(() => columnBuilder(new arrow.Utf8(), false).append(null), /non-nullable/);
    assert.throws(() => columnBuilder(new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), false), /no column builder/);
  });

  it('grow past their first allocation', () => {
    const column = columnBuilder(new arrow.Utf8(), true);
    const strings = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? null : `value ${i} ${'é'.repeat(i % 50)}`));
    for (const s of strings) column.append(s);
    const vector = arrow.makeVector(column.finish());
    assert.deepEqual(vector.toArray(), strings);
  });
});
