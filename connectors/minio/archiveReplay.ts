import type { Kafka } from 'kafkajs';
import { CompressionTypes } from '../kafka/client.ts';
import { ArchiveObjectError, ConfigError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { ALL_TOPICS, loadSchema, valueSubject, type TopicSpec } from '../../schemas/catalogue.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import { avroToArrow } from '../parquet/avroArrow.ts';
import { readArchiveParquet } from '../parquet/parquetReader.ts';
import { createTopics } from '../kafka/admin.ts';
import type { MinioArchiveSink } from './archiveSink.ts';
import { compareArchiveObjects } from './objectNaming.ts';

/** What to replay from the archive, and where to. */
export interface ArchiveReplayOptions {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly sink: MinioArchiveSink;
  /** Object-name prefix in the sink's bucket, starting with the topic: `twitch.chat.messages/date=2024-05-01/`. */
  readonly prefix: string;
  /** Topic to produce into; the archived topic by default. */
  readonly toTopic?: string;
  readonly log: Logger;
  /** Records per produce request. */
  readonly batchRecords?: number;
  /** Called after each produce request and each object, for a progress line. */
  readonly onProgress?: (progress: ArchiveReplayProgress) => void;
}

/**
 * How far a replay is. The objects' names give the offset range each covers, so the share of
 * offsets replayed is known from the start; records are at most the offsets (dead-lettered
 * records keep their offsets in the range but are not in the object).
 */
export interface ArchiveReplayProgress {
  readonly objects: number;
  readonly objectsTotal: number;
  readonly records: number;
  /** Offsets covered by the objects replayed so far, the current one pro rata. */
  readonly offsetsDone: number;
  readonly offsetsTotal: number;
}

/** Counters of one replay. */
export interface ArchiveReplayStats {
  topic: string | null;
  objects: number;
  records: number;
}

/**
 * Reads the archive objects under `prefix` back in order (by partition, then first offset),
 * rebuilds each Avro record from its Parquet row and the Avro schema stored with it, and
 * produces it into `toTopic` with its original key and Kafka timestamp (idempotent producer,
 * acks=all), so records of one key keep their order. The schema is registered under
 * `<toTopic>-value` first (BACKWARD; the same schema gets the same id).
 *
 * A missing `toTopic` is created with the catalogue's settings for the archived topic's schema.
 *
 * @throws ArchiveObjectError when an object is not an archive object or mixes topics;
 *   ConfigError when `toTopic` does not exist and no catalogue topic has the records' schema.
 */
export async function replayArchive(options: ArchiveReplayOptions): Promise<ArchiveReplayStats> {
  const { kafka, serde, sink, log } = options;
  const objects = (await sink.list(options.prefix)).sort(compareArchiveObjects);
  const stats: ArchiveReplayStats = { topic: options.toTopic ?? objects[0]?.topic ?? null, objects: 0, records: 0 };
  if (objects.length === 0) return stats;
  const topics = new Set(objects.map((o) => o.topic));
  if (topics.size > 1) throw new ArchiveObjectError(options.prefix, `holds objects of ${topics.size} topics (${[...topics].join(', ')}); replay one topic at a time`);
  const toTopic = stats.topic!;
  const span = (o: { firstOffset: number; lastOffset: number }) => o.lastOffset - o.firstOffset + 1;
  const offsetsTotal = objects.reduce((n, o) => n + span(o), 0);
  let offsetsBefore = 0;
  const report = (offsetsDone: number) => options.onProgress?.({ objects: stats.objects, objectsTotal: objects.length, records: stats.records, offsetsDone, offsetsTotal });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const encoders = new Map<string, (value: unknown) => Buffer>();
  let topicReady = false;
  await producer.connect();
  try {
    for (const ref of objects) {
      const object = readArchiveParquet(ref.name, await sink.read(ref.name));
      stats.objects++;
      if (!object.avroSchema || object.records.length === 0) {
        offsetsBefore += span(ref);
        report(offsetsBefore);
        continue;
      }
      const text = JSON.stringify(object.avroSchema);
      if (!topicReady) {
        await ensureTopic(kafka, toTopic, object.avroSchema);
        topicReady = true;
      }
      let encode = encoders.get(text);
      if (!encode) {
        encode = await serde.encoder(await serde.register(valueSubject(toTopic), object.avroSchema));
        encoders.set(text, encode);
      }
      const batch = options.batchRecords ?? 1_000;
      for (let i = 0; i < object.records.length; i += batch) {
        const messages = object.records.slice(i, i + batch).map((r) => ({
          key: r.meta.key, value: encode(r.value), timestamp: String(r.meta.timestampMs),
        }));
        await producer.send({ topic: toTopic, acks: -1, compression: CompressionTypes.GZIP, messages });
        stats.records += messages.length;
        report(offsetsBefore + Math.round(span(ref) * Math.min(1, (i + messages.length) / object.records.length)));
      }
      offsetsBefore += span(ref);
      log.info('replayed', { object: ref.name, records: object.records.length, topic: toTopic });
    }
  } finally {
    await producer.disconnect();
  }
  return stats;
}

// The replay target exists, or is created like the catalogue topic that carries this schema.
async function ensureTopic(kafka: Kafka, topic: string, avroSchema: Record<string, unknown>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let exists: boolean;
  try {
    exists = (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
  if (exists) return;
  const fullName = avroToArrow(avroSchema).fullName;
  const spec: TopicSpec | undefined = ALL_TOPICS.find((t) => t.name === topic)
    ?? ALL_TOPICS.find((t) => avroToArrow(loadSchema(t)).fullName === fullName);
  if (!spec) throw new ConfigError('--to-topic', `${topic} does not exist and no catalogue topic carries ${fullName}; create it first`);
  await createTopics(kafka, [{ ...spec, name: topic }]);
}
