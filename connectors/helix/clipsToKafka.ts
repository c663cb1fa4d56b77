import type { Endpoints } from '../../core/config.ts';
import { PulseError, messageOf } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { DeadLetter } from '../../schemas/types.ts';
import { createTopics } from '../kafka/admin.ts';
import { BufferedProducer } from '../kafka/bufferedProducer.ts';
import { createKafka } from '../kafka/client.ts';
import { createRecordSender } from '../kafka/recordSender.ts';
import type { ClipCollection } from './clips.ts';

/** Topic names `helix clips` writes to; the catalogue's by default (tests use their own). */
export interface ClipTopicNames {
  readonly clips: string;
  readonly deadLetter: string;
}

/** The catalogue's clips and dead-letter topics. */
export const DEFAULT_CLIP_TOPICS: ClipTopicNames = Object.freeze({
  clips: TOPICS.clips.name,
  deadLetter: TOPICS.deadLetter.name,
});

/** Where dead letters of `helix clips` say they failed. */
export const CLIPS_STAGE = 'helix-clips';

/** What {@link publishClips} wrote. */
export interface PublishedClips {
  readonly clips: number;
  readonly deadLetters: number;
}

/** Settings of {@link publishClips}. */
export interface PublishClipsOptions {
  readonly topics?: ClipTopicNames;
  readonly log?: Logger;
  readonly clock?: () => number;
}

/**
 * Writes a {@link ClipCollection} to Kafka: every clip to the clips topic (Avro, keyed by
 * broadcaster id, acks=all), and every clip Helix answered unusable — or that its schema
 * refuses — to the dead-letter topic with the reason and the clip's JSON as raw bytes. Creates
 * both topics when missing and registers their schemas. Resolves once Kafka has everything.
 *
 * @throws UnavailableError when Kafka or the registry does not answer.
 */
export async function publishClips(endpoints: Endpoints, found: ClipCollection, options: PublishClipsOptions = {}): Promise<PublishedClips> {
  const topics = options.topics ?? DEFAULT_CLIP_TOPICS;
  const log = options.log ?? createLogger('helix');
  const clock = options.clock ?? Date.now;
  const kafka = createKafka(endpoints.kafkaBrokers, 'twitch-pulse-helix-clips');
  const serde = AvroSerde.connect(endpoints.registryUrl);
  await createTopics(kafka, [{ ...TOPICS.clips, name: topics.clips }, { ...TOPICS.deadLetter, name: topics.deadLetter }]);
  const encodeClip = await serde.encoder(await serde.registerTopic(TOPICS.clips, topics.clips));
  const encodeDeadLetter = await serde.encoder(await serde.registerTopic(TOPICS.deadLetter, topics.deadLetter));
  const producer = new BufferedProducer(createRecordSender(endpoints.kafkaBrokers, 'twitch-pulse-helix-clips'), { log });
  await producer.connect();
  const channel = found.broadcaster.login;
  let clips = 0;
  let deadLetters = 0;
  const enqueue = async (topic: string, key: string, value: Buffer) => {
    while (!producer.enqueue(topic, key, value)) await producer.backpressure();
  };
  const deadLetter = async (raw: unknown, error: unknown) => {
    const letter: DeadLetter = {
      stage: CLIPS_STAGE,
      errorCode: error instanceof PulseError ? error.code : 'UNEXPECTED',
      reason: messageOf(error),
      sourceTopic: null,
      sourcePartition: null,
      sourceOffset: null,
      channel,
      raw: Buffer.from(JSON.stringify(raw) ?? String(raw)),
      occurredAtMs: clock(),
    };
    log.warn('clip dead-lettered', { channel, reason: letter.reason });
    await enqueue(topics.deadLetter, found.broadcaster.id, encodeDeadLetter(letter));
    deadLetters++;
  };
  try {
    for (const r of found.rejected) await deadLetter(r.raw, r.error);
    for (const clip of found.clips) {
      let bytes: Buffer;
      try {
        bytes = encodeClip(clip);
      } catch (error) {
        await deadLetter(clip, error);
        continue;
      }
      await enqueue(topics.clips, clip.broadcasterId, bytes);
      clips++;
    }
    await producer.flush();
  } finally {
    await producer.close();
  }
  return { clips, deadLetters };
}
