// Needs: MinIO of the local stack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMinio, ensureBucket } from '../../connectors/minio/client.ts';
import { endpoints, uniqueName } from './harness.ts';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('MinIO', () => {
  const client = createMinio(endpoints.minio);
  const bucket = endpoints.minio.bucket;

  it('has the archive bucket and creating it again is a no-op', async () => {
    assert.equal(await client.bucketExists(bucket), true);
    assert.equal(await ensureBucket(client, bucket), false);
  });

  it('puts, lists and gets objects byte for byte', async () => {
    const prefix = `${uniqueName('it-minio')}/`;
    const objects = new Map<string, Buffer>([
      [`${prefix}a.bin`, Buffer.from([0, 1, 2, 255])],
      [`${prefix}date=2024-01-01/b.json`, Buffer.from(JSON.stringify({ emote: 'PogChamp', 'ü': '日本語' }))],
      [`${prefix}empty`, Buffer.alloc(0)],
    ]);
    for (const [name, body] of objects) await client.putObject(bucket, name, body, body.length);

    const listed: string[] = [];
    for await (const item of client.listObjectsV2(bucket, prefix, true)) listed.push((item as { name: string }).name);
    assert.deepEqual(listed.sort(), [...objects.keys()].sort());

    for (const [name, body] of objects) assert.deepEqual(await readAll(await client.getObject(bucket, name)), body);
    for (const name of objects.keys()) await client.removeObject(bucket, name);
  });
});
