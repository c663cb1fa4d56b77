import { CompressionTypes, type Consumer, type EachBatchPayload, type Kafka, type Producer, type Transaction } from 'kafkajs';
import { PulseError, messageOf } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { createTopics } from '../connectors/kafka/admin.ts';
import { readCompactedTopic } from '../connectors/kafka/compactedTopic.ts';
import { fatalCrash } from '../connectors/kafka/fatalCrash.ts';
import { TOPICS, type TopicId } from '../schemas/catalogue.ts';
import type { AvroSerde } from '../schemas/serde.ts';
import type { ChatEvent, ChatMessage, DeadLetter } from '../schemas/types.ts';
import { produceChunks } from '../connectors/kafka/produceChunks.ts';
import { decodeState, encodeState } from './stateCodec.ts';
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
  /** Most input bytes fetched per partition and batch; each batch is one transaction. */
  readonly maxBatchBytes?: number;
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

type AnyTask = ChatTask | EventTask;

/**
 * Runs the topology as a Kafka consumer group, exactly once:
 *
 * Each input partition is a task (its own operators and stream time). Every batch is processed
 * inside one Kafka transaction that holds the batch's results, the task's checkpoint and the
 * input offsets, so a crash (kill -9) at any moment leaves either all of them or none. A
 * checkpoint records the input position, the low watermark of the open windows (where to re-read
 * from, with what stream time) and snapshots of the non-windowed operators. A task taking over a
 * partition (restart or rebalance) restores the snapshots, re-reads from the low watermark with
 * results suppressed up to the committed position, and carries on: every final result appears once,
 * equal to an uninterrupted run. Results are read with isolation read_committed.
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
  private readonly checkpoints = new Map<string, TaskCheckpoint>();
  private readonly restoring = new Map<string, { from: number; until: number; seeking?: boolean; rewound?: boolean }>();
  private encoders = new Map<string, (v: unknown) => Buffer>();
  private ready: Promise<void> = Promise.resolve();
  /** Counters for status lines and tests. */
  readonly stats = { records: 0, outputs: 0, transactions: 0, deadLetters: 0, restoredTasks: 0 };
  /** Resolves with the error if Kafka's client gives up on the consumer (see {@link fatalCrash}). */
  readonly failed: Promise<Error>;

  constructor(private readonly options: TopologyOptions) {
    this.log = options.log ?? createLogger('topology');
    this.prefix = options.outputPrefix ?? '';
    this.inputPrefix = options.inputPrefix ?? '';
    this.consumer = options.kafka.consumer({ groupId: options.groupId, readUncommitted: false, sessionTimeout: 15_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200, maxBytesPerPartition: options.maxBatchBytes ?? 1_048_576 });
    this.producer = options.kafka.producer({ transactionalId: `${options.groupId}-${options.instanceId}`, idempotent: true, maxInFlightRequests: 1, retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 2_000 } });
    this.failed = fatalCrash(this.consumer);
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
      await createTopics(kafka, ([...outputs, 'chatMessages', 'chatEvents'] as TopicId[]).map((id) => ({ ...TOPICS[id], name: this.name(id) })));
      // A task's checkpoint holds every channel's hype and ad state: with thousands of channels
      // per partition it outgrows the broker's default 1 MiB per record.
      await createTopics(kafka, [{ name: checkpointTopic(this.prefix), key: 'task', schemaFile: '', partitions: 1, retentionMs: -1, cleanupPolicy: 'compact', maxMessageBytes: CHECKPOINT_MAX_BYTES, doc: 'topology checkpoints' }]);
      for (const id of outputs) this.encoders.set(id, await serde.encoder(await serde.registerTopic(TOPICS[id], this.name(id))));
    });
    await this.producer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      const assigned = new Set<string>();
      for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) for (const p of partitions) assigned.add(`${topic}:${p}`);
      for (const key of [...this.tasks.keys()]) if (!assigned.has(key)) this.tasks.delete(key);
      this.ready = this.loadCheckpoints();
      this.log.info('partitions assigned', { partitions: [...assigned].join(',') });
    });
    await this.consumer.subscribe({ topics: [this.name('chatMessages'), this.name('chatEvents')], fromBeginning: true });
    await this.consumer.run({ eachBatchAutoResolve: false, autoCommit: false, eachBatch: (payload) => this.batch(payload) });
  }

  /** Leaves the group and disconnects (an open transaction is aborted by Kafka). */
  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  private async loadCheckpoints(): Promise<void> {
    const latest = await readCompactedTopic(this.options.kafka, checkpointTopic(this.prefix), {
      groupId: `${this.options.groupId}-checkpoints-${this.options.instanceId}-${Date.now()}`,
    }).catch((error: unknown) => {
      throw new PulseError(`topology checkpoints could not be restored: ${messageOf(error)}`, { code: 'TOPOLOGY_RESTORE_FAILED', retriable: true, cause: error });
    });
    for (const [key, value] of latest) this.checkpoints.set(key, decodeState<TaskCheckpoint>(value.toString()));
  }

  // One transaction: results, checkpoint and input offset, all or nothing. The transaction
  // coordinator answers CONCURRENT_TRANSACTIONS while it is still completing the previous one;
  // that and other retriable errors abort and try the same transaction again.
  private async commit(topicMessages: Array<{ topic: string; messages: Array<{ key: string; value: Buffer }> }>, input: { topic: string; partition: number; offset: string }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const tx: Transaction = await this.producer.transaction();
      try {
        for (const chunk of produceChunks(topicMessages)) await tx.sendBatch({ topicMessages: chunk, compression: CompressionTypes.GZIP });
        await tx.sendOffsets({ consumerGroupId: this.options.groupId, topics: [{ topic: input.topic, partitions: [{ partition: input.partition, offset: input.offset }] }] });
      } catch (error) {
        await tx.abort().catch(() => undefined);
        const retriable = (error as { retriable?: boolean }).retriable !== false;
        if (!retriable || attempt >= 8) throw error;
        this.log.debug('transaction failed; retrying', { attempt, error: messageOf(error) });
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      // A failed commit has an unknown outcome: never send the same results again; the caller
      // rebuilds the task from whatever the checkpoint topic says was committed.
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
    this.positions.set(key, checkpoint?.position ?? 0);
    if (checkpoint) {
      task.restore(checkpoint);
      const from = checkpoint.low ? checkpoint.low.offset : checkpoint.position;
      if (from < checkpoint.position) this.restoring.set(key, { from, until: checkpoint.position });
      this.stats.restoredTasks++;
      this.log.info('task restored from checkpoint', { topic, partition, position: checkpoint.position, replayFrom: from });
    }
    this.tasks.set(key, task);
    return task;
  }

  private async batch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.ready;
    const { topic, partition } = batch;
    const key = `${topic}:${partition}`;
    const task = this.taskFor(topic, partition);
    const replay = this.restoring.get(key);
    if (replay && !replay.rewound && Number(batch.firstOffset()) > replay.from) {
      // The committed position is past the open windows' first record: go back and rebuild
      // them. Batches fetched before the seek took effect are ignored until it does.
      if (!replay.seeking) this.consumer.seek({ topic, partition, offset: String(replay.from) });
      replay.seeking = true;
      return;
    }
    if (replay) replay.rewound = true;
    try {
      await this.processBatch(key, task, replay, { batch, resolveOffset, heartbeat, isRunning, isStale } as EachBatchPayload);
    } catch (error) {
      // The task's state may be ahead of what was committed: drop it, so the retried batch
      // rebuilds it from the last committed checkpoint.
      this.tasks.delete(key);
      this.restoring.delete(key);
      this.positions.delete(key);
      this.ready = this.loadCheckpoints();
      this.log.warn('batch failed; task will be rebuilt from its checkpoint', { topic, partition, error: messageOf(error) });
      throw error;
    }
    // After the commit: a rebalance noticed here leaves the task consistent with what was committed.
    await heartbeat();
  }

  private async processBatch(key: string, task: AnyTask, replay: { from: number; until: number } | undefined, { batch, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const results: TaskOutput[] = [];
    const deadLetters: DeadLetter[] = [];
    let last = -1;
    let skipped = -1;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const offset = Number(message.offset);
      // Records before the replay start, or already reflected in committed results, come again
      // after a failed batch or a seek: skip them so nothing counts twice.
      if (offset < (replay ? replay.from : (this.positions.get(key) ?? 0))) {
        skipped = offset;
        continue;
      }
      task.emitting = !replay || offset >= replay.until;
      try {
        const context = { topic, partition, offset: message.offset };
        const serde = this.options.serde;
        const { value } = serde.decodeCached<ChatMessage & ChatEvent>(message.value, context) ?? (await serde.decode<ChatMessage & ChatEvent>(message.value, context));
        results.push(...task.process(value as never, offset));
      } catch (error) {
        if (error instanceof PulseError && error.retriable) throw error;
        if (task.emitting) deadLetters.push({ stage: 'topology', errorCode: error instanceof PulseError ? error.code : 'UNEXPECTED', reason: messageOf(error), sourceTopic: topic, sourcePartition: partition, sourceOffset: message.offset, channel: null, raw: message.value ?? Buffer.alloc(0), occurredAtMs: Date.now() });
      }
      last = offset;
      this.stats.records++;
    }
    if (last < 0) {
      if (skipped >= 0) resolveOffset(String(skipped));
      return;
    }
    if (replay && last + 1 >= replay.until) this.restoring.delete(key);
    const checkpoint = task.checkpoint(last + 1);
    const byTopic = new Map<string, Array<{ key: string; value: Buffer }>>();
    const push = (t: string, k: string, v: Buffer) => {
      let list = byTopic.get(t);
      if (!list) byTopic.set(t, (list = []));
      list.push({ key: k, value: v });
    };
    for (const r of results) push(this.name(OUTPUT_TOPIC[r.kind]), r.key, this.encoders.get(OUTPUT_TOPIC[r.kind])!(r.value));
    for (const d of deadLetters) push(this.name('deadLetter'), '', this.encoders.get('deadLetter')!(d));
    push(checkpointTopic(this.prefix), key, Buffer.from(encodeState(checkpoint)));
    await this.commit([...byTopic].map(([t, messages]) => ({ topic: t, messages })), { topic, partition, offset: String(last + 1) });
    this.checkpoints.set(key, checkpoint);
    this.positions.set(key, last + 1);
    resolveOffset(String(last));
    this.stats.transactions++;
    this.stats.outputs += results.length;
    this.stats.deadLetters += deadLetters.length;
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
