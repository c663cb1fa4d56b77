import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { decodeRecordBatch } from './recordBatchDecoder.ts';
import { registerLz4Codec } from './lz4Codec.ts';

const require = createRequire(import.meta.url);
type Decoder = { buffer: Buffer; offset: number };
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => Decoder;
const kafkajsDecodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: Decoder) => Promise<unknown>;
const { RecordBatch: encodeRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (batch: object) => Promise<{ buffer: Buffer }> };
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
const { Types: Compression } = require('kafkajs/src/protocol/message/compression') as { Types: Record<string, number> };
registerLz4Codec();

// Batch attribute bits, and where the attributes sit: after offset(8) length(4) epoch(4) magic(1) crc(4).
const ATTRIBUTES_AT = 21;
const LOG_APPEND_TIME = 0x8;
const CONTROL = 0x20;

interface Spec {
  firstOffset?: bigint;
  firstTimestamp?: bigint;
  maxTimestamp?: bigint;
  compression?: number;
  transactional?: boolean;
  records: { offsetDelta: number; timestampDelta: number | bigint; key: Buffer | null; value: Buffer | null; headers?: Record<string, Buffer | Buffer[]> }[];
}

async function encode(spec: Spec, setAttributes = 0): Promise<Buffer> {
  const { buffer } = await encodeRecordBatch({
    compression: spec.compression ?? Compression.None,
    firstOffset: String(spec.firstOffset ?? 0n),
    firstTimestamp: String(spec.firstTimestamp ?? 1_700_000_000_000n),
    maxTimestamp: String(spec.maxTimestamp ?? 1_700_000_009_999n),
    lastOffsetDelta: spec.records.length - 1,
    transactional: spec.transactional ?? false,
    producerId: '4711',
    producerEpoch: 3,
    firstSequence: 17,
    records: spec.records.map((r) => encodeRecord({ ...r, timestampDelta: String(r.timestampDelta) })),
  });
  buffer.writeInt16BE(buffer.readInt16BE(ATTRIBUTES_AT) | setAttributes, ATTRIBUTES_AT);
  return buffer;
}

type FieldsViaGetters = { key: unknown; timestamp: unknown; value: unknown; magicByte: unknown; isControlRecord: unknown; batchContext: unknown };

/** A batch with every record as a plain object of its fields, including those read through getters. */
function plain(batch: unknown): unknown {
  const { records, ...rest } = batch as { records: FieldsViaGetters[] };
  return { ...rest, records: records.map((r) => ({ ...r, key: r.key, timestamp: r.timestamp, value: r.value, magicByte: r.magicByte, isControlRecord: r.isControlRecord, batchContext: r.batchContext })) };
}

/** Both decoders over the same bytes (twice concatenated, so the cursor must land right). */
async function bothDecodings(bytes: Buffer): Promise<{ ours: unknown[]; theirs: unknown[]; oursAt: number; theirsAt: number }> {
  const twice = Buffer.concat([bytes, bytes]);
  const mine = new KafkajsDecoder(twice);
  const kafkajs = new KafkajsDecoder(twice);
  const ours = [plain(await decodeRecordBatch(mine)), plain(await decodeRecordBatch(mine))];
  const theirs = [plain(await kafkajsDecodeRecordBatch(kafkajs)), plain(await kafkajsDecodeRecordBatch(kafkajs))];
  return { ours, theirs, oursAt: mine.offset, theirsAt: kafkajs.offset };
}

const chat = (i: number) => ({ offsetDelta: i, timestampDelta: i * 37, key: Buffer.from(`channel_${i % 3}`), value: Buffer.from(`message ${i} ✓`) });

describe('decodeRecordBatch', () => {
  const cases: [string, Spec, number?][] = [
    ['plain records', { firstOffset: 1_234_567n, records: Array.from({ length: 50 }, (_, i) => chat(i)) }],
    ['one record', { records: [chat(0)] }],
    ['null keys and values, empty values', { records: [{ offsetDelta: 0, timestampDelta: 0, key: null, value: null }, { offsetDelta: 1, timestampDelta: 1, key: Buffer.alloc(0), value: Buffer.alloc(0) }] }],
    ['headers, repeated keys collected', { records: [{ ...chat(0), headers: { trace: Buffer.from('a'), 'x-many': [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')] } }] }],
    ['negative and large timestamp deltas', { records: [{ ...chat(0), timestampDelta: -5_000 }, { ...chat(1), timestampDelta: 2 ** 40 }, { ...chat(2), timestampDelta: -(2n ** 60n) }, { ...chat(3), timestampDelta: 2n ** 62n }] }],
    ['no timestamp (-1)', { firstTimestamp: -1n, records: [{ ...chat(0), timestampDelta: 0 }] }],
    ['offsets beyond 2^53', { firstOffset: 2n ** 60n + 3n, records: [chat(0), chat(1)] }],
    ['offsets at 2^53', { firstOffset: 2n ** 53n - 1n, records: [chat(0), chat(1), chat(2)] }],
    ['gzip', { compression: Compression.GZIP, records: Array.from({ length: 200 }, (_, i) => chat(i)) }],
    ['lz4', { compression: Compression.LZ4, firstOffset: 99n, records: Array.from({ length: 200 }, (_, i) => chat(i)) }],
    ['transactional', { transactional: true, records: [chat(0), chat(1)] }],
    ['log-append time', { records: [chat(0), chat(5)] }, LOG_APPEND_TIME],
    ['control batch', { transactional: true, records: [{ offsetDelta: 0, timestampDelta: 0, key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }] }, CONTROL],
  ];
  for (const [name, spec, attributes] of cases) {
    it(`decodes ${name} exactly as kafkajs does`, async () => {
      const { ours, theirs, oursAt, theirsAt } = await bothDecodings(await encode(spec, attributes));
      assert.deepEqual(ours, theirs);
      assert.equal(oursAt, theirsAt);
      assert.equal((ours[0] as { records: unknown[] }).records.length, spec.records.length);
    });
  }

  it('gives offsets and timestamps as decimal strings of the exact sums', async () => {
    const [batch] = (await bothDecodings(await encode({ firstOffset: 2n ** 53n - 1n, records: [chat(0), chat(2), { ...chat(3), timestampDelta: -(2n ** 60n) }] }))).ours as { records: { offset: string; timestamp: string }[] }[];
    assert.deepEqual(batch!.records.map((r) => r.offset), ['9007199254740991', '9007199254740993', '9007199254740994']);
    assert.deepEqual(batch!.records.map((r) => r.timestamp), ['1700000000000', '1700000000074', String(1_700_000_000_000n - 2n ** 60n)]);
  });

  it('throws kafkajs’s partial-message error for a batch cut off by the fetch size', async () => {
    const bytes = await encode({ records: Array.from({ length: 10 }, (_, i) => chat(i)) });
    const cut = bytes.subarray(0, bytes.length - 7);
    await assert.rejects(decodeRecordBatch(new KafkajsDecoder(cut)), { name: 'KafkaJSPartialMessageError' });
    await assert.rejects(kafkajsDecodeRecordBatch(new KafkajsDecoder(cut)), { name: 'KafkaJSPartialMessageError' });
  });
});
