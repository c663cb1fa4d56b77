import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ConfigError, WorkerThreadError, messageOf } from '../../core/errors.ts';
import { startTsWorker } from '../../core/tsWorker.ts';
import { emptyIngestStats, type IngestStats, type IngestTargets, type RecordOutput } from './chatIngest.ts';
import { enqueueRecords, LineChunkBuilder, transferList, type RecordChunk } from './lineChunk.ts';

/** What a parse thread needs to encode as the main thread would. */
export interface ParseThreadSetup {
  readonly registryUrl: string;
  readonly stage: string;
  /** Topic and registered schema id per kind of record. */
  readonly targets: Record<keyof IngestTargets, { readonly topic: string; readonly schemaId: number }>;
}

/** Settings of a {@link ThreadedIngester}. */
export interface ThreadedIngesterOptions {
  /** Parse threads; by default one less than the cores, at least one. */
  readonly threads?: number;
  /** Lines per chunk handed to a thread. */
  readonly chunkLines?: number;
  /** Chunks handed out and not yet back, per thread, before `backpressure` waits. */
  readonly chunksInFlightPerThread?: number;
}

interface ThreadReply {
  readonly records: RecordChunk;
  readonly stats: IngestStats;
}

/**
 * A chat ingester for bulk replay whose parsing and Avro encoding run on worker threads, so the
 * main thread only reads lines and produces. Its records are exactly those of {@link ChatIngester}
 * (the threads run it) and reach `out` in line order: chunks go out round-robin and come back
 * in sequence. Counts in `stats` cover the chunks that came back.
 *
 * Lines wait in a chunk until it is full or `flush` is called, so this suits `replay --max`,
 * not paced or live input.
 */
export class ThreadedIngester {
  readonly stats: IngestStats = emptyIngestStats();
  private readonly pending = new LineChunkBuilder();
  private readonly replies = new Map<number, ThreadReply>();
  private readonly topicNames: string[];
  private readonly chunkLines: number;
  private readonly maxInFlight: number;
  private nextSeq = 0;
  private nextApplied = 0;
  private failure: WorkerThreadError | null = null;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly threads: Worker[],
    setup: ParseThreadSetup,
    private readonly out: RecordOutput,
    options: ThreadedIngesterOptions,
  ) {
    this.topicNames = Object.values(setup.targets).map((t) => t.topic);
    this.chunkLines = options.chunkLines ?? 2_000;
    this.maxInFlight = threads.length * (options.chunksInFlightPerThread ?? 3);
    for (const thread of threads) {
      thread.on('message', (reply: ThreadReply) => this.received(reply));
      thread.on('error', (error) => this.fail(messageOf(error), error));
      thread.on('exit', (code) => this.fail(`exited with code ${code}`));
    }
  }

  /** Starts the parse threads; resolves once each has its encoders. */
  static async start(setup: ParseThreadSetup, out: RecordOutput, options: ThreadedIngesterOptions = {}): Promise<ThreadedIngester> {
    const count = options.threads ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isInteger(count) || count < 1) throw new ConfigError('threads', `must be an integer >= 1, got ${count}`);
    if (options.chunkLines !== undefined && !(options.chunkLines >= 1)) throw new ConfigError('chunkLines', `must be >= 1, got ${options.chunkLines}`);
    const threads = Array.from({ length: count }, () => startTsWorker(new URL('./parseThread.ts', import.meta.url), { workerData: setup }));
    try {
      await Promise.all(threads.map((thread) => new Promise<void>((resolve, reject) => {
        thread.once('message', () => resolve());
        thread.once('error', (error) => reject(new WorkerThreadError('ingest', `did not start: ${messageOf(error)}`, error)));
      })));
    } catch (error) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw error;
    }
    return new ThreadedIngester(threads, setup, out, options);
  }

  /** Takes one line (without its line ending); `receivedAtMs` is when it was read. */
  line(raw: string | Buffer, receivedAtMs: number): void {
    if (this.failure) throw this.failure;
    this.pending.add(typeof raw === 'string' ? Buffer.from(raw) : raw, receivedAtMs);
    if (this.pending.lines >= this.chunkLines) this.dispatch();
  }

  /** Resolves when few enough chunks are out that more lines may come. */
  async backpressure(): Promise<void> {
    while (this.nextSeq - this.nextApplied >= this.maxInFlight) await this.nextReply();
  }

  /** Hands out the lines still waiting and resolves once every chunk's records are in `out`. */
  async flush(): Promise<void> {
    if (this.pending.lines > 0) this.dispatch();
    while (this.nextApplied < this.nextSeq) await this.nextReply();
  }

  /** Flushes, then stops the threads. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.failure ??= new WorkerThreadError('ingest', 'closed');
      await Promise.all(this.threads.map((t) => t.terminate()));
    }
  }

  private dispatch(): void {
    const seq = this.nextSeq++;
    const chunk = this.pending.take(seq);
    this.threads[seq % this.threads.length]!.postMessage(chunk, transferList(chunk));
  }

  private received(reply: ThreadReply): void {
    this.replies.set(reply.records.seq, reply);
    for (let next = this.replies.get(this.nextApplied); next; next = this.replies.get(this.nextApplied)) {
      this.replies.delete(this.nextApplied++);
      const refused = enqueueRecords(next.records, this.topicNames, this.out);
      addStats(this.stats, next.stats);
      this.stats.refused += refused;
    }
    this.wake();
  }

  private fail(detail: string, cause?: unknown): void {
    this.failure ??= new WorkerThreadError('ingest', detail, cause);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async nextReply(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure && this.nextApplied < this.nextSeq) throw this.failure;
  }
}

/** Adds the counts of `part` to `total`. */
export function addStats(total: IngestStats, part: IngestStats): void {
  total.lines += part.lines;
  total.messages += part.messages;
  total.eventTotal += part.eventTotal;
  total.moderation += part.moderation;
  total.control += part.control;
  total.malformed += part.malformed;
  total.cheers += part.cheers;
  total.bits += part.bits;
  total.refused += part.refused;
  for (const [kind, n] of Object.entries(part.events)) total.events[kind] = (total.events[kind] ?? 0) + n;
}
