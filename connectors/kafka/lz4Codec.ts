// Before kafkajs: see partitionGrouping.ts.
import './partitionGrouping.ts';
import { lz4Compress, lz4Decompress } from '@platformatic/wasm-utils';
import kafkajs from 'kafkajs';

/**
 * Kafka's LZ4 (the standard LZ4 frame format, as the Java client writes it) for kafkajs, which
 * ships only gzip. Raw chat is produced with LZ4 because gzip cost the ingest path a sixth of its
 * CPU; every kafkajs client of this project reads it through this codec.
 */
export const lz4Codec = {
  async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
    return lz4Compress(encoder.buffer);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return lz4Decompress(buffer);
  },
};

/** Registers {@link lz4Codec} with kafkajs; idempotent. */
export function registerLz4Codec(): void {
  kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = () => lz4Codec;
}
