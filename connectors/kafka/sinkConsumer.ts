import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fatalCrash } from './fatalCrash.ts';
import { PulseError, messageOf } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { DeadLetter } from '../../schemas/types.ts';

/** Where a record came from, kept with what it became so a refusal can be traced back. */
export interface SourceRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly timestampMs: number;
}

/** An item the sink refused, and why; it becomes a dead letter. */
export interface Refusal<Item> {
  readonly item: Item;
  readonly source: SourceRecord;
  readonly error: unknown;
}

/** Settings of a {@link SinkConsumer}. */
export interface SinkConsumerOptions<Item> {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Dead-letter topic and its schema id (already registered). */
  readonly deadLetter: { readonly topic: string; readonly encode: (letter: DeadLetter) => Buffer };
  /** `stage` written into dead letters, e.g. `clickhouse-sink`. */
  readonly stage: string;
  /** Turns one decoded record into items; a thrown error sends the record to the dead-letter topic. */
  readonly toItems: (topic: string, value: unknown, source: SourceRecord) => Item[];
  /** Writes a batch; resolves with the items it refused. Throwing means "try the whole batch again later". */
  readonly write: (batch: ReadonlyArray<{ item: Item; source: SourceRecord }>) => Promise<Array<Refusal<Item>>>;
  /** A batch is written when it holds this many items... */
  readonly maxBatchItems: number;
  /** ...or when its oldest item has waited this long. */
  readonly maxWaitMs: number;
  /** Backoff between attempts when a write fails: doubles from `initialMs` up to `maxMs`. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly log: Logger;
}

/** Counters of a {@link SinkConsumer}, for status lines and tests. */
export interface SinkConsumerStats {
  records: number;
  items: number;
  batches: number;
  deadLetters: number;
  failedWrites: number;
  commits: number;
}

/**
 * Consumes topics as a consumer group and hands their decoded records, in batches bounded by
 * size and time, to a sink; commits offsets only after the sink confirmed the batch. Delivery
 * is at least once: after a crash, a rebalance or a failed commit, records since the last
 * commit are written again, so the sink must make a repeated write harmless (the ClickHouse
 * tables are keyed by record identity). Records that do not decode, or that the sink refuses,
 * go to the dead-letter topic with the reason before their offsets are committed — nothing is
 * skipped silently. When the sink is down the consumer stops taking records and retries with
 * backoff, offsets uncommitted, until it is back.
 *
 * Reads only committed records of transactional producers (the topology's outputs).
 */
export class SinkConsumer<Item> {
  readonly stats: SinkConsumerStats = { records: 0, items: 0, batches: 0, deadLetters: 0, failedWrites: 0, commits: 0 };
  /** Resolves with the error if Kafka's client gives up on the consumer (see {@link fatalCrash}). */
  readonly failed: Promise<Error>;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private buffer: Array<{ item: Item; source: SourceRecord }> = [];
  private letters: DeadLetter[] = [];
  /** Next offset to commit per `topic\u0000partition`, for everything in the buffer. */
  private pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private firstBufferedAtMs = 0;
  private assigned = new Set<string>();
  private lock: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private heartbeat: () => Promise<void> = async () => undefined;
  private stopping = false;
  private flushing = false;

  constructor(private readonly options: SinkConsumerOptions<Item>) {
    this.consumer = options.kafka.consumer({ groupId: options.groupId, readUncommitted: false, maxWaitTimeInMs: Math.min(500, options.maxWaitMs) });
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.failed = fatalCrash(this.consumer, { rerun: () => this.run(), stopping: () => this.stopping, log: options.log });
  }

  /** True when nothing is buffered or being written: everything taken so far is written and committed (or its commit failed). */
  get settled(): boolean {
    return this.buffer.length === 0 && this.letters.length === 0 && this.pending.size === 0 && !this.flushing;
  }

  /** Joins the group and starts consuming from the committed offsets (the beginning for a new group). */
  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.assigned = new Set(Object.entries(e.payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => partitionKey(t, p))));
      this.options.log.info('partitions assigned', { partitions: [...this.assigned].map((k) => k.replace('\u0000', ':')).join(',') });
    });
    for (const topic of this.options.topics) await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.run();
  }

  private run(): Promise<void> {
    return this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.serially(() => this.onBatch(payload)) });
  }

  /** Writes what is buffered, commits, and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.idleTimer);
    await this.serially(() => this.flush()).catch((error) => this.options.log.warn('final flush failed', { error: messageOf(error) }));
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const run = this.lock.then(step);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    this.heartbeat = heartbeat;
    const { topic, partition } = batch;
    // Offsets are recorded once per batch (and before a flush inside it), not per message.
    let lastTaken: string | undefined;
    const recordTaken = () => {
      if (lastTaken === undefined) return;
      this.pending.set(partitionKey(topic, partition), { topic, partition, offset: String(BigInt(lastTaken) + 1n) });
      resolveOffset(lastTaken);
      lastTaken = undefined;
    };
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      this.stats.records++;
      await this.take(sourceOf(topic, partition, message));
      lastTaken = message.offset;
      if (this.buffer.length >= this.options.maxBatchItems) {
        recordTaken();
        await this.flush();
      }
    }
    recordTaken();
    if (this.buffer.length > 0 || this.letters.length > 0) {
      if (Date.now() - this.firstBufferedAtMs >= this.options.maxWaitMs) await this.flush();
      else this.armIdleTimer();
    } else if (this.pending.size > 0) {
      await this.flush();
    }
    await heartbeat().catch(() => undefined);
  }

  private async take(source: SourceRecord): Promise<void> {
    const context = { topic: source.topic, partition: source.partition, offset: source.offset };
    let items: Item[];
    try {
      const decoded = this.options.serde.decodeCached(source.value, context) ?? (await this.retrying('schema lookup', () => this.options.serde.decode(source.value, context), isRetriable));
      items = this.options.toItems(source.topic, decoded.value, source);
    } catch (error) {
      this.deadLetter(source, error);
      return;
    }
    if (items.length > 0 && this.buffer.length === 0) this.firstBufferedAtMs = Date.now();
    for (const item of items) this.buffer.push({ item, source });
  }

  private deadLetter(source: SourceRecord, error: unknown): void {
    if (this.buffer.length === 0 && this.letters.length === 0) this.firstBufferedAtMs = Date.now();
    this.letters.push({
      stage: this.options.stage,
      errorCode: error instanceof PulseError ? error.code : 'UNEXPECTED',
      reason: messageOf(error),
      sourceTopic: source.topic,
      sourcePartition: source.partition,
      sourceOffset: source.offset,
      channel: source.key,
      raw: source.value ?? Buffer.alloc(0),
      occurredAtMs: Date.now(),
    });
  }

  private armIdleTimer(): void {
    if (this.idleTimer || this.stopping) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.serially(() => this.flush()).catch((error) => this.options.log.error('flush failed', { error: messageOf(error) }));
    }, this.options.maxWaitMs);
  }

  /** Writes the buffer (retrying until the sink takes it), dead-letters refusals, then commits. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      await this.flushOnce();
    } finally {
      this.flushing = false;
    }
  }

  private async flushOnce(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const batch = this.buffer;
    const offsets = [...this.pending.values()];
    this.buffer = [];
    this.pending = new Map();
    if (batch.length > 0) {
      const refusals = await this.retrying('sink write', () => this.options.write(batch));
      for (const refusal of refusals) this.deadLetter(refusal.source, refusal.error);
      this.stats.items += batch.length - refusals.length;
      this.stats.batches++;
    }
    const letters = this.letters;
    this.letters = [];
    if (letters.length > 0) {
      await this.retrying('dead-letter produce', () =>
        this.producer.send({ topic: this.options.deadLetter.topic, messages: letters.map((l) => ({ key: l.channel ?? '', value: this.options.deadLetter.encode(l) })) }),
      );
      this.stats.deadLetters += letters.length;
      for (const letter of letters) this.options.log.warn('record sent to dead-letter topic', { topic: letter.sourceTopic, partition: letter.sourcePartition, offset: letter.sourceOffset, reason: letter.reason });
    }
    const owned = offsets.filter((o) => this.assigned.has(partitionKey(o.topic, o.partition)));
    if (owned.length === 0) return;
    try {
      await this.consumer.commitOffsets(owned);
      this.stats.commits++;
    } catch (error) {
      // The partitions moved to another member meanwhile; it re-reads from the last commit and
      // writes those rows again, which the sink's keyed tables absorb.
      this.options.log.warn('offset commit failed; records since the last commit will be written again', { error: messageOf(error) });
    }
  }

  private async retrying<T>(what: string, step: () => Promise<T>, shouldRetry: (error: unknown) => boolean = () => true): Promise<T> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 5_000 };
    for (let attempt = 1, waitMs = initialMs; ; attempt++, waitMs = Math.min(maxMs, waitMs * 2)) {
      try {
        return await step();
      } catch (error) {
        if (!shouldRetry(error)) throw error;
        this.stats.failedWrites++;
        const level = isRetriable(error) ? 'warn' : 'error';
        this.options.log[level](`${what} failed; retrying with offsets uncommitted`, { attempt, waitMs, error: messageOf(error) });
        await new Promise((r) => setTimeout(r, waitMs));
        await this.heartbeat().catch(() => undefined);
      }
    }
  }
}

function isRetriable(error: unknown): boolean {
  return !(error instanceof PulseError) || error.retriable;
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function sourceOf(topic: string, partition: number, message: KafkaMessage): SourceRecord {
  return { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, timestampMs: Number(message.timestamp) };
}
