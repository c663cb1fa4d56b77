import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { ConfigError, UnavailableError, messageOf } from '../../core/errors.ts';

/** Where a tail starts in every partition: the end, the beginning, or the first record at or after a time. */
export type TailStart =
  | { readonly kind: 'end' }
  | { readonly kind: 'beginning' }
  | { readonly kind: 'time'; readonly timestampMs: number };

/** One record as the tail hands it on: where it sits, its key and its undecoded value. */
export interface TailRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Kafka record timestamp, epoch ms. */
  readonly timestampMs: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Settings of {@link TailConsumer}. */
export interface TailOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly start: TailStart;
  /** Read records of aborted and open transactions too; read_committed when false (the default). */
  readonly readUncommitted?: boolean;
  /** Group id to join; a fresh throwaway one by default. It never commits offsets. */
  readonly groupId?: string;
  /** Called for each record in partition order; awaited before the next record of that partition. */
  readonly onRecord: (record: TailRecord) => Promise<void> | void;
}

/** A throwaway group id no real consumer group uses: `twitch-pulse-tail-<host>-<pid>-<random>`. */
export function throwawayGroupId(): string {
  return `twitch-pulse-tail-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * The offset to start each partition of `topic` at: the end (high watermark), the beginning
 * (low watermark), or the first record whose timestamp is at or after `timestampMs` (the end
 * where there is none), by the admin client's offsets-for-times lookup.
 *
 * @throws ConfigError when the topic does not exist; UnavailableError when Kafka does not answer.
 */
export async function startOffsets(admin: Admin, topic: string, start: TailStart): Promise<Map<number, string>> {
  let exists: boolean;
  try {
    exists = (await admin.listTopics()).includes(topic);
  } catch (error) {
    throw new UnavailableError('kafka', messageOf(error), error);
  }
  if (!exists) throw new ConfigError('topic', `${topic} does not exist in Kafka`);
  try {
    if (start.kind === 'time') {
      const found = await admin.fetchTopicOffsetsByTimestamp(topic, start.timestampMs);
      return new Map(found.map((p) => [p.partition, p.offset]));
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [p.partition, start.kind === 'end' ? p.high : p.low]));
  } catch (error) {
    throw new UnavailableError('kafka', `offsets of ${topic}: ${messageOf(error)}`, error);
  }
}

/**
 * Reads one topic from chosen offsets without touching any real consumer group: it joins a
 * throwaway group of its own (kafkajs has no manual assignment), seeks every partition itself
 * on each join, and never commits. Reads committed records only unless asked otherwise.
 *
 * @example
 * const tail = new TailConsumer({ kafka, topic: 'pulse.hype', start: { kind: 'end' }, onRecord: print });
 * const offsets = await tail.start();
 * // … later
 * await tail.stop();
 */
export class TailConsumer {
  /** The group id this tail joined; no offsets are ever committed under it. */
  readonly groupId: string;
  private readonly consumer: Consumer;
  /** Next offset to read per partition: the start offset until records arrive. */
  private readonly next = new Map<number, string>();
  private stopped = false;

  constructor(private readonly options: TailOptions) {
    this.groupId = options.groupId ?? throwawayGroupId();
    this.consumer = options.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: options.readUncommitted ?? false,
      maxWaitTimeInMs: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
  }

  /**
   * Resolves the start offsets, joins and starts reading; returns the start offset per partition.
   * @throws ConfigError when the topic does not exist; UnavailableError when Kafka does not answer.
   */
  async start(): Promise<Map<number, string>> {
    const { kafka, topic, start } = this.options;
    const admin = kafka.admin();
    try {
      await admin.connect();
      for (const [partition, offset] of await startOffsets(admin, topic, start)) this.next.set(partition, offset);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    // Seeking inside the join event, before the first fetch, so no partition is read from the
    // group's default position first; after a rejoin it resumes where it was, not at the start.
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      for (const partition of e.payload.memberAssignment[topic] ?? []) {
        const offset = this.next.get(partition);
        if (offset !== undefined) this.consumer.seek({ topic, partition, offset });
      }
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [topic], fromBeginning: start.kind === 'beginning' });
      await this.consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (this.stopped) return;
          this.next.set(partition, String(BigInt(message.offset) + 1n));
          await this.options.onRecord({
            topic,
            partition,
            offset: message.offset,
            timestampMs: Number(message.timestamp),
            key: message.key ?? null,
            value: message.value ?? null,
          });
        },
      });
    } catch (error) {
      throw new UnavailableError('kafka', `reading ${topic}: ${messageOf(error)}`, error);
    }
    return new Map(this.next);
  }

  /** Stops reading and leaves the group; records after the current one are not handed on. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect().catch(() => undefined);
  }
}
