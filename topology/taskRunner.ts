import { RecordChunkBuilder, type RecordChunk } from '../connectors/twitch/lineChunk.ts';
import { PulseError, messageOf, type ErrorContext } from '../core/errors.ts';
import type { Decoded } from '../schemas/serde.ts';
import type { DeadLetter } from '../schemas/types.ts';
import { checkpointRecords } from './checkpointRecords.ts';
import { TaskInputValues, type TaskInput } from './taskInput.ts';
import { ChatTask, EventTask, type OutputKind, type TaskCheckpoint, type TaskWindows } from './tasks.ts';

/** Where a task's records go: every output kind, dead letters and checkpoints. */
export type TaskTarget = OutputKind | 'deadLetter' | 'checkpoints';

/**
 * Decodes the input (an {@link AvroSerde} is one): `decodeCachedAt` reads a payload in place and
 * answers undefined until its schema is known; `decode` looks the schema up.
 */
export interface TaskDecoder {
  decodeCachedAt(bytes: Buffer, start: number, length: number, context?: ErrorContext): Decoded | undefined;
  decode(payload: Buffer | null, context?: ErrorContext): Promise<Decoded>;
}

/** One fetched batch of one task (input partition). */
export interface TaskRequest {
  /** The task's id on its thread (one instance may run a partition's task more than once over time). */
  readonly id: string;
  /** `<topic>:<partition>`: the key of the task's checkpoint. */
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly kind: 'chat' | 'events';
  /** Set when the task must be (re)built first, restored from the checkpoint when there is one. */
  readonly create?: { readonly windows: TaskWindows; readonly checkpoint: TaskCheckpoint | null };
  /** Records before this offset only rebuild windows after a restart; results start here. */
  readonly emitFromOffset: number;
  readonly input: TaskInput;
}

/** What a batch produced, encoded and ready for its transaction. */
export interface TaskReply {
  /** Results, dead letters and, last, the task's checkpoint records (see {@link checkpointRecords}). */
  readonly records: RecordChunk;
  /** Offset of the last record processed; -1 when the batch had none. */
  readonly lastOffset: number;
  readonly processed: number;
  readonly outputs: number;
  readonly deadLetters: number;
  /** Set when the batch failed; the task was dropped and must be rebuilt from its checkpoint. */
  readonly error?: { readonly message: string; readonly code: string; readonly retriable: boolean };
}

/** Topic names in the order a reply's `records.topics` indexes them. */
export function taskTopicList(topics: Readonly<Record<TaskTarget, string>>): string[] {
  return [...new Set(Object.values(topics))];
}

/**
 * Runs the tasks one thread owns: decodes each batch, feeds its task, and encodes what comes out
 * together with the task's new checkpoint. A record that cannot be decoded or processed becomes a
 * dead letter (while the task emits); a retriable failure (the registry unreachable) fails the
 * whole batch and drops the task, since its state may then be ahead of what was committed.
 */
export class TaskRunner {
  private readonly tasks = new Map<string, ChatTask | EventTask>();
  private readonly topicList: string[];

  /** @param decoders by kind of task: chat tasks need only a few fields of each message. */
  constructor(
    private readonly decoders: Readonly<Record<TaskRequest['kind'], TaskDecoder>>,
    private readonly topics: Readonly<Record<TaskTarget, string>>,
    private readonly encoders: Readonly<Record<Exclude<TaskTarget, 'checkpoints'>, (value: unknown) => Buffer>>,
  ) {
    this.topicList = taskTopicList(topics);
  }

  /** Tasks this runner holds. */
  get size(): number {
    return this.tasks.size;
  }

  /** Forgets a task (partition revoked, or its batch's transaction failed). */
  drop(id: string): void {
    this.tasks.delete(id);
  }

  async run(request: TaskRequest): Promise<TaskReply> {
    const out = new RecordChunkBuilder(this.topicList);
    const counts = { processed: 0, outputs: 0, deadLetters: 0 };
    let lastOffset = -1;
    try {
      const task = this.taskFor(request);
      const values = new TaskInputValues(request.input);
      for (let i = 0; i < values.length; i++) {
        const offset = request.input.offsets[i]!;
        task.emitting = offset >= request.emitFromOffset;
        const pending = this.process(task, request, offset, values, i, out, counts);
        if (pending) await pending;
        lastOffset = offset;
        counts.processed++;
      }
      if (lastOffset >= 0) {
        for (const r of checkpointRecords(request.key, task.checkpoint(lastOffset + 1), task.takeSnapshotsChanged())) out.enqueue(this.topics.checkpoints, r.key, r.value);
      }
    } catch (error) {
      this.tasks.delete(request.id);
      const code = error instanceof PulseError ? error.code : 'UNEXPECTED';
      const retriable = error instanceof PulseError ? error.retriable : false;
      return { records: new RecordChunkBuilder(this.topicList).take(0), lastOffset: -1, processed: 0, outputs: 0, deadLetters: 0, error: { message: messageOf(error), code, retriable } };
    }
    return { records: out.take(0), lastOffset, ...counts };
  }

  private taskFor(request: TaskRequest): ChatTask | EventTask {
    const { id, topic, partition, kind, create } = request;
    if (create) {
      const task = kind === 'chat' ? new ChatTask(topic, partition, create.windows) : new EventTask(topic, partition, create.windows);
      if (create.checkpoint) task.restore(create.checkpoint);
      this.tasks.set(id, task);
    }
    const task = this.tasks.get(id);
    if (!task) throw new PulseError(`task ${id} is not on this thread`, { code: 'TOPOLOGY_TASK_MISSING' });
    return task;
  }

  // Synchronous while the input's schema is cached, which is every record but the first of a new
  // schema id: an async call per record cost a promise each on the hottest path. The payload is
  // read where it lies (a view per record cost about a tenth of decoding); the error context is
  // only built for the registry lookup; a dead letter carries its own position.
  private process(task: ChatTask | EventTask, request: TaskRequest, offset: number, values: TaskInputValues, i: number, out: RecordChunkBuilder, counts: { outputs: number; deadLetters: number }): Promise<void> | undefined {
    const decoder = this.decoders[request.kind];
    const length = values.lengthAt(i);
    try {
      const decoded = length < 0 ? undefined : decoder.decodeCachedAt(values.bytes, values.startAt(i), length);
      if (!decoded) return this.processAfterLookup(decoder, task, request, offset, values.at(i), out, counts);
      this.emit(task, decoded.value, offset, out, counts);
    } catch (error) {
      this.reject(error, task, request, offset, values.at(i), out, counts);
    }
    return undefined;
  }

  private async processAfterLookup(decoder: TaskDecoder, task: ChatTask | EventTask, request: TaskRequest, offset: number, raw: Buffer | null, out: RecordChunkBuilder, counts: { outputs: number; deadLetters: number }): Promise<void> {
    try {
      const { value } = await decoder.decode(raw, { topic: request.topic, partition: request.partition, offset: String(offset) });
      this.emit(task, value, offset, out, counts);
    } catch (error) {
      this.reject(error, task, request, offset, raw, out, counts);
    }
  }

  private emit(task: ChatTask | EventTask, value: unknown, offset: number, out: RecordChunkBuilder, counts: { outputs: number }): void {
    for (const r of task.process(value as never, offset)) {
      out.enqueue(this.topics[r.kind], r.key, this.encoders[r.kind](r.value));
      counts.outputs++;
    }
  }

  /** A record that could not be decoded or processed: a dead letter while the task emits; a retriable error fails the batch. */
  private reject(error: unknown, task: ChatTask | EventTask, request: TaskRequest, offset: number, raw: Buffer | null, out: RecordChunkBuilder, counts: { deadLetters: number }): void {
    if (error instanceof PulseError && error.retriable) throw error;
    if (!task.emitting) return;
    const letter: DeadLetter = {
      stage: 'topology', errorCode: error instanceof PulseError ? error.code : 'UNEXPECTED', reason: messageOf(error),
      sourceTopic: request.topic, sourcePartition: request.partition, sourceOffset: String(offset), channel: null, raw: raw ?? Buffer.alloc(0), occurredAtMs: Date.now(),
    };
    out.enqueue(this.topics.deadLetter, '', this.encoders.deadLetter(letter));
    counts.deadLetters++;
  }
}
