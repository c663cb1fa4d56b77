import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import {
  CorruptPayloadError,
  MissingMagicByteError,
  SerializationError,
  UnavailableError,
  UnknownSchemaIdError,
} from '../core/errors.ts';
import { TOPICS, loadSchema } from './catalogue.ts';
import { AvroSerde, readSchemaId } from './serde.ts';

// Unit tests stand a map of schemas in for the registry; test/integration covers Apicurio.
function serdeWith(types: Record<number, avro.Type>, failure?: { status?: number; message: string }): AvroSerde {
  const registry = {
    async getSchema(id: number) {
      if (failure) throw Object.assign(new Error(failure.message), failure.status ? { status: failure.status } : {});
      const type = types[id];
      if (!type) throw Object.assign(new Error(`Schema ${id} not found`), { status: 404 });
      return type;
    },
  } as unknown as SchemaRegistry;
  return new AvroSerde(registry, 'http://unused');
}

// avsc decodes records into instances of generated classes; compare their plain data.
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

const rateType = avro.Type.forSchema(loadSchema(TOPICS.chatRates) as avro.Schema);
const rate = {
  channel: 'xqc', roomId: '71092938', windowStartMs: 1_700_000_000_000, windowEndMs: 1_700_000_010_000,
  sizeMs: 10_000, messages: 42, chatters: 17, firstTimeChatters: 1, emoteOnlyMessages: 3, shortMessages: 5, bits: 100,
  topEmotes: [{ id: '25', count: 9 }], early: false,
};

describe('AvroSerde', () => {
  it('writes the Confluent wire format: magic byte 0, big-endian schema id, Avro body', async () => {
    const bytes = await serdeWith({ 7: rateType }).encode(7, rate);
    assert.equal(bytes[0], 0);
    assert.equal(bytes.readInt32BE(1), 7);
    assert.deepEqual(plain(rateType.fromBuffer(bytes.subarray(5))), rate);
  });

  it('round-trips a record', async () => {
    const serde = serdeWith({ 7: rateType });
    const { schemaId, value } = await serde.decode(await serde.encode(7, rate));
    assert.equal(schemaId, 7);
    assert.deepEqual(plain(value), rate);
  });

  it('rejects a value that does not match the schema, naming the field', async () => {
    const encode = serdeWith({ 7: rateType }).encode(7, { ...rate, messages: 'many' });
    await assert.rejects(encode, (e: unknown) => e instanceof SerializationError && /messages/.test(e.message));
  });

  it('fails with MissingMagicByteError on an empty payload or a payload without magic byte', async () => {
    const serde = serdeWith({ 7: rateType });
    await assert.rejects(serde.decode(Buffer.alloc(0)), MissingMagicByteError);
    await assert.rejects(serde.decode(null), MissingMagicByteError);
    await assert.rejects(serde.decode(Buffer.from('{"json":true}')), (e: unknown) =>
      e instanceof MissingMagicByteError && e.code === 'SERDE_MISSING_MAGIC_BYTE' && !e.retriable);
  });

  it('fails with UnknownSchemaIdError when the registry answers 404 for the id', async () => {
    const payload = Buffer.from([0, 0, 0, 0x30, 0x39, 1, 2]);
    await assert.rejects(serdeWith({}).decode(payload, { topic: 't', partition: 2, offset: '9' }), (e: unknown) =>
      e instanceof UnknownSchemaIdError && e.context.schemaId === 12345 && e.context.topic === 't');
  });

  it('reports an unreachable registry as retriable UnavailableError, not as bad data', async () => {
    const payload = Buffer.from([0, 0, 0, 0, 7, 1]);
    await assert.rejects(serdeWith({}, { message: 'connect ECONNREFUSED' }).decode(payload), (e: unknown) =>
      e instanceof UnavailableError && e.retriable);
  });

  it('fails with CorruptPayloadError on a truncated Avro body or header', async () => {
    const serde = serdeWith({ 7: rateType });
    const good = await serde.encode(7, rate);
    await assert.rejects(serde.decode(good.subarray(0, 12)), CorruptPayloadError);
    assert.throws(() => readSchemaId(Buffer.from([0, 0, 1])), CorruptPayloadError);
  });

  it('fetches a schema once and then encodes without the registry', async () => {
    let calls = 0;
    const registry = { async getSchema() { calls++; return rateType; } } as unknown as SchemaRegistry;
    const serde = new AvroSerde(registry, 'http://unused');
    const encode = await serde.encoder(3);
    for (let i = 0; i < 100; i++) encode(rate);
    await serde.decode(encode(rate));
    assert.equal(calls, 1);
  });
});

describe('AvroSerde.encoder (hot path)', () => {
  it('writes the same bytes as encode, across slab boundaries, and rejects invalid values', async () => {
    const serde = serdeWith({ 7: rateType });
    const encode = await serde.encoder(7);
    const views: Buffer[] = [];
    for (let i = 0; i < 5_000; i++) views.push(encode({ ...rate, messages: i }));
    for (let i = 0; i < 5_000; i += 997) {
      assert.deepEqual(views[i], await serde.encode(7, { ...rate, messages: i }));
    }
    assert.throws(() => encode({ ...rate, messages: 'many' }), SerializationError);
    assert.throws(() => encode({ ...rate, channel: undefined }), SerializationError);
  });
});

describe('AvroSerde.decodeCached', () => {
  it('decodes without awaiting once the schema is cached, and says so when it is not', async () => {
    const serde = serdeWith({ 7: rateType });
    const bytes = await serde.encode(7, rate);
    assert.deepEqual(plain(serde.decodeCached(bytes)!.value), rate);
    assert.equal(serdeWith({ 7: rateType }).decodeCached(bytes), undefined);
    assert.throws(() => serde.decodeCached(Buffer.from('x')), MissingMagicByteError);
  });

  it('projection: reads only the named fields, from an older writer schema too, and keeps the typed errors', async () => {
    const older = avro.Type.forSchema({ ...(loadSchema(TOPICS.chatRates) as object), fields: (loadSchema(TOPICS.chatRates).fields as Array<{ name: string }>).filter((f) => f.name !== 'early') } as avro.Schema);
    const writer = serdeWith({ 7: rateType, 8: older });
    const projection = serdeWith({ 7: rateType, 8: older }).projection(loadSchema(TOPICS.chatRates), ['channel', 'messages', 'topEmotes']);
    const current = await writer.encode(7, rate);
    assert.equal(projection.decodeCached(current), undefined, 'schema 7 not fetched yet');
    assert.deepEqual(plain((await projection.decode(current)).value), { channel: 'xqc', messages: 42, topEmotes: [{ id: '25', count: 9 }] });
    assert.deepEqual(plain(projection.decodeCached(current)!.value), { channel: 'xqc', messages: 42, topEmotes: [{ id: '25', count: 9 }] });
    const { early: _early, ...withoutEarly } = rate;
    const old = await writer.encode(8, withoutEarly);
    assert.deepEqual(plain((await projection.decode(old)).value), { channel: 'xqc', messages: 42, topEmotes: [{ id: '25', count: 9 }] });
    await assert.rejects(projection.decode(Buffer.alloc(0)), MissingMagicByteError);
    assert.throws(() => projection.decodeCached(Buffer.concat([current.subarray(0, 5), Buffer.from([0xff])])), CorruptPayloadError);
  });

  it('decodeCachedAt: reads payloads packed back to back in place, each exactly to its end', async () => {
    const serde = serdeWith({ 7: rateType });
    const projection = serde.projection(loadSchema(TOPICS.chatRates), ['channel', 'messages']);
    const first = await serde.encode(7, rate);
    const second = await serde.encode(7, { ...rate, channel: 'shroud', messages: 7 });
    const packed = Buffer.concat([Buffer.from([9, 9]), first, second, Buffer.from([0])]);
    const at = [2, 2 + first.length];
    assert.deepEqual(plain(serde.decodeCachedAt(packed, at[0]!, first.length)!.value), rate);
    assert.deepEqual(plain(serde.decodeCachedAt(packed, at[1]!, second.length)!.value), { ...rate, channel: 'shroud', messages: 7 });
    assert.deepEqual(plain(projection.decodeCachedAt(packed, at[1]!, second.length)!.value), { channel: 'shroud', messages: 7 });
    assert.equal(serdeWith({}).decodeCachedAt(packed, at[0]!, first.length), undefined);
    // One byte short: the record would run into the next payload's bytes.
    for (const d of [serde, projection]) {
      assert.throws(() => d.decodeCachedAt(packed, at[0]!, first.length - 1), (e: unknown) => e instanceof CorruptPayloadError && /truncated/.test(String((e as Error).cause)));
      assert.throws(() => d.decodeCachedAt(packed, at[0]!, first.length + 1), (e: unknown) => e instanceof CorruptPayloadError && /trailing data/.test(String((e as Error).cause)));
      assert.throws(() => d.decodeCachedAt(packed, 0, 2), MissingMagicByteError);
      assert.throws(() => d.decodeCachedAt(packed, at[0]!, 0), MissingMagicByteError);
      assert.throws(() => d.decodeCachedAt(packed, at[0]!, 3), CorruptPayloadError);
    }
  });
});
