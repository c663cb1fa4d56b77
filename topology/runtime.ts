import { CompressionTypes, type Consumer, type EachBatchPayload, type Kafka, type Producer, type Transaction } from 'kafkajs';
import { ConfigError, PulseError, messageOf, type ErrorContext } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { createTopics } from '../connectors/kafka/admin.ts';
import { readCompactedTopic } from '../connectors/kafka/compactedTopic.ts';
import { fatalCrash } from '../connectors/kafka/fatalCrash.ts';
import { TOPICS, type TopicId } from '../schemas/catalogue.ts';
import type { AvroSerde } from '../schemas/serde.ts';
import type { DeadLetter } from '../schemas/types.ts';
import { CHAT_RATE_FIELDS, type ChatRateInput } from './chatRate.ts';
import { produceChunks } from '../connectors/kafka/produceChunks.ts';
import { PendingCommit, type CommitWork } from './pendingCommit.ts';
import { decodeState } from './stateCodec.ts';
import { ChatTask, DEFAULT_TASK_WINDOWS, EventTask, type OutputKind, type TaskCheckpoint, type TaskOutput, type TaskWindows } from './tasks.ts';

/** Settings of a running topology. */
export interface TopologyOptions {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  /** Consumer group: instances with the same group share the partitions. */
  readonly groupId: string;
  /** Stable id of this instance; its transactional id is `<group>-<instance>`. */
  readonly instanceId: string;
  /** Prefix of the input topics' names (tests use their own); '' for the catalogue's names. */
  readonly inputPrefix?: string;
  /** Prefix of the output and checkpoint topics' names; '' for the catalogue's names. */
  readonly outputPrefix?: string;
  readonly windows?: TaskWindows;
  /** Most input bytes fetched per partition and batch. */
  readonly maxBatchBytes?: number;
  /**
   * Least time between the starts of two transactions, ms (Kafka Streams' `commit.interval.ms`,
   * 100 under exactly-once): each transaction holds everything processed since the last one
   * began, across partitions. Default 100.
   */
  readonly commitIntervalMs?: number;
  readonly log?: Logger;
}

const OUTPUT_TOPIC: Record<OutputKind, TopicId> = {
  chatRates: 'chatRates', subActivity: 'subActivity', subBursts: 'subBursts', hype: 'hype', hypeStarts: 'hypeStarts', adWindows: 'adWindows', lateRecords: 'lateRecords',
};

/** Largest checkpoint record, bytes (compressed, as the broker counts it). */
const CHECKPOINT_MAX_BYTES = 64 * 1024 * 1024;

/** Input records processed but not yet committed at which a batch waits for the commit under way. */
const MAX_PENDING_RECORDS = 100_000;

/** Internal compacted topic holding each task's latest checkpoint. */
export function checkpointTopic(prefix: string): string {
  return `${prefix}pulse.topology-checkpoints`;
}

type AnyTask = ChatTask | EventTask;

/**
 * Runs the topology as a Kafka consumer group, exactly once:
 *
 * Each input partition is a task (its own operators and stream time). Work is committed in Kafka
 * transactions, one at most every `commitIntervalMs` (one at a time, while processing goes on):
 * a transaction holds the results processed since the last one began, the checkpoints of the
 * tasks that moved and their input offsets, so a crash (kill -9) at any moment leaves either all
 * of them or none. A checkpoint records the input position, the low watermark of the open
 * windows (where to re-read from, with what stream time) and snapshots of the non-windowed
 * operators. A task taking over a partition (restart or rebalance) restores the snapshots,
 * re-reads from the low watermark with results suppressed up to the committed position, and
 * carries on: every final result appears once, equal to an uninterrupted run. Results are read with isolation read_committed. When a commit
 * fails, or the group starts rebalancing before it completes (it is then aborted: the partition's
 * next owner may already have read the checkpoints), every task is rebuilt the same way.
 *
 * Why transactions rather than at-least-once with deduplicating sinks: downstream readers of the
 * derived topics (the wall, `tail`, alerts) then need no deduplication of their own.
 */
export class TopologyRuntime {
  private readonly log: Logger;
  private readonly prefix: string;
  private readonly inputPrefix: string;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly tasks = new Map<string, AnyTask>();
  /** Next input offset each task expects; records below it are already reflected in committed results. */
  private readonly positions = new Map<string, number>();
  /** Input position of each task's last committed checkpoint. */
  private readonly committed = new Map<string, number>();
  private checkpoints = new Map<string, TaskCheckpoint>();
  private readonly restoring = new Map<string, { from: number; until: number; seeking?: boolean; rewound?: boolean }>();
  private encoders = new Map<string, (v: unknown) => Buffer>();
  private ready: Promise<void> = Promise.resolve();
  private readonly commitIntervalMs: number;
  /** Chat messages decoded as far as the chat task reads them. */
  private readonly readChat: (payload: Buffer | null, context: ErrorContext) => ChatRateInput | undefined;
  private readonly pending = new PendingCommit();
  /** The commit under way (it never rejects); commits never overlap: one transactional producer. */
  private inflight: Promise<void> | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  private lastCommitMs = 0;
  /** A batch is being processed: tasks are part-way through it and must not be checkpointed. */
  private busy = false;
  private stopping = false;
  /** Bumped whenever the partitions may go to another member (rebalance, crash, stop); a commit begun before then is aborted. */
  private generation = 0;
  /** A commit failed: the tasks' state may be ahead of what was committed. */
  private rebuild = false;
  /** A commit failed in a way Kafka will not retry (e.g. fenced by another instance). */
  private fatal: Error | null = null;
  private reportFatal: (error: Error) => void = () => undefined;
  /** Counters for status lines and tests. */
  readonly stats = { records: 0, outputs: 0, transactions: 0, deadLetters: 0, restoredTasks: 0 };
  /** Resolves with the error if Kafka's client gives up on the consumer (see {@link fatalCrash}). */
  readonly failed: Promise<Error>;

  constructor(private readonly options: TopologyOptions) {
    this.log = options.log ?? createLogger('topology');
    this.prefix = options.outputPrefix ?? '';
    this.inputPrefix = options.inputPrefix ?? '';
    this.consumer = options.kafka.consumer({ groupId: options.groupId, readUncommitted: false, sessionTimeout: 15_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, maxBytesPerPartition: options.maxBatchBytes ?? 1_048_576 });
    // A killed instance's open transaction holds up its partitions' next owner (read_committed)
    // until it times out: 30 s, not kafkajs's 60. Kafka Streams uses 10 s, but it survives being
    // fenced when a slow commit overruns; this process exits then, so it keeps a wider margin.
    this.producer = options.kafka.producer({ transactionalId: `${options.groupId}-${options.instanceId}`, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 30_000, retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 2_000 } });
    this.readChat = options.serde.projection(TOPICS.chatMessages, CHAT_RATE_FIELDS);
    this.commitIntervalMs = options.commitIntervalMs ?? 100;
    if (!(this.commitIntervalMs >= 0)) throw new ConfigError('commitIntervalMs', `must be >= 0 ms, got ${this.commitIntervalMs}`);
    this.failed = Promise.race([fatalCrash(this.consumer), new Promise<Error>((resolve) => (this.reportFatal = resolve))]);
  }

  private name(id: TopicId): string {
    const prefix = id === 'chatMessages' || id === 'chatEvents' ? this.inputPrefix : this.prefix;
    return `${prefix}${TOPICS[id].name}`;
  }

  /** Creates missing topics, registers schemas, joins the group and starts processing. */
  async start(): Promise<void> {
    const { kafka, serde } = this.options;
    const outputs: TopicId[] = ['chatRates', 'subActivity', 'subBursts', 'hype', 'hypeStarts', 'adWindows', 'lateRecords', 'deadLetter'];
    // Instances starting together race to create the same topics and subjects; both steps are
    // idempotent, so a loser simply tries again.
    await retrying(this.log, 'creating topics and registering schemas', async () => {
      await createTopics(kafka, [
        ...([...outputs, 'chatMessages', 'chatEvents'] as TopicId[]).map((id) => ({ ...TOPICS[id], name: this.name(id) })),
        // A task's checkpoint holds every channel's hype and ad state: with thousands of channels
        // per partition it outgrows the broker's default 1 MiB per record.
        { name: checkpointTopic(this.prefix), key: 'task', schemaFile: '', partitions: 1, retentionMs: -1, cleanupPolicy: 'compact' as const, maxMessageBytes: CHECKPOINT_MAX_BYTES, doc: 'topology checkpoints' },
      ]);
      await Promise.all(outputs.map(async (id) => this.encoders.set(id, await serde.encoder(await serde.registerTopic(TOPICS[id], this.name(id))))));
    });
    await Promise.all([this.producer.connect(), this.consumer.connect()]);
    // The partitions may go to another member after any of these: a commit under way aborts.
    for (const event of [this.consumer.events.REBALANCING, this.consumer.events.CRASH, this.consumer.events.STOP]) this.consumer.on(event, () => this.generation++);
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      const assigned: string[] = [];
      for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) for (const p of partitions) assigned.push(`${topic}:${p}`);
      // Uncommitted work of kept partitions is dropped too: kafkajs resumes them from the
      // offsets it fetched when it joined, not from where this instance had got to.
      this.generation++;
      this.resetTasks();
      this.log.info('partitions assigned', { partitions: assigned.join(',') });
    });
    await this.consumer.subscribe({ topics: [this.name('chatMessages'), this.name('chatEvents')], fromBeginning: true });
    await this.consumer.run({ eachBatchAutoResolve: false, autoCommit: false, eachBatch: (payload) => this.batch(payload) });
  }

  /**
   * Lets the commit under way finish, leaves the group and disconnects. Work processed since
   * that commit began is not committed; the partitions' next owner processes it again.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.commitTimer) clearTimeout(this.commitTimer);
    await this.inflight;
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  // Drops every task and all uncommitted work; tasks are rebuilt from the checkpoints, read
  // once the commit under way (if any) has finished.
  private resetTasks(): void {
    this.tasks.clear();
    this.positions.clear();
    this.restoring.clear();
    this.pending.clear();
    const inflight = this.inflight;
    this.ready = (async () => {
      await inflight;
      await this.loadCheckpoints();
    })();
  }

  private async loadCheckpoints(): Promise<void> {
    const latest = await readCompactedTopic(this.options.kafka, checkpointTopic(this.prefix), {
      groupId: `${this.options.groupId}-checkpoints-${this.options.instanceId}-${Date.now()}`,
    }).catch((error: unknown) => {
      throw new PulseError(`topology checkpoints could not be restored: ${messageOf(error)}`, { code: 'TOPOLOGY_RESTORE_FAILED', retriable: true, cause: error });
    });
    const checkpoints = new Map<string, TaskCheckpoint>();
    for (const [key, value] of latest) checkpoints.set(key, decodeState<TaskCheckpoint>(value.toString()));
    this.checkpoints = checkpoints;
  }

  // Starts a commit of the pending work when one is due and none is under way; otherwise
  // makes sure one starts when it is due.
  private maybeCommit(): void {
    if (this.inflight || this.busy || this.stopping) return;
    if (this.rebuild) return this.rebuildTasks();
    if (this.pending.empty) return;
    const dueInMs = this.lastCommitMs + this.commitIntervalMs - Date.now();
    if (dueInMs > 0) {
      this.commitTimer ??= setTimeout(() => {
        this.commitTimer = null;
        this.maybeCommit();
      }, dueInMs);
      return;
    }
    const work = this.pending.take(checkpointTopic(this.prefix))!;
    this.lastCommitMs = Date.now();
    const generation = this.generation;
    this.inflight = this.commit(work, generation).then(
      () => {
        for (const { topic, partitions } of work.offsets) for (const p of partitions) this.committed.set(`${topic}:${p.partition}`, Number(p.offset));
        this.stats.transactions++;
        this.stats.outputs += work.outputs;
        this.stats.deadLetters += work.deadLetters;
      },
      (error: unknown) => {
        this.log.warn('commit failed; tasks will be rebuilt from their checkpoints', { error: messageOf(error) });
        if ((error as { retriable?: boolean }).retriable === false && !(error instanceof RebalancedError)) {
          this.fatal = error as Error;
          this.reportFatal(this.fatal);
        }
        this.rebuild = true;
      },
    ).finally(() => {
      this.inflight = null;
      this.maybeCommit();
    });
  }

  // After a failed commit or batch: rebuild every task and make kafkajs deliver their input
  // again from the committed positions (it has already moved past them, and the input may be
  // quiet now, so no later batch would bring the task back).
  private rebuildTasks(): void {
    this.rebuild = false;
    for (const [key, position] of this.committed) {
      if (!this.tasks.has(key)) continue;
      const at = key.lastIndexOf(':');
      try {
        this.consumer.seek({ topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: String(position) });
      } catch (error) {
        this.log.debug('seek after a failed commit refused', { key, error: messageOf(error) });
      }
    }
    this.resetTasks();
  }

  // One transaction: results, checkpoints and input offsets, all or nothing. The transaction
  // coordinator answers CONCURRENT_TRANSACTIONS while it is still completing the previous one;
  // that and other retriable errors abort and try the same transaction again.
  private async commit(work: CommitWork, generation: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const tx: Transaction = await this.producer.transaction();
      try {
        const chunks = produceChunks(work.topicMessages);
        // The checkpoint topic takes records up to CHECKPOINT_MAX_BYTES: the checkpoints ride
        // along with the last chunk of results instead of costing a request each.
        if (chunks.length === 0) chunks.push([]);
        chunks[chunks.length - 1]!.push(work.checkpoints);
        for (const chunk of chunks) await tx.sendBatch({ topicMessages: chunk, compression: CompressionTypes.GZIP });
        await tx.sendOffsets({ consumerGroupId: this.options.groupId, topics: work.offsets });
      } catch (error) {
        await tx.abort().catch(() => undefined);
        const retriable = (error as { retriable?: boolean }).retriable !== false;
        if (!retriable || attempt >= 8) throw error;
        this.log.debug('transaction failed; retrying', { attempt, error: messageOf(error) });
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      // The checkpoints are written by now. If the group began rebalancing before that, a
      // partition's next owner may have read the checkpoint topic's end already and would
      // process this work again: abort. Otherwise it will wait for this transaction's outcome.
      if (generation !== this.generation) {
        await tx.abort().catch(() => undefined);
        throw new RebalancedError();
      }
      // A failed commit has an unknown outcome: never send the same results again; the caller
      // rebuilds the tasks from whatever the checkpoint topic says was committed.
      await tx.commit();
      return;
    }
  }

  private taskFor(topic: string, partition: number): AnyTask {
    const key = `${topic}:${partition}`;
    let task = this.tasks.get(key);
    if (task) return task;
    const windows = this.options.windows ?? DEFAULT_TASK_WINDOWS;
    task = topic === this.name('chatMessages') ? new ChatTask(topic, partition, windows) : new EventTask(topic, partition, windows);
    const checkpoint = this.checkpoints.get(key);
    const position = checkpoint?.position ?? 0;
    const from = checkpoint?.low ? checkpoint.low.offset : position;
    this.positions.set(key, position);
    this.committed.set(key, position);
    // Always: kafkajs may deliver records from anywhere after the committed position.
    this.restoring.set(key, { from, until: position });
    if (checkpoint) {
      task.restore(checkpoint);
      this.stats.restoredTasks++;
      this.log.info('task restored from checkpoint', { topic, partition, position, replayFrom: from });
    }
    this.tasks.set(key, task);
    return task;
  }

  private async batch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.rebuild && !this.inflight) this.rebuildTasks();
    await this.ready;
    if (this.fatal) throw this.fatal;
    // Fetched before a seek took effect: the records come again from the seek position.
    if (isStale()) return;
    const { topic, partition } = batch;
    const key = `${topic}:${partition}`;
    const task = this.taskFor(topic, partition);
    const replay = this.restoring.get(key);
    if (replay && !replay.rewound) {
      if (replay.seeking) {
        // The first batch after the seek: it starts at the seek position (or just after it,
        // where that offset holds a transaction marker).
      } else if (Number(batch.firstOffset()) > replay.from) {
        // The batch is past the open windows' first record: go back and rebuild them.
        this.consumer.seek({ topic, partition, offset: String(replay.from) });
        replay.seeking = true;
        return;
      }
      replay.rewound = true;
    }
    this.busy = true;
    try {
      await this.processBatch(key, task, replay, { batch, resolveOffset, heartbeat, isRunning, isStale } as EachBatchPayload);
    } catch (error) {
      // The task's state may be ahead of its buffered work: rebuild every task from the
      // committed checkpoints. kafkajs may leave the group over this error: abort the commit
      // under way, as after a rebalance.
      this.generation++;
      this.rebuildTasks();
      this.log.warn('batch failed; tasks will be rebuilt from their checkpoints', { topic, partition, error: messageOf(error) });
      throw error;
    } finally {
      this.busy = false;
    }
    this.maybeCommit();
    if (this.pending.records >= MAX_PENDING_RECORDS) await this.inflight;
    try {
      await heartbeat();
    } catch (error) {
      this.generation++;
      throw error;
    }
  }

  private async processBatch(key: string, task: AnyTask, replay: { from: number; until: number } | undefined, { batch, resolveOffset, isRunning }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const results: TaskOutput[] = [];
    const deadLetters: DeadLetter[] = [];
    let last = -1;
    let skipped = -1;
    let records = 0;
    const serde = this.options.serde;
    const decodeCached = task instanceof ChatTask ? this.readChat : (payload: Buffer | null, context: ErrorContext) => serde.decodeCached(payload, context)?.value;
    // Records before the replay start, or already reflected in committed results, come again
    // after a failed batch or a seek: skip them so nothing counts twice.
    const floor = replay ? replay.from : (this.positions.get(key) ?? 0);
    // Only this class seeks, and never while a batch is processed: staleness is checked once, in batch().
    for (const message of batch.messages) {
      if (!isRunning()) break;
      const offset = Number(message.offset);
      if (offset < floor) {
        skipped = offset;
        continue;
      }
      task.emitting = !replay || offset >= replay.until;
      try {
        const context = { topic, partition, offset: message.offset };
        const value = decodeCached(message.value, context) ?? (await serde.decode(message.value, context)).value;
        task.process(value as never, offset, results);
      } catch (error) {
        if (error instanceof PulseError && error.retriable) throw error;
        if (task.emitting) deadLetters.push({ stage: 'topology', errorCode: error instanceof PulseError ? error.code : 'UNEXPECTED', reason: messageOf(error), sourceTopic: topic, sourcePartition: partition, sourceOffset: message.offset, channel: null, raw: message.value ?? Buffer.alloc(0), occurredAtMs: Date.now() });
      }
      last = offset;
      records++;
      this.stats.records++;
    }
    if (last < 0) {
      if (skipped >= 0) resolveOffset(String(skipped));
      return;
    }
    // The tasks were reset while this batch waited for a schema: its work is dropped with them.
    if (this.tasks.get(key) !== task) return;
    for (const r of results) this.pending.add(this.name(OUTPUT_TOPIC[r.kind]), r.key, this.encoders.get(OUTPUT_TOPIC[r.kind])!(r.value));
    for (const d of deadLetters) this.pending.add(this.name('deadLetter'), '', this.encoders.get('deadLetter')!(d), true);
    // While rebuilding below the committed position there is nothing new to commit (and a
    // checkpoint there would claim the restored snapshots belong to an earlier position).
    if (!replay || last + 1 >= replay.until) this.pending.advance(key, task, topic, partition, last + 1, records);
    if (replay && last + 1 >= replay.until) this.restoring.delete(key);
    this.positions.set(key, last + 1);
    resolveOffset(String(last));
  }
}

/** A commit aborted because the group began rebalancing while it was under way. */
class RebalancedError extends PulseError {
  constructor() {
    super('commit aborted: the group began rebalancing', { code: 'TOPOLOGY_REBALANCED', retriable: true });
  }
}

async function retrying(log: Logger, what: string, step: () => Promise<void>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts) throw error;
      log.warn(`${what} failed; retrying`, { attempt, error: messageOf(error) });
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}
