// Needs: Kafka, Apicurio Registry and ClickHouse of the local stack. Records that cannot become
// rows — ClickHouse refuses them, the sink's own checks refuse them, or they are not Avro — go
// to the dead-letter topic with the reason and the original bytes; every other row lands.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createTopics } from '../../connectors/kafka/admin.ts';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { ChatMessage, DeadLetter } from '../../schemas/types.ts';
import { consumeAll, endpoints, testKafka, uniqueName } from './harness.ts';
import { migrateInto, startCli } from './sinkCli.ts';

function message(id: string, displayName: string, eventTimeMs = 1_700_000_000_000): ChatMessage {
  return {
    id, channel: 'dlq_channel', roomId: '424242', userId: '7', login: 'someone', displayName, text: 'hello',
    eventTimeMs, receivedAtMs: eventTimeMs, badges: {}, badgeInfo: {}, subscriberMonths: null, bits: 0, emotes: [], emoteCount: 0,
    emoteOnly: false, firstMsg: false, returningChatter: false, mod: false, vip: false, subscriber: false,
    replyParentMsgId: null, replyParentUserLogin: null, sourceRoomId: null, sourceId: null,
  };
}

describe('ClickHouse sink: refused records go to the dead-letter topic', () => {
  const base = uniqueName('it-chdlq');
  const prefix = `${base}.`;
  const database = base.replace(/[^a-z0-9]/g, '_');
  const env = { ...process.env, CLICKHOUSE_DATABASE: database };
  const ch = createClickHouse({ ...endpoints.clickhouse, database });
  after(async () => {
    await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await ch.close();
  });

  it('lands the good rows and dead-letters each bad one with its reason, offset and bytes', { timeout: 120_000 }, async () => {
    migrateInto(env);
    // A column changed behind the sink's back (schema drift): ClickHouse now refuses display
    // names that are not numbers — a refusal only the server can make.
    await ch.command({ query: 'ALTER TABLE chat_messages MODIFY COLUMN display_name UInt64' });

    const kafka = testKafka();
    const topic = `${prefix}${TOPICS.chatMessages.name}`;
    await createTopics(kafka, [{ ...TOPICS.chatMessages, name: topic }]);
    const serde = AvroSerde.connect(endpoints.registryUrl);
    const encode = await serde.encoder(await serde.registerTopic(TOPICS.chatMessages, topic));
    const values = [
      encode(message('m0', '123')),
      encode(message('m1', '456')),
      encode(message('m2', 'Alice')), // ClickHouse refuses
      encode(message('m3', '789')),
      encode(message('m4', 'Bob')), // ClickHouse refuses
      encode(message('m5', '42', -5_000)), // before 1970: the sink refuses (DateTime would wrap)
      Buffer.from('not avro at all'), // does not decode
    ];
    const producer = kafka.producer();
    await producer.connect();
    // One key, so one partition and offsets 0..6 in this order.
    await producer.send({ topic, messages: values.map((value) => ({ key: '424242', value })) });
    await producer.disconnect();

    const sink = startCli(['sink', 'clickhouse', '--group', `${base}-sink`, '--topic-prefix', prefix, '--topics', 'chatMessages', '--exit-when-idle-ms', '2000'], env);
    assert.equal(await sink.exited(), 0, sink.stderr());
    const stats = JSON.parse(sink.stdout().trim().split('\n').pop()!) as { records: number; items: number; deadLetters: number };
    assert.deepEqual([stats.records, stats.items, stats.deadLetters], [7, 3, 4]);

    const rows = await (await ch.query({ query: 'SELECT id, toString(display_name) AS name FROM chat_messages FINAL ORDER BY id', format: 'JSONEachRow' })).json<{ id: string; name: string }>();
    assert.deepEqual(rows, [{ id: 'm0', name: '123' }, { id: 'm1', name: '456' }, { id: 'm3', name: '789' }]);

    const letters = await Promise.all(
      (await consumeAll(kafka, `${prefix}${TOPICS.deadLetter.name}`, 4)).map(async (m) => (await serde.decode<DeadLetter>(m.value)).value),
    );
    letters.sort((a, b) => Number(a.sourceOffset) - Number(b.sourceOffset));
    assert.deepEqual(letters.map((l) => [l.stage, l.errorCode, l.sourceTopic, l.sourceOffset]), [
      ['clickhouse-sink', 'CLICKHOUSE_ROW_REJECTED', topic, '2'],
      ['clickhouse-sink', 'CLICKHOUSE_ROW_REJECTED', topic, '4'],
      ['clickhouse-sink', 'CLICKHOUSE_ROW_REJECTED', topic, '5'],
      ['clickhouse-sink', 'SERDE_MISSING_MAGIC_BYTE', topic, '6'],
    ]);
    assert.match(letters[0]!.reason, /ClickHouse refused the row: Code: \d+/);
    assert.match(letters[2]!.reason, /eventTimeMs -5000 ms is outside DateTime's range/);
    letters.forEach((l) => assert.deepEqual(l.raw, values[Number(l.sourceOffset)], `offset ${l.sourceOffset}: the original bytes`));
  });
});
