import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { lz4Codec, registerLz4Codec } from './lz4Codec.ts';

describe('LZ4 codec for kafkajs', () => {
  it('round-trips chat-like bytes in the LZ4 frame format', async () => {
    const text = Buffer.from(Array.from({ length: 2_000 }, (_, i) => `@badges=subscriber/${i % 12};tmi-sent-ts=${1_700_000_000_000 + i} PRIVMSG #c :hello ${i} 😀\n`).join(''));
    const packed = await lz4Codec.compress({ buffer: text });
    assert.equal(packed.readUInt32LE(0), 0x184d2204, 'LZ4 frame magic');
    assert.ok(packed.length < text.length / 2, `compressed ${packed.length} of ${text.length}`);
    assert.deepEqual(Buffer.from(await lz4Codec.decompress(packed)), text);
  });

  it('is what kafkajs looks up for LZ4 once registered', () => {
    registerLz4Codec();
    const codec = kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4]();
    assert.equal(codec, lz4Codec);
  });
});
