import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { PulseError, UnavailableError, messageOf } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { ChatEvent } from '../../schemas/types.ts';
import type { AdWindow } from '../../topology/adWindows.ts';
import type { ChatRate } from '../../topology/chatRate.ts';
import type { Hype, HypeStart } from '../../topology/hype.ts';
import type { SubBurst } from '../../topology/subBursts.ts';
import type { WallFeed, WallUpdate } from './feed.ts';

/** The topics the wall reads, and how each record becomes updates. */
const READS: ReadonlyArray<[TopicId, (feed: WallFeed, value: unknown) => WallUpdate[]]> = [
  ['chatRates', (f, v) => f.chatRate(v as ChatRate)],
  ['hypeStarts', (f, v) => f.hypeStart(v as HypeStart)],
  ['hype', (f, v) => f.hype(v as Hype)],
  ['subBursts', (f, v) => f.subBurst(v as SubBurst)],
  ['adWindows', (f, v) => f.adWindow(v as AdWindow)],
  ['chatEvents', (f, v) => f.chatEvent(v as ChatEvent)],
];

/** Settings of {@link KafkaWallSource}. */
export interface KafkaWallSourceOptions {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly feed: WallFeed;
  /** Receives the updates of each fetched batch. */
  readonly publish: (updates: WallUpdate[]) => void;
  /** Prefix of the topics' names ('' for the catalogue's). */
  readonly topicPrefix?: string;
  /** Start this far back in time, ms, so the sparklines have history; 0 reads only new records. */
  readonly lookbackMs?: number;
  readonly clock?: () => number;
  readonly log?: Logger;
}

/**
 * Reads the derived topics and `twitch.chat.events` for the wall: committed records only
 * (read_committed, as the topology writes in transactions), decoded through the registry, in a
 * throwaway consumer group that never commits offsets, so watching the wall moves no one's
 * position. Starts `lookbackMs` back in time (by record timestamp). Records that do not decode
 * are skipped with a warning; the wall is a reader, not the place to dead-letter.
 *
 * @example
 * const source = new KafkaWallSource({ kafka, serde, feed, publish: (u) => server.publish(u) });
 * await source.start();
 */
export class KafkaWallSource {
  /** Records read, records skipped and final chat-rate windows read, for the status line. */
  readonly stats = { records: 0, skipped: 0, windowsOut: 0 };
  /** Latest final chat rate of the smallest window size, per channel. */
  private readonly latestRates = new Map<string, ChatRate>();
  private consumer: Consumer | undefined;
  private readonly log: Logger;
  private readonly lastWarned = new Map<string, number>();

  constructor(private readonly options: KafkaWallSourceOptions) {
    this.log = options.log ?? createLogger('wall');
  }

  /** The topic names read, with their prefix. */
  get topics(): string[] {
    return READS.map(([id]) => `${this.options.topicPrefix ?? ''}${TOPICS[id].name}`);
  }

  /**
   * Joins, seeks to the lookback and starts reading; topics that do not exist yet are
   * reported and left out.
   * @throws UnavailableError when Kafka cannot be reached or none of the topics exists.
   */
  async start(): Promise<void> {
    const { kafka } = this.options;
    const clock = this.options.clock ?? Date.now;
    const admin = kafka.admin();
    let existing: string[];
    const since = clock() - (this.options.lookbackMs ?? 0);
    const seeks: Array<{ topic: string; partition: number; offset: string }> = [];
    try {
      await admin.connect();
      const known = new Set(await admin.listTopics());
      existing = this.topics.filter((t) => known.has(t));
      const missing = this.topics.filter((t) => !known.has(t));
      if (missing.length > 0) this.log.warn('topics missing; run `twitch-pulse topics create`', { topics: missing.join(',') });
      if (existing.length === 0) throw new UnavailableError('kafka', `none of the wall's topics exists: ${this.topics.join(', ')}`);
      if ((this.options.lookbackMs ?? 0) > 0) {
        for (const topic of existing) {
          for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, since)) seeks.push({ topic, partition: p.partition, offset: p.offset });
        }
      }
    } catch (error) {
      if (error instanceof PulseError) throw error;
      throw new UnavailableError('kafka', messageOf(error), error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const consumer = kafka.consumer({
      groupId: `twitch-pulse-wall-${randomBytes(6).toString('hex')}`,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    try {
      await consumer.connect();
      for (const topic of existing) await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => this.batch(batch.topic, batch.partition, batch.messages) });
    } catch (error) {
      throw new UnavailableError('kafka', messageOf(error), error);
    }
    // run() has joined the group by now, so the seeks apply to the assigned partitions.
    for (const s of seeks) consumer.seek(s);
  }

  /**
   * Chat messages per second over every channel, from each channel's latest final window of
   * the smallest size read.
   */
  messagesPerSec(): number {
    let sum = 0;
    for (const r of this.latestRates.values()) sum += (r.messages * 1000) / r.sizeMs;
    return Math.round(sum * 10) / 10;
  }

  /** Leaves the group (nothing to commit) and disconnects. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async batch(topic: string, partition: number, messages: Array<{ value: Buffer | null; offset: string }>): Promise<void> {
    const prefix = this.options.topicPrefix ?? '';
    const read = READS.find(([id]) => `${prefix}${TOPICS[id].name}` === topic)?.[1];
    if (!read) return;
    const updates: WallUpdate[] = [];
    for (const message of messages) {
      this.stats.records++;
      try {
        const { value } = await this.options.serde.decode(message.value, { topic, partition, offset: message.offset });
        updates.push(...read(this.options.feed, value));
        if (read === READS[0]![1]) this.noteRate(value as ChatRate);
      } catch (error) {
        this.stats.skipped++;
        this.warnOnce(topic, error);
      }
    }
    if (updates.length > 0) this.options.publish(updates);
  }

  private noteRate(r: ChatRate): void {
    if (r.early) return;
    this.stats.windowsOut++;
    const known = this.latestRates.get(r.roomId);
    if (!known || r.sizeMs < known.sizeMs || (r.sizeMs === known.sizeMs && r.windowStartMs > known.windowStartMs)) this.latestRates.set(r.roomId, r);
  }

  private warnOnce(topic: string, error: unknown): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(topic) ?? -Infinity) < 10_000) return;
    this.lastWarned.set(topic, now);
    this.log.warn('record skipped: it does not decode', { topic, error: messageOf(error), code: error instanceof PulseError ? error.code : undefined });
  }
}
