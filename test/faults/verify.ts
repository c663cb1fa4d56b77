// The end-of-run checks both fault cases make: derived topics against an uninterrupted
// in-process run, every ClickHouse chat table against its topic, and the MinIO archive against
// the raw topics.
import assert from 'node:assert/strict';
import avro from 'avsc';
import type { Kafka } from 'kafkajs';
import type { Endpoints } from '../../core/config.ts';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { TABLE_MAPPINGS } from '../../connectors/clickhouse/tables.ts';
import { createMinio } from '../../connectors/minio/client.ts';
import { TOPICS, loadSchema, type TopicId } from '../../schemas/catalogue.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { ChatEvent, ChatMessage } from '../../schemas/types.ts';
import { plainJson, verifyArchive } from '../integration/archiveKit.ts';
import { CHAT_TABLES, IDENTITY, canonical } from '../support/clickhouseRows.ts';
import { decodeAll, expectedDerived, readTopic, type TopicRecord } from './kit.ts';

/** Where a run's topics and tables are. */
export interface RunPlace {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly endpoints: Endpoints;
  readonly database: string;
  readonly name: (id: TopicId) => string;
}

type Decoded<T> = ReadonlyArray<TopicRecord & { decoded: T }>;

/**
 * Each derived topic holds exactly what the topology's tasks yield in-process, uninterrupted,
 * over the raw records as they are. @returns the expected records per topic id.
 */
export async function assertDerivedExact(place: RunPlace, messages: Decoded<ChatMessage>, events: Decoded<ChatEvent>): Promise<Record<string, string[]>> {
  const { kafka, serde, name } = place;
  const derived = await expectedDerived(serde, messages, events, { messages: name('chatMessages'), events: name('chatEvents'), output: name });
  for (const id of Object.keys(derived) as TopicId[]) {
    const got = (await decodeAll(serde, await readTopic(kafka, name(id)))).decoded.map((r) => JSON.stringify(r.decoded)).sort();
    assert.deepEqual(got, derived[id], `${id}: each result once, equal to an uninterrupted in-process run`);
  }
  return derived;
}

/** Every chat table holds exactly its topic's committed records as rows (read with FINAL). */
export async function assertTablesExact(place: RunPlace): Promise<void> {
  const { kafka, serde, name } = place;
  const ch = createClickHouse({ ...place.endpoints.clickhouse, database: place.database });
  try {
    for (const id of CHAT_TABLES) {
      const mapping = TABLE_MAPPINGS.find((m) => m.topic === id)!;
      const values = (await decodeAll(serde, await readTopic(kafka, name(id)))).decoded.map((r) => r.decoded);
      const want = new Map<string, string>();
      for (const value of values) {
        const row = mapping.toRow(value as never);
        want.set(JSON.stringify(IDENTITY[mapping.table]!.map((c) => row[c])), canonical(row));
      }
      // Small read buffers: FINAL reads many parts at once (18.16 read every part), and the kills leave many.
      const got = (await (await ch.query({ query: `SELECT * FROM ${mapping.table} FINAL`, format: 'JSONEachRow', clickhouse_settings: { max_read_buffer_size: '65536' } })).json<Record<string, unknown>>()).map(canonical).sort();
      assert.deepEqual(got, [...want.values()].sort(), `${mapping.table} holds exactly its topic's rows`);
    }
  } finally {
    await ch.close();
  }
}

/** The archive of the raw message and event topics holds each committed record once; `deadOffsets` (`partition:offset` of messages) as dead letters instead. */
export async function assertArchiveExact(place: RunPlace, messages: readonly TopicRecord[], events: readonly TopicRecord[], deadOffsets: readonly string[] = []): Promise<void> {
  const minio = createMinio(place.endpoints.minio);
  for (const [id, records] of [['chatMessages', messages], ['chatEvents', events]] as const) {
    const all = [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    await verifyArchive(minio, place.endpoints.minio.bucket, {
      topic: place.name(id), partitions: TOPICS[id].partitions, transactional: true,
      records: all.map((r) => ({ partition: r.partition, offset: r.offset, key: r.key, timestampMs: r.timestampMs, value: r.value ?? Buffer.alloc(0) })),
      deadOffsets: new Set(id === 'chatMessages' ? deadOffsets : []),
      decode: plainJson(avro.Type.forSchema(loadSchema(TOPICS[id]) as avro.Schema)),
    });
  }
}
