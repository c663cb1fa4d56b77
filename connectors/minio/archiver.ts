import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fatalCrash } from '../kafka/fatalCrash.ts';
import { PulseError, messageOf } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { retryWithBackoff } from '../../core/retry.ts';
import { ALL_TOPICS, TOPICS } from '../../schemas/catalogue.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { DeadLetter } from '../../schemas/types.ts';
import { createTopics } from '../kafka/admin.ts';
import type { BeforeWait, MinioArchiveSink } from './archiveSink.ts';
import { partitionPrefix } from './objectNaming.ts';
import { OpenObject } from './openObject.ts';
import { DEFAULT_ROLL_POLICY, rollAfter, rollBefore, rollDue, type RollPolicy, type RollReason } from './rollPolicy.ts';
import type { WriterSchema, WriterSchemas } from './writerSchemas.ts';

/** Settings of an {@link Archiver}. */
export interface ArchiverOptions {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly schemas: WriterSchemas;
  readonly sink: MinioArchiveSink;
  /** Topics to archive (the catalogue's raw topics by default in the CLI). */
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly deadLetterTopic: string;
  readonly policy?: RollPolicy;
  /** Stop once every assigned partition has reached the end offsets it had at start. */
  readonly once?: boolean;
  /** Stop once no record has arrived for this long, ms. */
  readonly untilIdleMs?: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** Counters of an archiver run. */
export interface ArchiverStats {
  /** Records read and put into objects (rows or dead letters). */
  records: number;
  rows: number;
  deadLetters: number;
  objects: number;
  /** Kafka input: Avro values plus keys. */
  inputBytes: number;
  /** Parquet bytes uploaded. */
  objectBytes: number;
  /** Objects found already archived, and the records they covered, skipped. */
  skippedObjects: number;
  skippedRecords: number;
}

/** What the archiver knows about one partition it owns. */
interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Where the partition resumes after an error: its committed offset (or where reading began). */
  committed: number;
  /** Next offset expected; lower ones are redeliveries of records already handled. */
  next: number;
  /** Records up to this offset are in an object already archived. */
  skipThrough: number;
  open: OpenObject | null;
}

type Classified =
  | { readonly kind: 'row'; readonly value: Record<string, unknown>; readonly schema: WriterSchema }
  | { readonly kind: 'dead'; readonly letter: DeadLetter };

/** What {@link Archiver.progress} reports. */
export interface ArchiverProgress {
  readonly records: number;
  readonly offsetsDone?: number;
  readonly offsetsTotal?: number;
}

/**
 * Archives Kafka topics to MinIO as Parquet, as a consumer group.
 *
 * Each partition fills one {@link OpenObject} at a time: a run of consecutive records, closed
 * by the {@link RollPolicy} (records, bytes, time), when the record time enters another UTC
 * hour, when the writer schema changes, and before the first offset of an object already in the
 * archive. Closing = dead letters produced to Kafka, the object uploaded and confirmed by MinIO,
 * then the offset after its last record committed. Nothing is committed before its upload.
 *
 * **Why re-archiving never overlaps.** Every object holds records of one UTC hour, named
 * `<topic>/date/hour/partition=P/<first>-<last>.parquet` after the first record's timestamp, so
 * any object holding a record lies in that record's hour folder. Before opening an object at
 * offset F the archiver lists that folder: an object covering F means the crash came between
 * upload and commit (or the archive is being rebuilt), so it skips to that object's last offset
 * + 1 and commits; otherwise the new object will end before the next listed start. The chain
 * of objects per partition therefore covers each offset once, however often it is re-run. The
 * one gap in this is two instances owning a partition at once during a rebalance (Kafka does
 * not fence plain consumers); the archiver lists `<first>-` again just before each upload,
 * which leaves a window of one PUT, and readers can deduplicate by `(_topic, _partition, _offset)`.
 *
 * **Failures.** MinIO down: calls retry with backoff while heartbeating the group, so offsets
 * stay uncommitted and reading pauses; it catches up when MinIO returns. An undecodable record,
 * or one whose schema has no Parquet form, goes to the dead-letter topic (at least once: a crash
 * between producing it and the upload produces it again). Any other error resets the partition
 * to its committed offset and reads it again.
 *
 * @example
 * const archiver = new Archiver({ kafka, serde, schemas, sink, topics, groupId: 'twitch-pulse-archive', deadLetterTopic });
 * await archiver.start();
 * await archiver.finished; // with `once` or `untilIdleMs`
 * await archiver.stop();
 */
export class Archiver {
  readonly stats: ArchiverStats = { records: 0, rows: 0, deadLetters: 0, objects: 0, inputBytes: 0, objectBytes: 0, skippedObjects: 0, skippedRecords: 0 };
  /** Resolves when `once` or `untilIdleMs` says the run is complete; call {@link stop} then. */
  readonly finished: Promise<void>;
  /** Resolves with the error if Kafka's client gives up on the consumer (see {@link fatalCrash}). */
  readonly failed: Promise<Error>;
  private finish!: () => void;
  private readonly log: Logger;
  private readonly policy: RollPolicy;
  private readonly now: () => number;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly states = new Map<string, PartitionState>();
  private assigned = new Set<string>();
  private generation = 0;
  private clearedGeneration = 0;
  private lockTail: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private ticking = false;
  private lastActivityMs: number;
  private encodeDeadLetter: ((value: unknown) => Buffer) | null = null;
  /** For `once`: end offsets at start, and where each partition started. */
  private endOffsets: Map<string, number> | null = null;
  private startOffsets = new Map<string, number>();

  constructor(private readonly options: ArchiverOptions) {
    this.log = options.log ?? createLogger('archive');
    this.policy = options.policy ?? DEFAULT_ROLL_POLICY;
    this.now = options.now ?? Date.now;
    this.lastActivityMs = this.now();
    this.finished = new Promise((resolve) => (this.finish = resolve));
    this.consumer = options.kafka.consumer({ groupId: options.groupId, sessionTimeout: 20_000, heartbeatInterval: 2_000, readUncommitted: false });
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.failed = fatalCrash(this.consumer, { rerun: () => this.run(), stopping: () => this.stopping, log: this.log });
  }

  /** Checks MinIO and the bucket, prepares the dead-letter topic, joins the group and starts archiving. */
  async start(): Promise<void> {
    const { kafka, serde, sink, topics } = this.options;
    await sink.connect();
    const catalogued = ALL_TOPICS.filter((t) => topics.includes(t.name));
    await createTopics(kafka, [...catalogued, { ...TOPICS.deadLetter, name: this.options.deadLetterTopic }]);
    this.encodeDeadLetter = await serde.encoder(await serde.registerTopic(TOPICS.deadLetter, this.options.deadLetterTopic));
    await this.producer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      const assigned = new Set<string>();
      for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) for (const p of partitions) assigned.add(`${topic}:${p}`);
      this.assigned = assigned;
      this.generation++;
      this.lastActivityMs = this.now();
      this.log.info('partitions assigned', { group: this.options.groupId, partitions: [...assigned].sort().join(',') });
    });
    if (this.options.once) await this.snapshotEndOffsets();
    await this.consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await this.run();
    const tickMs = Math.max(50, Math.min(1_000, Math.floor(this.policy.maxWaitMs / 4)));
    this.timer = setInterval(() => void this.tick(), tickMs);
  }

  private run(): Promise<void> {
    return this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.batch(payload) });
  }

  /**
   * Closes and uploads every open object (commits included), then leaves the group. While MinIO
   * is down this waits for it; the records of an object that cannot be uploaded stay
   * uncommitted in Kafka and are archived by the next run.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.withLock(async () => {
      this.clearIfRejoined();
      for (const state of this.states.values()) {
        if (!state.open) continue;
        try {
          await this.flush(state, 'stop');
        } catch (error) {
          this.log.warn('open object not archived at stop; its records stay uncommitted in Kafka', { topic: state.topic, partition: state.partition, error: messageOf(error) });
        }
      }
    });
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.options.sink.close();
  }

  private async batch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.withLock(async () => {
      if (this.stopping || isStale() || batch.messages.length === 0) return;
      this.clearIfRejoined();
      const { topic, partition } = batch;
      const key = `${topic}:${partition}`;
      let state = this.states.get(key);
      if (!state) {
        // The first batch after joining (or after a reset) starts at the committed offset.
        const first = Number(batch.messages[0]!.offset);
        state = { topic, partition, committed: first, next: first, skipThrough: -1, open: null };
        this.states.set(key, state);
      }
      try {
        for (const message of batch.messages) {
          if (!isRunning() || isStale() || this.stopping) break;
          await this.record(state, message, heartbeat);
          resolveOffset(message.offset);
        }
      } catch (error) {
        this.reset(state, error);
        // kafkajs's own errors (a rebalance seen by the heartbeat) are kafkajs's to handle.
        if ((error as { name?: string } | null)?.name?.startsWith('KafkaJS')) throw error;
      }
    }, heartbeat);
    await heartbeat();
  }

  private async record(state: PartitionState, message: KafkaMessage, heartbeat: BeforeWait): Promise<void> {
    const offset = Number(message.offset);
    if (offset < state.next) return;
    state.next = offset + 1;
    this.lastActivityMs = this.now();
    if (offset <= state.skipThrough) {
      this.stats.skippedRecords++;
      return;
    }
    const timestampMs = Number(message.timestamp);
    const key = message.key ? message.key.toString('utf8') : null;
    const bytes = (message.value?.length ?? 0) + (message.key?.length ?? 0);
    const item = await this.classify(state, message, heartbeat);
    const schemaId = item.kind === 'row' ? item.schema.schemaId : null;
    if (state.open) {
      const reason = rollBefore(state.open, { offset, timestampMs, schemaId });
      if (reason) await this.flush(state, reason, heartbeat);
    }
    if (!state.open && !(await this.openAt(state, offset, timestampMs, heartbeat))) {
      this.stats.skippedRecords++;
      return;
    }
    const open = state.open!;
    if (item.kind === 'row') open.addRow({ topic: state.topic, partition: state.partition, offset, timestampMs, key }, item.value, item.schema, bytes);
    else open.addDeadLetter(offset, { key: key ?? '', value: item.letter }, bytes);
    this.stats.records++;
    this.stats.inputBytes += bytes;
    const full = rollAfter(open, this.policy);
    if (full) await this.flush(state, full, heartbeat);
  }

  // Decodes a record and finds its Parquet columns; a record that will never decode, or whose
  // schema has no Parquet form, becomes a dead letter. A registry outage is waited out.
  private async classify(state: PartitionState, message: KafkaMessage, heartbeat: BeforeWait): Promise<Classified> {
    const context = { topic: state.topic, partition: state.partition, offset: message.offset };
    try {
      const serde = this.options.serde;
      const decoded = serde.decodeCached<Record<string, unknown>>(message.value, context)
        ?? (await this.retry('decode with the schema registry', () => serde.decode<Record<string, unknown>>(message.value, context), heartbeat));
      const schemas = this.options.schemas;
      const schema = schemas.peek(decoded.schemaId) ?? (await this.retry('fetch the writer schema', () => schemas.get(decoded.schemaId), heartbeat));
      return { kind: 'row', value: decoded.value, schema };
    } catch (error) {
      if (!(error instanceof PulseError) || error.retriable) throw error;
      return {
        kind: 'dead',
        letter: {
          stage: 'archive', errorCode: error.code, reason: messageOf(error), sourceTopic: state.topic, sourcePartition: state.partition,
          sourceOffset: message.offset, channel: null, raw: message.value ?? Buffer.alloc(0), occurredAtMs: this.now(),
        },
      };
    }
  }

  // Opens an object at `offset`, unless an archived object already covers it: then skips to
  // that object's end and commits (the crash came between its upload and its commit).
  private async openAt(state: PartitionState, offset: number, timestampMs: number, heartbeat: BeforeWait): Promise<boolean> {
    const existing = await this.options.sink.list(partitionPrefix(state.topic, timestampMs, state.partition), heartbeat);
    const covering = existing.find((o) => o.firstOffset <= offset && offset <= o.lastOffset);
    if (covering) {
      state.skipThrough = covering.lastOffset;
      await this.commit(state, covering.lastOffset + 1);
      this.stats.skippedObjects++;
      this.log.info('already archived; skipping its records', { topic: state.topic, partition: state.partition, object: covering.name });
      return false;
    }
    const later = existing.filter((o) => o.firstOffset > offset).map((o) => o.firstOffset);
    state.open = new OpenObject(state.topic, state.partition, offset, timestampMs, this.now(), later.length ? Math.min(...later) : null);
    return true;
  }

  private async flush(state: PartitionState, reason: RollReason | 'stop', heartbeat?: BeforeWait): Promise<void> {
    const open = state.open!;
    state.open = null;
    const upload = open.finish();
    const prefix = partitionPrefix(open.topic, open.firstTimestampMs, open.partition);
    const clash = (await this.options.sink.list(`${prefix}${open.firstOffset}-`, heartbeat)).find((o) => o.firstOffset === open.firstOffset);
    if (clash && clash.lastOffset !== open.lastOffset) {
      throw new PulseError(`another archiver wrote ${clash.name} while this one was filling ${upload.name}`, {
        code: 'ARCHIVE_RANGE_CLASH', context: { topic: open.topic, partition: open.partition, offset: String(open.firstOffset) },
      });
    }
    if (!clash) {
      if (open.deadLetters.length > 0) {
        await this.producer.send({
          topic: this.options.deadLetterTopic,
          acks: -1,
          messages: open.deadLetters.map((d) => ({ key: d.key, value: this.encodeDeadLetter!(d.value) })),
        });
      }
      await this.options.sink.write([upload], heartbeat);
    }
    await this.commit(state, open.lastOffset + 1);
    this.stats.objects++;
    this.stats.rows += open.rows;
    this.stats.deadLetters += open.deadLetters.length;
    this.stats.objectBytes += upload.body.byteLength;
    this.log.info('archived', {
      object: upload.name, reason, rows: open.rows, deadLetters: open.deadLetters.length, bytes: upload.body.byteLength, alreadyThere: clash !== undefined,
    });
  }

  private async commit(state: PartitionState, offset: number): Promise<void> {
    if (!this.assigned.has(`${state.topic}:${state.partition}`)) {
      throw new PulseError(`partition ${state.topic}:${state.partition} is no longer assigned to this archiver`, {
        code: 'ARCHIVE_PARTITION_REVOKED', context: { topic: state.topic, partition: state.partition },
      });
    }
    await this.consumer.commitOffsets([{ topic: state.topic, partition: state.partition, offset: String(offset) }]);
    state.committed = offset;
  }

  // Forget what was read past the committed offset and read it again: the chain check makes
  // whatever was uploaded meanwhile be skipped, so nothing is archived twice or left out.
  private reset(state: PartitionState, error: unknown): void {
    this.log.warn('partition goes back to its committed offset', { topic: state.topic, partition: state.partition, committed: state.committed, error: messageOf(error) });
    this.states.delete(`${state.topic}:${state.partition}`);
    try {
      this.consumer.seek({ topic: state.topic, partition: state.partition, offset: String(state.committed) });
    } catch {
      // Not running or not assigned any more: a rejoin starts from the committed offset anyway.
    }
  }

  private async tick(): Promise<void> {
    // While an upload waits for MinIO, ticks would pile up behind the lock: one is enough.
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.tickOnce();
    } finally {
      this.ticking = false;
    }
  }

  private async tickOnce(): Promise<void> {
    await this.withLock(async () => {
      if (this.stopping) return;
      this.clearIfRejoined();
      for (const state of this.states.values()) {
        if (!state.open || !rollDue(state.open, this.policy, this.now())) continue;
        try {
          await this.flush(state, 'time');
        } catch (error) {
          this.reset(state, error);
        }
      }
    });
    if (this.isComplete()) this.finish();
  }

  /**
   * How far the run is, for a progress line: records read so far and, with `once`, the offsets
   * read of those there were to read in the assigned partitions (from where the group started
   * to the end offsets at start); without `once`, or before partitions are assigned, no total.
   */
  progress(): ArchiverProgress {
    if (!this.endOffsets || this.assigned.size === 0) return { records: this.stats.records };
    let offsetsDone = 0;
    let offsetsTotal = 0;
    for (const key of this.assigned) {
      const start = this.startOffsets.get(key) ?? 0;
      const end = this.endOffsets.get(key) ?? 0;
      const position = this.states.get(key)?.next ?? start;
      offsetsTotal += Math.max(0, end - start);
      offsetsDone += Math.max(0, Math.min(position, end) - start);
    }
    return { records: this.stats.records, offsetsDone, offsetsTotal };
  }

  private isComplete(): boolean {
    if (this.stopping || this.generation === 0) return false;
    if (this.options.untilIdleMs !== undefined && this.now() - this.lastActivityMs >= this.options.untilIdleMs) return true;
    if (!this.options.once || !this.endOffsets) return false;
    for (const key of this.assigned) {
      const position = this.states.get(key)?.next ?? this.startOffsets.get(key) ?? 0;
      if (position < (this.endOffsets.get(key) ?? 0)) return false;
    }
    return true;
  }

  // For `once`: the end offset of every partition now, and where the group will start reading.
  private async snapshotEndOffsets(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const ends = new Map<string, number>();
      for (const topic of this.options.topics) {
        const offsets = await admin.fetchTopicOffsets(topic);
        for (const o of offsets) {
          ends.set(`${topic}:${o.partition}`, Number(o.high));
          this.startOffsets.set(`${topic}:${o.partition}`, Number(o.low));
        }
      }
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: this.options.groupId, topics: [...this.options.topics] })) {
        for (const p of partitions) if (Number(p.offset) >= 0) this.startOffsets.set(`${topic}:${p.partition}`, Number(p.offset));
      }
      this.endOffsets = ends;
    } finally {
      await admin.disconnect();
    }
  }

  private clearIfRejoined(): void {
    if (this.clearedGeneration === this.generation) return;
    // kafkajs resumes every partition from its committed offset after a rejoin.
    this.states.clear();
    this.clearedGeneration = this.generation;
  }

  private retry<T>(what: string, step: () => Promise<T>, heartbeat: BeforeWait): Promise<T> {
    return retryWithBackoff(step, { what, log: this.log, beforeWait: heartbeat });
  }

  // One thing at a time touches partition state: batches, the time-roll tick and stop. A batch
  // waiting here keeps heartbeating so a long upload elsewhere does not cost it the group.
  private async withLock<T>(step: () => Promise<T>, heartbeat?: BeforeWait): Promise<T> {
    const previous = this.lockTail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next holder waits for both: if this waiter gives up (its heartbeat failed), the lock
    // still passes on only when the current holder is done.
    this.lockTail = previous.then(() => mine);
    try {
      if (heartbeat) {
        let acquired = false;
        void previous.then(() => (acquired = true));
        while (!acquired) {
          await Promise.race([previous, new Promise((r) => setTimeout(r, 1_000))]);
          if (!acquired) await heartbeat();
        }
      } else {
        await previous;
      }
      return await step();
    } finally {
      release();
    }
  }
}
