import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { DecodedRecord, installRecordBatchDecoder } from './recordBatchDecoder.ts';

const require = createRequire(import.meta.url);
type Decoder = { buffer: Buffer; offset: number };

// Its own spec file (node --test runs each file in a fresh process): installing must come before
// kafkajs loads its fetch decoder, which recordBatchDecoder.spec.ts loads to compare with.
describe('installRecordBatchDecoder', () => {
  it('makes kafkajs’s fetch decoding produce our records, and is idempotent', async () => {
    installRecordBatchDecoder();
    installRecordBatchDecoder();
    const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as (decoder: Decoder) => Promise<Array<{ offset: string; value: Buffer }>>;
    const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => Decoder;
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (batch: object) => Promise<{ buffer: Buffer }> };
    const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
    const records = ['a', 'b', 'c'].map((v, i) => encodeRecord({ offsetDelta: i, timestampDelta: '0', key: null, value: Buffer.from(v) }));
    const batch = (await RecordBatch({ firstOffset: '41', firstTimestamp: '1700000000000', maxTimestamp: '1700000000000', lastOffsetDelta: 2, records })).buffer;
    // A fetch response's record set: its size, then the batch.
    const size = Buffer.alloc(4);
    size.writeInt32BE(batch.length);
    const decoded = await decodeMessages(new KafkajsDecoder(Buffer.concat([size, batch])));
    assert.deepEqual(decoded.map((r) => [r.offset, r.value.toString()]), [['41', 'a'], ['42', 'b'], ['43', 'c']]);
    assert.ok(decoded.every((r) => r instanceof DecodedRecord));
  });

  it('refuses once kafkajs has loaded its own decoder', () => {
    const path = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
    const ours = require.cache[path];
    delete require.cache[path];
    try {
      require(path);
      assert.throws(() => installRecordBatchDecoder(), { name: 'ConfigError' });
    } finally {
      require.cache[path] = ours;
    }
  });
});
