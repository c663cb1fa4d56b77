import type { Kafka, Producer } from 'kafkajs';
import { ConfigError, SourceFencedError, messageOf } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { createTopics } from './admin.ts';
import type { ProducerStats } from './bufferedProducer.ts';
import { readCompactedTopic } from './compactedTopic.ts';
import { produceChunks } from './produceChunks.ts';

/** Where a source stands: how many of its units (lines of a file) are in Kafka. */
export interface SourcePosition {
  readonly position: number;
  readonly committedAtMs: number;
}

/** Settings of a {@link CheckpointedProducer}. */
export interface CheckpointedProducerOptions {
  /** Names the source across restarts; also the key of its checkpoint and its transactional id. */
  readonly sourceId: string;
  /** Compacted topic of source checkpoints. */
  readonly checkpointTopic: string;
  /** Records per transaction, at most. */
  readonly maxBatchRecords?: number;
  /** Longest a record waits for its transaction, ms (a paced source fills batches slowly). */
  readonly maxWaitMs?: number;
  /** Longest wait between attempts while Kafka is unreachable, ms. */
  readonly maxRetryBackoffMs?: number;
  readonly log?: Logger;
  readonly clock?: () => number;
}

const SOURCE_ID = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * An exactly-once source producer (Kafka Connect's exactly-once source design): records are
 * produced in Kafka transactions, each also writing the source position reached into a compacted
 * checkpoint topic. A restart reads the committed position and resumes right after it, so after a
 * kill -9 at any moment every record is in Kafka once for read_committed readers. The
 * transactional id is derived from the source id, so a restarted producer fences a zombie one.
 *
 * Records are enqueued with {@link enqueue}; {@link advance} says which source position the
 * records enqueued so far complete. Transactions are committed when a batch fills (awaited by
 * {@link backpressure}) and by {@link flush}.
 */
export class CheckpointedProducer {
  private producer: Producer | null = null;
  private readonly log: Logger;
  private readonly maxBatchRecords: number;
  private readonly maxRetryBackoffMs: number;
  private readonly maxWaitMs: number;
  private readonly clock: () => number;
  private inflight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failure: unknown = null;
  private batch: Array<{ topic: string; key: string; value: Buffer }> = [];
  private position = 0;
  private committedPosition = 0;
  private down = false;
  private readonly stats: ProducerStats = { delivered: 0, buffered: 0, bufferedBytes: 0, refused: 0, failedAttempts: 0 };

  constructor(private readonly kafka: Kafka, private readonly options: CheckpointedProducerOptions) {
    if (!SOURCE_ID.test(options.sourceId)) throw new ConfigError('sourceId', `must be 1-200 of A-Z a-z 0-9 . _ -, got ${JSON.stringify(options.sourceId)}`);
    this.maxBatchRecords = options.maxBatchRecords ?? 2_000;
    if (!(this.maxBatchRecords >= 1)) throw new ConfigError('maxBatchRecords', `must be >= 1, got ${this.maxBatchRecords}`);
    this.maxRetryBackoffMs = options.maxRetryBackoffMs ?? 5_000;
    this.maxWaitMs = options.maxWaitMs ?? 1_000;
    this.log = options.log ?? createLogger('checkpointed-producer');
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Creates the checkpoint topic when missing, connects (fencing an earlier producer of the same
   * source, whose open transaction Kafka then aborts) and returns the committed position: the
   * number of source units already in Kafka, 0 for a new source.
   */
  async connect(): Promise<number> {
    const topic = this.options.checkpointTopic;
    await createTopics(this.kafka, [{ name: topic, key: 'source id', schemaFile: '', partitions: 1, retentionMs: -1, cleanupPolicy: 'compact', doc: 'source checkpoints' }]);
    this.committedPosition = await this.open();
    this.position = this.committedPosition;
    return this.committedPosition;
  }

  /** Adds a record to the open batch. Always accepts: the batch is bounded by {@link backpressure}. */
  enqueue(topic: string, key: string, value: Buffer): boolean {
    this.batch.push({ topic, key, value });
    this.stats.buffered++;
    this.stats.bufferedBytes += key.length + value.length;
    this.schedule();
    return true;
  }

  /** The records enqueued so far complete the source up to `position` (e.g. lines read). */
  advance(position: number): void {
    this.position = position;
  }

  /** Waits while the open batch is full (committing it); awaited by a source between chunks. */
  async backpressure(): Promise<void> {
    while (this.batch.length >= this.maxBatchRecords) await this.startCommit();
    this.throwFailure();
  }

  /** Commits whatever is open, records or only a moved position. */
  async flush(): Promise<void> {
    while (this.inflight || this.batch.length > 0 || this.position !== this.committedPosition) await this.startCommit();
    this.throwFailure();
  }

  /** Flushes, then disconnects. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
    await this.producer?.disconnect();
    this.producer = null;
  }

  /** Counters (a copy), in the shape of the buffered producer's. */
  snapshot(): ProducerStats {
    return { ...this.stats };
  }

  /** The position last committed. */
  get committed(): number {
    return this.committedPosition;
  }

  private schedule(): void {
    if (this.timer || this.inflight) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startCommit().catch(() => undefined);
    }, this.maxWaitMs);
  }

  // One transaction at a time; records enqueued meanwhile wait for the next.
  private startCommit(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.failure) return Promise.reject(this.failure);
    if (this.batch.length === 0 && this.position === this.committedPosition) return Promise.resolve();
    const records = this.batch;
    const position = this.position;
    this.batch = [];
    this.inflight = this.commit(records, position)
      .catch((error: unknown) => {
        this.failure = error;
        throw error;
      })
      .finally(() => {
        this.inflight = null;
        if (this.batch.length > 0) this.schedule();
      });
    return this.inflight;
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure;
  }

  // A new producer with the source's transactional id: its first (empty) transaction makes Kafka
  // fence any earlier producer of the source and abort that one's open transaction, which would
  // otherwise hold read_committed readers of the checkpoint back until it timed out.
  private async open(): Promise<number> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
    const producer = this.kafka.producer({
      transactionalId: `twitch-pulse-source-${this.options.sourceId}`,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    await (await producer.transaction()).abort();
    this.producer = producer;
    return this.readCommittedPosition();
  }

  // Retries until Kafka takes the transaction. A commit that fails has an unknown outcome, so
  // the retry starts from a new producer and the committed checkpoint decides whether the batch
  // is already in.
  private async commit(records: ReadonlyArray<{ topic: string; key: string; value: Buffer }>, position: number): Promise<void> {
    let backoffMs = 250;
    for (;;) {
      try {
        if (!this.producer) {
          const committed = await this.open();
          if (committed === position) break;
          if (committed !== this.committedPosition) {
            throw new SourceFencedError(this.options.sourceId, `was moved to ${committed} by another producer (expected ${this.committedPosition} or ${position})`);
          }
        }
        await this.send(this.producer!, records, position);
        break;
      } catch (error) {
        if (error instanceof SourceFencedError) throw error;
        this.stats.failedAttempts++;
        if (!this.down) this.log.warn('Kafka transaction failed: retrying until Kafka takes it', { records: records.length, position, error: messageOf(error) });
        this.down = true;
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = null;
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, this.maxRetryBackoffMs);
      }
    }
    if (this.down) this.log.info('Kafka took the transaction again', { position });
    this.down = false;
    this.committedPosition = position;
    this.stats.delivered += records.length;
    this.stats.buffered -= records.length;
    for (const r of records) this.stats.bufferedBytes -= r.key.length + r.value.length;
  }

  private async send(producer: Producer, records: ReadonlyArray<{ topic: string; key: string; value: Buffer }>, position: number): Promise<void> {
    const checkpoint: SourcePosition = { position, committedAtMs: this.clock() };
    const byTopic = new Map<string, Array<{ key: string; value: Buffer }>>();
    for (const r of records) {
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key, value: r.value });
    }
    byTopic.set(this.options.checkpointTopic, [...(byTopic.get(this.options.checkpointTopic) ?? []), { key: this.options.sourceId, value: Buffer.from(JSON.stringify(checkpoint)) }]);
    const tx = await producer.transaction();
    try {
      for (const chunk of produceChunks([...byTopic].map(([topic, messages]) => ({ topic, messages })))) await tx.sendBatch({ topicMessages: chunk });
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
    await tx.commit();
  }

  private async readCommittedPosition(): Promise<number> {
    const latest = await readCompactedTopic(this.kafka, this.options.checkpointTopic, { groupId: `twitch-pulse-source-${this.options.sourceId}-checkpoint-${this.clock()}` });
    const value = latest.get(this.options.sourceId);
    return value ? (JSON.parse(value.toString()) as SourcePosition).position : 0;
  }
}
