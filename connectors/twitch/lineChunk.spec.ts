import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enqueueRecords, forEachLine, LineChunkBuilder, RecordChunkBuilder } from './lineChunk.ts';

describe('line and record chunks', () => {
  it('give back every line byte for byte with its time, empty and invalid UTF-8 ones too, past the first megabyte', () => {
    const lines = [Buffer.alloc(0), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('PRIVMSG #a :hi 😀'), Buffer.alloc(1_500_000, 0x61), Buffer.from('x')];
    const builder = new LineChunkBuilder();
    lines.forEach((l, i) => builder.add(l, 1_000 + i));
    const chunk = builder.take(4);
    assert.equal(chunk.seq, 4);
    const seen: Array<[Buffer, number]> = [];
    forEachLine(chunk, (line, at) => seen.push([Buffer.from(line), at]));
    assert.deepEqual(seen, lines.map((l, i) => [l, 1_000 + i]));
    assert.equal(builder.lines, 0, 'a taken chunk starts the builder over');
  });

  it('give back every record in order with its topic and key', () => {
    const topics = ['raw', 'dlq'];
    const builder = new RecordChunkBuilder(topics);
    const sent: Array<[string, string, Buffer]> = [['raw', '71092938', Buffer.from([0, 0, 0, 0, 1, 2])], ['dlq', '', Buffer.alloc(2_000_000, 7)], ['raw', 'b', Buffer.alloc(0)]];
    for (const [t, k, v] of sent) builder.enqueue(t, k, v);
    const got: Array<[string, string, Buffer]> = [];
    const refused = enqueueRecords(builder.take(0), topics, { enqueue: (t, k, v) => (got.push([t, k, Buffer.from(v)]), got.length !== 2) });
    assert.deepEqual(got, sent);
    assert.equal(refused, 1);
  });
});
