import { ConfigError, messageOf } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import type { OutgoingRecord, RecordSender } from './recordSender.ts';

/** Settings of a {@link BufferedProducer}; validated where built. */
export interface BufferedProducerOptions {
  /** Most records in one produce request. */
  readonly maxBatchRecords?: number;
  /** How long a record may wait for its batch to fill, ms. */
  readonly lingerMs?: number;
  /** Bound of the buffer in bytes (keys + values); `enqueue` refuses beyond it. */
  readonly maxBufferedBytes?: number;
  /** First and longest wait between attempts while Kafka is unreachable, ms. */
  readonly retryBackoffMs?: number;
  readonly maxRetryBackoffMs?: number;
  readonly log?: Logger;
}

/** Counters of a {@link BufferedProducer}. */
export interface ProducerStats {
  /** Records acknowledged by Kafka (acks=all). */
  delivered: number;
  /** Records waiting in the buffer. */
  buffered: number;
  bufferedBytes: number;
  /** Records refused because the buffer was full. */
  refused: number;
  /** Failed produce attempts (each is retried). */
  failedAttempts: number;
}

/**
 * A bounded, batching Kafka producer that never drops what it accepted: records wait in order
 * in the buffer while Kafka is unreachable and are delivered when it returns.
 *
 * The sender is idempotent with `acks=all`, and one batch is in flight at a time, so retries
 * neither duplicate nor reorder records within a partition. Records are keyed (the channel's
 * room id for chat) so one channel's records stay in order on one partition.
 *
 * @example
 * const out = new BufferedProducer(createRecordSender(brokers, 'ingest'), { lingerMs: 20 });
 * await out.connect();
 * out.enqueue('twitch.chat.messages', roomId, bytes);
 * await out.flush();
 */
export class BufferedProducer {
  private readonly queue: OutgoingRecord[] = [];
  private head = 0;
  private readonly options: Required<Omit<BufferedProducerOptions, 'log'>>;
  private readonly log: Logger;
  private readonly stats: ProducerStats = { delivered: 0, buffered: 0, bufferedBytes: 0, refused: 0, failedAttempts: 0 };
  private pump: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private warnedLevel = 0;
  private down = false;
  /** Resolved after every produce attempt, so waiters can re-check the buffer. */
  private batchWaiters: Array<() => void> = [];

  constructor(
    private readonly sender: RecordSender,
    options: BufferedProducerOptions = {},
  ) {
    this.options = {
      maxBatchRecords: options.maxBatchRecords ?? 1_000,
      lingerMs: options.lingerMs ?? 20,
      maxBufferedBytes: options.maxBufferedBytes ?? 256 * 1024 * 1024,
      retryBackoffMs: options.retryBackoffMs ?? 250,
      maxRetryBackoffMs: options.maxRetryBackoffMs ?? 5_000,
    };
    if (this.options.maxBatchRecords < 1) throw new ConfigError('maxBatchRecords', `must be >= 1, got ${this.options.maxBatchRecords}`);
    if (this.options.lingerMs < 0) throw new ConfigError('lingerMs', `must be >= 0 ms, got ${this.options.lingerMs}`);
    if (this.options.maxBufferedBytes < 1024) throw new ConfigError('maxBufferedBytes', `must be >= 1024, got ${this.options.maxBufferedBytes}`);
    this.log = options.log ?? createLogger('producer');
  }

  /** Connects the producer. Records may be enqueued before; they wait. */
  async connect(): Promise<void> {
    await this.sender.connect();
  }

  /**
   * Accepts a record for delivery. Returns false (and counts it as refused, logged as an error)
   * only when the buffer bound is reached; everything accepted is delivered eventually.
   */
  enqueue(topic: string, key: string, value: Buffer): boolean {
    const bytes = value.length + key.length;
    if (this.stats.bufferedBytes + bytes > this.options.maxBufferedBytes) {
      this.stats.refused++;
      if (this.stats.refused === 1 || this.stats.refused % 10_000 === 0) {
        this.log.error('producer buffer full: refusing records', { refused: this.stats.refused, bufferedBytes: this.stats.bufferedBytes });
      }
      return false;
    }
    this.queue.push({ topic, key, value });
    this.stats.buffered++;
    this.stats.bufferedBytes += bytes;
    this.warnIfFilling();
    if (this.stats.buffered >= this.options.maxBatchRecords) this.kick();
    else if (!this.timer && !this.pump) this.timer = setTimeout(() => this.kick(), this.options.lingerMs);
    return true;
  }

  /** Current counters (a copy). */
  snapshot(): ProducerStats {
    return { ...this.stats };
  }

  /**
   * Resolves when the buffer has room again (a few batches, or half its byte bound): callers
   * that can wait, such as a replay, await it so they do not outrun Kafka.
   */
  async backpressure(): Promise<void> {
    while (this.stats.buffered > 4 * this.options.maxBatchRecords || this.stats.bufferedBytes > this.options.maxBufferedBytes / 2) {
      this.kick();
      await new Promise<void>((resolve) => this.batchWaiters.push(resolve));
    }
  }

  /** Resolves once every record enqueued so far is acknowledged by Kafka. */
  async flush(): Promise<void> {
    while (this.stats.buffered > 0) {
      this.kick();
      await this.pump;
    }
  }

  /** Flushes, then disconnects. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.sender.close();
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.pump) this.pump = this.drain().finally(() => (this.pump = null));
  }

  private async drain(): Promise<void> {
    try {
      await this.drainLoop();
    } finally {
      this.wakeWaiters();
    }
  }

  private wakeWaiters(): void {
    const waiters = this.batchWaiters;
    this.batchWaiters = [];
    for (const w of waiters) w();
  }

  private async drainLoop(): Promise<void> {
    let backoffMs = this.options.retryBackoffMs;
    while (this.stats.buffered > 0 && !this.closed) {
      this.wakeWaiters();
      const end = Math.min(this.queue.length, this.head + this.options.maxBatchRecords);
      const batch = this.queue.slice(this.head, end);
      try {
        await this.sender.send(batch);
      } catch (error) {
        this.stats.failedAttempts++;
        if (!this.down) this.log.warn('Kafka unreachable: buffering records until it returns', { buffered: this.stats.buffered, error: messageOf(error) });
        this.down = true;
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, this.options.maxRetryBackoffMs);
        continue;
      }
      if (this.down) this.log.info('Kafka reachable again: delivering buffered records', { buffered: this.stats.buffered });
      this.down = false;
      backoffMs = this.options.retryBackoffMs;
      let bytes = 0;
      for (const r of batch) bytes += r.value.length + r.key.length;
      this.head = end;
      this.stats.delivered += batch.length;
      this.stats.buffered -= batch.length;
      this.stats.bufferedBytes -= bytes;
      if (this.head > 100_000 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      if (this.stats.bufferedBytes < this.options.maxBufferedBytes / 2) this.warnedLevel = 0;
    }
  }

  private warnIfFilling(): void {
    const share = this.stats.bufferedBytes / this.options.maxBufferedBytes;
    const level = share >= 0.95 ? 3 : share >= 0.8 ? 2 : share >= 0.5 ? 1 : 0;
    if (level > this.warnedLevel) {
      this.warnedLevel = level;
      this.log.warn(`producer buffer ${Math.round(share * 100)}% full`, { bufferedBytes: this.stats.bufferedBytes, maxBufferedBytes: this.options.maxBufferedBytes });
    }
  }
}
