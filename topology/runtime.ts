import type { Consumer, EachBatchPayload, Kafka, Producer, Transaction } from 'kafkajs';
import { CompressionTypes } from '../connectors/kafka/client.ts';
import { enqueueRecords } from '../connectors/twitch/lineChunk.ts';
import { ConfigError, PulseError, messageOf } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { createTopics } from '../connectors/kafka/admin.ts';
import { readCompactedTopic } from '../connectors/kafka/compactedTopic.ts';
import { fatalCrash } from '../connectors/kafka/fatalCrash.ts';
import { TOPICS, type TopicId } from '../schemas/catalogue.ts';
import type { AvroSerde } from '../schemas/serde.ts';
import { produceChunks } from '../connectors/kafka/produceChunks.ts';
import { GroupCommit } from './groupCommit.ts';
import { checkpointsFromRecords } from './checkpointRecords.ts';
import { packTaskInput } from './taskInput.ts';
import { taskTopicList, type TaskRequest, type TaskTarget } from './taskRunner.ts';
import { TaskThreads } from './taskThreads.ts';
import { DEFAULT_TASK_WINDOWS, type OutputKind, type TaskCheckpoint, type TaskWindows } from './tasks.ts';

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
  /** Worker threads running the tasks; by default one less than the cores, at least one. */
  readonly threads?: number;
  /**
   * Group members (kafkajs consumers) in this instance, like Kafka Streams' stream threads: each
   * fetches its own partitions, so one fetches while another's batches are being processed.
   * Default {@link DEFAULT_CONSUMERS}; the instance's fetch budget is split between them.
   */
  readonly consumers?: number;
  readonly log?: Logger;
}

const OUTPUT_TOPIC: Record<OutputKind, TopicId> = {
  chatRates: 'chatRates', subActivity: 'subActivity', subBursts: 'subBursts', hype: 'hype', hypeStarts: 'hypeStarts', adWindows: 'adWindows', lateRecords: 'lateRecords',
};

/** Largest checkpoint record, bytes (compressed, as the broker counts it). */
const CHECKPOINT_MAX_BYTES = 64 * 1024 * 1024;

/** Internal compacted topic holding each task's latest checkpoint. */
export function checkpointTopic(prefix: string): string {
  return `${prefix}pulse.topology-checkpoints`;
}

/** One batch's share of a group transaction: its encoded records and its input position. */
interface CommitPart {
  readonly messages: Map<string, Array<{ key: string; value: Buffer }>>;
  readonly input: { readonly topic: string; readonly partition: number; readonly offset: string };
}

/**
 * Most bytes the fetches of one instance bring in at once, split evenly between its consumers
 * (kafkajs' default is 10 MiB per consumer): fetched records stay in memory until every batch of
 * their fetch is committed. 4 MiB kept peak RSS near 500 MB instead of about 600 MB in
 * bench/topology.ts with 10,000 channels, at the same throughput.
 */
const MAX_FETCH_BYTES = 4 * 1024 * 1024;

/**
 * Consumers per instance by default. kafkajs fetches again only once every batch of its last
 * fetch is committed, so with one consumer the task thread waits through each fetch and the
 * fetching thread through each batch; a second consumer fetches meanwhile. In bench/topology.ts
 * two consumers of 2 MiB each were 15-22 % faster than one of 4 MiB in each of three paired
 * runs, at the same peak RSS.
 */
export const DEFAULT_CONSUMERS = 2;

/** Batches of different partitions processed at once (kafkajs' partitionsConsumedConcurrently). */
const CONCURRENT_BATCHES = 16;

/**
 * Runs the topology as a Kafka consumer group, exactly once:
 *
 * Each input partition is a task (its own operators and stream time), run on one of the task
 * threads, so batches of different partitions are decoded and processed in parallel. Every batch
 * is committed inside one Kafka transaction that holds the batch's results, the task's checkpoint
 * and the input offsets (batches finishing while a transaction is under way share the next one,
 * see {@link GroupCommit}), so a crash (kill -9) at any moment leaves either all of them or none. A
 * checkpoint records the input position, the low watermark of the open windows (where to re-read
 * from, with what stream time) and snapshots of the non-windowed operators. A task taking over a
 * partition (restart or rebalance) restores the snapshots, re-reads from the low watermark with
 * results suppressed up to the committed position, and carries on: every final result appears once,
 * equal to an uninterrupted run. Results are read with isolation read_committed.
 *
 * Why transactions rather than at-least-once with deduplicating sinks: downstream readers of the
 * derived topics (the wall, `tail`, alerts) then need no deduplication of their own.
 *
 * Why a batch is committed before its `eachBatch` call returns, rather than later in the
 * background: kafkajs rejoins the group after a rebalance only once every batch of the round
 * has returned, so no result of a partition can be committed after another instance took it over.
 */
export class TopologyRuntime {
  private readonly log: Logger;
  private readonly prefix: string;
  private readonly inputPrefix: string;
  private readonly consumers: Consumer[];
  private producer: Producer;
  /** Set when a transaction failed in a way that can leave kafkajs's producer unusable; see {@link readyProducer}. */
  private producerNeedsRenewal = false;
  /**
   * Tasks of this instance by task id (`<consumer>/<topic>:<partition>`: a partition moving
   * between this instance's consumers becomes a new task); `create` is kept until the task's
   * first batch takes it to a thread.
   */
  private readonly tasks = new Map<string, { create?: TaskRequest['create'] }>();
  /** Next input offset each task expects; records below it are already reflected in committed results. */
  private readonly positions = new Map<string, number>();
  private checkpoints = new Map<string, TaskCheckpoint>();
  private readonly restoring = new Map<string, { from: number; until: number; seeking?: boolean; rewound?: boolean }>();
  private threads: TaskThreads | null = null;
  /** Topic names in the order the task threads' replies index them. */
  private targetTopics: string[] = [];
  private readonly commits = new GroupCommit<CommitPart>((parts) => this.commit(parts));
  private ready: Promise<void> = Promise.resolve();
  private threadFailed: (error: Error) => void = () => undefined;
  private stopping = false;
  /** Counters for status lines and tests. */
  readonly stats = { records: 0, outputs: 0, transactions: 0, deadLetters: 0, restoredTasks: 0 };
  /** Resolves with the error if Kafka's client gives up on the consumer (see {@link fatalCrash}) or a task thread dies. */
  readonly failed: Promise<Error>;

  constructor(private readonly options: TopologyOptions) {
    this.log = options.log ?? createLogger('topology');
    this.prefix = options.outputPrefix ?? '';
    this.inputPrefix = options.inputPrefix ?? '';
    const consumers = options.consumers ?? DEFAULT_CONSUMERS;
    if (!Number.isInteger(consumers) || consumers < 1) throw new ConfigError('consumers', `must be an integer >= 1, got ${consumers}`);
    this.consumers = Array.from({ length: consumers }, () => options.kafka.consumer({ groupId: options.groupId, readUncommitted: false, sessionTimeout: 15_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, maxBytesPerPartition: options.maxBatchBytes ?? 1_048_576, maxBytes: Math.floor(MAX_FETCH_BYTES / consumers) }));
    this.producer = this.createProducer();
    const recovery = (consumer: Consumer, index: number) => ({ rerun: () => this.runConsumer(consumer, index), stopping: () => this.stopping, log: this.log });
    this.failed = Promise.race([...this.consumers.map((c, i) => fatalCrash(c, recovery(c, i))), new Promise<Error>((resolve) => (this.threadFailed = resolve))]);
  }

  private createProducer(): Producer {
    const { kafka, groupId, instanceId } = this.options;
    return kafka.producer({ transactionalId: `${groupId}-${instanceId}`, idempotent: true, maxInFlightRequests: 1, retry: { retries: 12, initialRetryTime: 10, maxRetryTime: 2_000 } });
  }

  // kafkajs's transaction state stays at "committing" or "aborting" when its EndTxn could not be
  // delivered (Kafka went away mid-commit), and every later transaction() then fails as not
  // retriable, which stopped the consumer for good. A new producer with the same transactional
  // id fences the old one, and the coordinator completes or aborts what that one left open;
  // tasks are rebuilt from the committed checkpoints either way. While Kafka is still away,
  // connecting fails (retriably) and renewal is tried again with the next transaction.
  private async readyProducer(): Promise<Producer> {
    if (this.producerNeedsRenewal) {
      await this.producer.disconnect().catch(() => undefined);
      this.producer = this.createProducer();
      await this.producer.connect();
      this.producerNeedsRenewal = false;
      this.log.info('transactional producer renewed after a failed transaction');
    }
    return this.producer;
  }

  private name(id: TopicId): string {
    const prefix = id === 'chatMessages' || id === 'chatEvents' ? this.inputPrefix : this.prefix;
    return `${prefix}${TOPICS[id].name}`;
  }

  /** Creates missing topics, registers schemas, joins the group and starts processing. */
  async start(): Promise<void> {
    const { kafka, serde } = this.options;
    const outputs: TopicId[] = ['chatRates', 'subActivity', 'subBursts', 'hype', 'hypeStarts', 'adWindows', 'lateRecords', 'deadLetter'];
    const schemaIds = {} as Record<Exclude<TaskTarget, 'checkpoints'>, number>;
    const targets = { checkpoints: checkpointTopic(this.prefix), deadLetter: this.name('deadLetter') } as Record<TaskTarget, string>;
    for (const kind of Object.keys(OUTPUT_TOPIC) as OutputKind[]) targets[kind] = this.name(OUTPUT_TOPIC[kind]);
    this.targetTopics = taskTopicList(targets);
    // The threads load their code while topics and schemas are set up.
    let registered: { resolve: () => void; reject: (error: unknown) => void } = { resolve: () => undefined, reject: () => undefined };
    const setup = new Promise<void>((resolve, reject) => (registered = { resolve, reject })).then(() => ({ registryUrl: serde.registryUrl, topics: targets, schemaIds }));
    const threads = TaskThreads.start(setup, this.options.threads);
    threads.catch(() => undefined);
    // Instances starting together race to create the same topics and subjects; both steps are
    // idempotent, so a loser simply tries again.
    // Topics (Kafka) and schemas (the registry) are set up side by side: on a first start each
    // took about a quarter of a second.
    await retrying(this.log, 'creating topics and registering schemas', () => Promise.all([
      // One request for all: each createTopics connects and waits for leaders on its own.
      createTopics(kafka, [
        ...([...outputs, 'chatMessages', 'chatEvents'] as TopicId[]).map((id) => ({ ...TOPICS[id], name: this.name(id) })),
        // A task's checkpoint holds every channel's hype and ad state: with thousands of channels
        // per partition it outgrows the broker's default 1 MiB per record.
        { name: checkpointTopic(this.prefix), key: 'task', schemaFile: '', partitions: 1, retentionMs: -1, cleanupPolicy: 'compact', maxMessageBytes: CHECKPOINT_MAX_BYTES, doc: 'topology checkpoints' },
      ]),
      (async () => {
        // One at a time: Apicurio's database times out locking its id sequence under concurrent
        // registrations (a CI run saw `twitch-pulse run` give up on that).
        for (const id of outputs) schemaIds[id as Exclude<TaskTarget, 'checkpoints'>] = await serde.registerTopic(TOPICS[id], this.name(id));
      })(),
    ]).then(() => undefined)).catch((error: unknown) => {
      registered.reject(error);
      throw error;
    });
    registered.resolve();
    this.threads = await threads;
    void this.threads.failed.then((error) => this.threadFailed(error));
    await this.producer.connect();
    await Promise.all(this.consumers.map((consumer, index) => this.startConsumer(consumer, index)));
  }

  private async startConsumer(consumer: Consumer, index: number): Promise<void> {
    await consumer.connect();
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const assigned = new Set<string>();
      for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) for (const p of partitions) assigned.add(`${topic}:${p}`);
      for (const id of [...this.tasks.keys()]) if (id.startsWith(`${index}/`) && !assigned.has(id.slice(id.indexOf('/') + 1))) this.dropTask(id);
      this.reloadCheckpoints();
      this.log.info('partitions assigned', { consumer: index, partitions: [...assigned].join(',') });
    });
    await consumer.subscribe({ topics: [this.name('chatMessages'), this.name('chatEvents')], fromBeginning: true });
    await this.runConsumer(consumer, index);
  }

  private runConsumer(consumer: Consumer, index: number): Promise<void> {
    return consumer.run({ eachBatchAutoResolve: false, autoCommit: false, partitionsConsumedConcurrently: CONCURRENT_BATCHES, eachBatch: (payload) => this.batch(consumer, index, payload) });
  }

  /** Leaves the group and disconnects (an open transaction is aborted by Kafka). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.map((c) => c.disconnect().catch(() => undefined)));
    await this.producer.disconnect().catch(() => undefined);
    await this.threads?.close();
  }

  private dropTask(id: string): void {
    this.tasks.delete(id);
    this.restoring.delete(id);
    this.positions.delete(id);
    this.threads?.drop(id);
  }

  // Reads run one after another, and each replaces the whole map, so a slower earlier read can
  // never put an older checkpoint over a newer one. A task is only ever (re)built after a read
  // that started once its last transaction had ended.
  private reloadCheckpoints(): void {
    this.ready = this.ready.catch(() => undefined).then(() => this.loadCheckpoints());
    // The next batch awaits `ready` and fails on the error (retriably, so kafkajs rejoins and
    // reads again). While Kafka is away no batch comes, and an unobserved rejection would end
    // the process; a CI outage run died that way.
    this.ready.catch(() => undefined);
  }

  private async loadCheckpoints(): Promise<void> {
    const latest = await readCompactedTopic(this.options.kafka, checkpointTopic(this.prefix), {
      groupId: `${this.options.groupId}-checkpoints-${this.options.instanceId}-${Date.now()}`,
    }).catch((error: unknown) => {
      throw new PulseError(`topology checkpoints could not be restored: ${messageOf(error)}`, { code: 'TOPOLOGY_RESTORE_FAILED', retriable: true, cause: error });
    });
    this.checkpoints = checkpointsFromRecords(latest);
  }

  // One transaction: the parts' results, checkpoints and input offsets, all or nothing. The
  // transaction coordinator answers CONCURRENT_TRANSACTIONS while it is still completing the
  // previous one; that and other retriable errors abort and try the same transaction again.
  private async commit(parts: readonly CommitPart[]): Promise<void> {
    try {
      await this.commitOnce(parts);
    } catch (error) {
      this.producerNeedsRenewal = true;
      throw error;
    }
  }

  private async commitOnce(parts: readonly CommitPart[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: Buffer }>>();
    const offsets = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { messages, input } of parts) {
      for (const [topic, list] of messages) {
        const all = byTopic.get(topic);
        if (all) for (const m of list) all.push(m);
        else byTopic.set(topic, [...list]);
      }
      const partitions = offsets.get(input.topic) ?? [];
      partitions.push({ partition: input.partition, offset: input.offset });
      offsets.set(input.topic, partitions);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const topics = [...offsets].map(([topic, partitions]) => ({ topic, partitions }));
    for (let attempt = 1; ; attempt++) {
      const tx: Transaction = await (await this.readyProducer()).transaction();
      try {
        for (const chunk of produceChunks(topicMessages)) await tx.sendBatch({ topicMessages: chunk, compression: CompressionTypes.LZ4 });
        await tx.sendOffsets({ consumerGroupId: this.options.groupId, topics });
      } catch (error) {
        await tx.abort().catch(() => (this.producerNeedsRenewal = true));
        const retriable = (error as { retriable?: boolean }).retriable !== false;
        if (!retriable || attempt >= 8) throw error;
        this.log.debug('transaction failed; retrying', { attempt, error: messageOf(error) });
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      // A failed commit has an unknown outcome: never send the same results again; the callers
      // rebuild their tasks from whatever the checkpoint topic says was committed.
      await tx.commit();
      this.stats.transactions++;
      return;
    }
  }

  // Sets up a task seen for the first time on this instance (restoring from its checkpoint).
  private taskFor(id: string, topic: string, partition: number): { create?: TaskRequest['create'] } {
    const known = this.tasks.get(id);
    if (known) return known;
    const checkpoint = this.checkpoints.get(`${topic}:${partition}`) ?? null;
    this.positions.set(id, checkpoint?.position ?? 0);
    if (checkpoint) {
      const from = checkpoint.low ? checkpoint.low.offset : checkpoint.position;
      if (from < checkpoint.position) this.restoring.set(id, { from, until: checkpoint.position });
      this.stats.restoredTasks++;
      this.log.info('task restored from checkpoint', { topic, partition, position: checkpoint.position, replayFrom: from });
    }
    const task = { create: { windows: this.options.windows ?? DEFAULT_TASK_WINDOWS, checkpoint } };
    this.tasks.set(id, task);
    return task;
  }

  private async batch(consumer: Consumer, index: number, { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.ready;
    const { topic, partition } = batch;
    const id = taskId(index, topic, partition);
    const task = this.taskFor(id, topic, partition);
    const replay = this.restoring.get(id);
    if (replay && !replay.rewound && Number(batch.firstOffset()) > replay.from) {
      // The committed position is past the open windows' first record: go back and rebuild
      // them. Batches fetched before the seek took effect are ignored until it does.
      if (!replay.seeking) consumer.seek({ topic, partition, offset: String(replay.from) });
      replay.seeking = true;
      return;
    }
    if (replay) replay.rewound = true;
    try {
      await this.processBatch(id, task, replay, { batch, resolveOffset, heartbeat, isRunning, isStale } as EachBatchPayload);
    } catch (error) {
      // The task's state may be ahead of what was committed: drop it, so the retried batch
      // rebuilds it from the last committed checkpoint.
      this.dropTask(id);
      this.reloadCheckpoints();
      this.log.warn('batch failed; task will be rebuilt from its checkpoint', { topic, partition, error: messageOf(error) });
      throw error;
    }
    // After the commit: a rebalance noticed here leaves the task consistent with what was committed.
    await heartbeat();
  }

  private async processBatch(id: string, task: { create?: TaskRequest['create'] }, replay: { from: number; until: number } | undefined, { batch, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    if (!isRunning() || isStale()) return;
    // Records before the replay start, or already reflected in committed results, come again
    // after a failed batch or a seek: they are left out so nothing counts twice.
    const input = packTaskInput(batch.messages, replay ? replay.from : (this.positions.get(id) ?? 0));
    if (input.offsets.length === 0) {
      const skipped = batch.messages.at(-1);
      if (skipped) resolveOffset(skipped.offset);
      return;
    }
    const kind = topic === this.name('chatMessages') ? 'chat' : 'events';
    const { create } = task;
    delete task.create;
    const reply = await this.threads!.run({ id, key: `${topic}:${partition}`, topic, partition, kind, create, emitFromOffset: replay ? replay.until : 0, input });
    if (reply.error) throw new PulseError(`topology task ${id} failed: ${reply.error.message}`, { code: reply.error.code, retriable: reply.error.retriable });
    const last = reply.lastOffset;
    const messages = new Map<string, Array<{ key: string; value: Buffer }>>();
    enqueueRecords(reply.records, this.targetTopics, {
      enqueue(t, k, value) {
        let list = messages.get(t);
        if (!list) messages.set(t, (list = []));
        list.push({ key: k, value });
        return true;
      },
    });
    await this.commits.submit({ messages, input: { topic, partition, offset: String(last + 1) } });
    if (replay && last + 1 >= replay.until) this.restoring.delete(id);
    this.positions.set(id, last + 1);
    resolveOffset(String(last));
    this.stats.records += reply.processed;
    this.stats.outputs += reply.outputs;
    this.stats.deadLetters += reply.deadLetters;
  }
}

/** A task's id: which of this instance's consumers runs it, and its input partition. */
function taskId(consumer: number, topic: string, partition: number): string {
  return `${consumer}/${topic}:${partition}`;
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
