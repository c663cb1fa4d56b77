import type { Endpoints } from '../../core/config.ts';
import { createLogger } from '../../core/log.ts';
import { TOPICS, type TopicSpec } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { createTopics } from '../kafka/admin.ts';
import { BufferedProducer, type BufferedProducerOptions } from '../kafka/bufferedProducer.ts';
import { CheckpointedProducer } from '../kafka/checkpointedProducer.ts';
import { createKafka } from '../kafka/client.ts';
import { createRecordSender, type SenderCompression } from '../kafka/recordSender.ts';
import { ChatIngester, kafkaRecordSink, type IngestTargets } from './chatIngest.ts';
import { ThreadedIngester, type ParseThreadSetup, type ThreadedIngesterOptions } from './threadedIngester.ts';

/** Topic names ingestion writes to; the catalogue's by default (tests use their own). */
export interface IngestTopicNames {
  readonly messages: string;
  readonly events: string;
  readonly moderation: string;
  readonly deadLetter: string;
}

/** The catalogue's raw chat topics. */
export const DEFAULT_INGEST_TOPICS: IngestTopicNames = Object.freeze({
  messages: TOPICS.chatMessages.name,
  events: TOPICS.chatEvents.name,
  moderation: TOPICS.moderation.name,
  deadLetter: TOPICS.deadLetter.name,
});

/** An ingester wired to Kafka, and how to finish. */
export interface KafkaIngest {
  readonly ingester: ChatIngester;
  readonly producer: BufferedProducer;
  /** Flushes everything accepted and disconnects. */
  close(): Promise<void>;
}

/** Compacted topic where exactly-once replays keep how far each source got. */
export const REPLAY_CHECKPOINT_TOPIC = 'pulse.replay-checkpoints';

// Creates the raw chat topics when missing and registers their schemas.
async function ingestTargets(endpoints: Endpoints, stage: string, topics: IngestTopicNames) {
  const kafka = createKafka(endpoints.kafkaBrokers, `twitch-pulse-${stage}`);
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const specs: Array<[keyof IngestTopicNames, TopicSpec]> = [
    ['messages', TOPICS.chatMessages],
    ['events', TOPICS.chatEvents],
    ['moderation', TOPICS.moderation],
    ['deadLetter', TOPICS.deadLetter],
  ];
  await createTopics(kafka, specs.map(([k, spec]) => ({ ...spec, name: topics[k] })));
  const targets = {} as Record<keyof IngestTopicNames, IngestTargets[keyof IngestTargets]>;
  const schemaIds = {} as ParseThreadSetup['targets'];
  for (const [k, spec] of specs) {
    const id = await serde.registerTopic(spec, topics[k]);
    targets[k] = { topic: topics[k], encode: await serde.encoder(id) };
    schemaIds[k] = { topic: topics[k], schemaId: id };
  }
  return { kafka, targets: targets as IngestTargets, schemaIds };
}

/** Settings of the buffered producer ingestion writes through, with the compression of its sender. */
export type IngestProducerOptions = BufferedProducerOptions & { readonly compression?: SenderCompression };

async function connectProducer(endpoints: Endpoints, stage: string, options: IngestProducerOptions): Promise<BufferedProducer> {
  const { compression, ...bufferOptions } = options;
  const sender = createRecordSender(endpoints.kafkaBrokers, `twitch-pulse-${stage}`, { compression });
  const producer = new BufferedProducer(sender, { log: createLogger(stage), ...bufferOptions });
  await producer.connect();
  return producer;
}

/**
 * Creates the raw chat topics when missing, registers their schemas, and returns a
 * {@link ChatIngester} writing through a {@link BufferedProducer}.
 *
 * @throws UnavailableError when Kafka or the registry does not answer at start.
 */
export async function openKafkaIngest(
  endpoints: Endpoints,
  stage: string,
  topics: IngestTopicNames = DEFAULT_INGEST_TOPICS,
  producerOptions: IngestProducerOptions = {},
): Promise<KafkaIngest> {
  const { targets } = await ingestTargets(endpoints, stage, topics);
  const producer = await connectProducer(endpoints, stage, producerOptions);
  const ingester = new ChatIngester(kafkaRecordSink(producer, targets, stage));
  return { ingester, producer, close: () => producer.close() };
}

/** A {@link ThreadedIngester} wired to Kafka, and how to finish. */
export interface ThreadedKafkaIngest {
  readonly ingester: ThreadedIngester;
  readonly producer: BufferedProducer;
  /** Flushes the threads and the producer, then stops both. */
  close(): Promise<void>;
}

/**
 * Like {@link openKafkaIngest}, with parsing and Avro encoding on worker threads
 * ({@link ThreadedIngester}): the same records in the same order, for bulk replay.
 */
export async function openThreadedKafkaIngest(
  endpoints: Endpoints,
  stage: string,
  topics: IngestTopicNames = DEFAULT_INGEST_TOPICS,
  producerOptions: IngestProducerOptions = {},
  threadOptions: ThreadedIngesterOptions = {},
): Promise<ThreadedKafkaIngest> {
  const { schemaIds } = await ingestTargets(endpoints, stage, topics);
  const producer = await connectProducer(endpoints, stage, producerOptions);
  const ingester = await ThreadedIngester.start({ registryUrl: endpoints.registryUrl, stage, targets: schemaIds }, producer, threadOptions);
  return {
    ingester,
    producer,
    close: async () => {
      try {
        await ingester.close();
      } finally {
        await producer.close();
      }
    },
  };
}

/** An ingester writing exactly once per source position, and where the source resumes. */
export interface CheckpointedIngest {
  readonly ingester: ChatIngester;
  readonly producer: CheckpointedProducer;
  /** Units (lines) of the source already in Kafka: skip these. */
  readonly resumeAt: number;
  /** Commits what is open and disconnects. */
  close(): Promise<void>;
}

/**
 * Like {@link openKafkaIngest}, but exactly once across restarts: records go out in Kafka
 * transactions that also record the source position ({@link CheckpointedProducer}), and
 * `resumeAt` tells a restarted source where to carry on.
 */
export async function openCheckpointedIngest(
  endpoints: Endpoints,
  stage: string,
  sourceId: string,
  topics: IngestTopicNames = DEFAULT_INGEST_TOPICS,
  checkpointTopic = REPLAY_CHECKPOINT_TOPIC,
): Promise<CheckpointedIngest> {
  const { kafka, targets } = await ingestTargets(endpoints, stage, topics);
  const producer = new CheckpointedProducer(kafka, { sourceId, checkpointTopic, log: createLogger(stage) });
  const resumeAt = await producer.connect();
  const ingester = new ChatIngester(kafkaRecordSink(producer, targets, stage));
  return { ingester, producer, resumeAt, close: () => producer.close() };
}
