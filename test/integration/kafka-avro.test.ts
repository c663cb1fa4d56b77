// Needs: Kafka and Apicurio Registry of the local stack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kafka, Producer } from 'kafkajs';
import { MissingMagicByteError, SchemaIncompatibleError, UnknownSchemaIdError } from '../../core/errors.ts';
import { TOPICS, valueSubject } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { consumeAll, createTestTopic, endpoints, testKafka, uniqueName } from './harness.ts';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

function rate(i: number) {
  return {
    channel: `chan${i}`, roomId: String(1000 + i), windowStartMs: 1_700_000_000_000 + i * 10_000,
    windowEndMs: 1_700_000_010_000 + i * 10_000, sizeMs: 10_000, messages: 10 * i, chatters: i,
    firstTimeChatters: 0, emoteOnlyMessages: 0, shortMessages: i, bits: 0, topEmotes: [{ id: 'Kappa', count: i }], early: false,
  };
}

describe('Avro over Kafka through the Apicurio registry', () => {
  let kafka: Kafka;
  let producer: Producer;
  const serde = AvroSerde.connect(endpoints.registryUrl);

  before(async () => {
    kafka = testKafka();
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
  });
  after(async () => {
    await producer.disconnect();
  });

  it('produces and consumes Avro records in the Confluent wire format', async () => {
    const topic = uniqueName('it-avro');
    await createTestTopic(kafka, topic, 2);
    const schemaId = await serde.registerTopic(TOPICS.chatRates, topic);
    const records = [1, 2, 3, 4, 5].map(rate);
    await producer.send({
      topic,
      acks: -1,
      messages: await Promise.all(records.map(async (r) => ({ key: r.roomId, value: await serde.encode(schemaId, r) }))),
    });

    // A separate serde starts with an empty cache, so decoding fetches the schema by id.
    const reader = AvroSerde.connect(endpoints.registryUrl);
    const got = await consumeAll(kafka, topic, records.length);
    assert.equal(got.length, 5);
    const decoded = await Promise.all(got.map((m) => reader.decode(m.value)));
    assert.ok(decoded.every((d) => d.schemaId === schemaId));
    const byRoom = new Map(decoded.map((d) => [(d.value as { roomId: string }).roomId, plain(d.value)]));
    for (const r of records) assert.deepEqual(byRoom.get(r.roomId), r);
  });

  it('registers idempotently and answers latest and by-version lookups with the same id', async () => {
    const topic = uniqueName('it-ids');
    const first = await serde.registerTopic(TOPICS.chatMessages, topic);
    const again = await serde.registerTopic(TOPICS.chatMessages, topic);
    assert.equal(again, first);
    assert.equal(await serde.registry.getLatestSchemaId(valueSubject(topic)), first);
    assert.equal(await serde.registry.getRegistryId(valueSubject(topic), 1), first);
    // The id must resolve through /schemas/ids/{id} (Apicurio: global ids, not content ids).
    const fetched = await AvroSerde.connect(endpoints.registryUrl).registry.getSchema(first);
    assert.ok(fetched);
  });

  it('accepts a field added with a default and rejects an incompatible change (BACKWARD)', async () => {
    const subject = valueSubject(uniqueName('it-evolve'));
    const v1 = { type: 'record', name: 'Probe', namespace: 'tv.twitchpulse.test', doc: 'probe', fields: [{ name: 'channel', type: 'string' }] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'viewers', type: 'int', default: 0 }] };
    const broken = { ...v1, fields: [...v1.fields, { name: 'mandatory', type: 'string' }] };
    const id1 = await serde.register(subject, v1);
    const id2 = await serde.register(subject, v2);
    assert.notEqual(id2, id1);
    await assert.rejects(serde.register(subject, broken), (e: unknown) =>
      e instanceof SchemaIncompatibleError && e.code === 'SCHEMA_INCOMPATIBLE' && e.message.includes(subject));

    // Data written with v1 is still readable by a v2 reader.
    const old = await serde.encode(id1, { channel: 'forsen' });
    const evolved = await serde.registry.decode(old, { AVRO: { readerSchema: JSON.stringify(v2) } } as never);
    assert.deepEqual(plain(evolved), { channel: 'forsen', viewers: 0 });
  });

  it('turns bytes without magic byte and unknown schema ids into typed errors, and keeps consuming', async () => {
    const topic = uniqueName('it-bad');
    await createTestTopic(kafka, topic, 1);
    const schemaId = await serde.registerTopic(TOPICS.chatRates, topic);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'a', value: Buffer.from('{"not":"avro"}') },
        { key: 'b', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 4]) },
        { key: 'c', value: await serde.encode(schemaId, rate(9)) },
      ],
    });
    const got = await consumeAll(kafka, topic, 3);
    const outcomes = await Promise.all(
      got.map((m) => serde.decode(m.value, { topic, partition: m.partition, offset: m.offset }).then(
        (d) => `ok:${(d.value as { channel: string }).channel}`,
        (e: unknown) => (e instanceof MissingMagicByteError ? `magic@${e.context.offset}` : e instanceof UnknownSchemaIdError ? `unknown:${e.context.schemaId}` : `other:${String(e)}`),
      )),
    );
    assert.deepEqual(outcomes, ['magic@0', `unknown:${0x7ffffff0}`, 'ok:chan9']);
  });
});
