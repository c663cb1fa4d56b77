import { encodeState } from './stateCodec.ts';
import type { TaskCheckpoint } from './tasks.ts';

/** A task as the commit buffer sees it: something that can checkpoint itself. */
export interface Checkpointing {
  checkpoint(position: number): TaskCheckpoint;
}

/** Everything one transaction writes: results, checkpoints and input offsets. */
export interface CommitWork {
  /** Results and dead letters, by topic, in processing order. */
  readonly topicMessages: Array<{ topic: string; messages: Array<{ key: string; value: Buffer }> }>;
  /** One checkpoint per task that moved, keyed by task. */
  readonly checkpoints: { topic: string; messages: Array<{ key: string; value: Buffer }> };
  readonly offsets: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
  /** Results (not counting checkpoints and dead letters) and dead letters in it. */
  readonly outputs: number;
  readonly deadLetters: number;
}

/**
 * The work processed since the last commit began (Kafka Streams commits every
 * `commit.interval.ms`, not per fetched batch): encoded results in processing order, and for
 * every task that moved, its latest input position. {@link take} snapshots the tasks'
 * checkpoints at that moment, so a commit holds results, checkpoints and offsets that agree.
 */
export class PendingCommit {
  private outputs = new Map<string, Array<{ key: string; value: Buffer }>>();
  private tasks = new Map<string, { task: Checkpointing; topic: string; partition: number; position: number }>();
  private outputCount = 0;
  private deadLetterCount = 0;
  /** Input records processed since the last {@link take}. */
  records = 0;

  /** Nothing to commit. */
  get empty(): boolean {
    return this.tasks.size === 0;
  }

  /** Adds one encoded result (or dead letter, with `deadLetter`) for `topic`. */
  add(topic: string, key: string, value: Buffer, deadLetter = false): void {
    let list = this.outputs.get(topic);
    if (!list) this.outputs.set(topic, (list = []));
    list.push({ key, value });
    if (deadLetter) this.deadLetterCount++;
    else this.outputCount++;
  }

  /** Records that `task` (input `topic`/`partition`) has processed everything before `position`. */
  advance(key: string, task: Checkpointing, topic: string, partition: number, position: number, records: number): void {
    this.tasks.set(key, { task, topic, partition, position });
    this.records += records;
  }

  /**
   * Takes everything buffered, with each moved task's checkpoint encoded now (the tasks keep
   * changing after this call), under its key in `checkpointTopic`; null when nothing moved.
   */
  take(checkpointTopic: string): CommitWork | null {
    if (this.empty) return null;
    const checkpoints = [...this.tasks].map(([key, t]) => ({ key, value: Buffer.from(encodeState(t.task.checkpoint(t.position))) }));
    const offsets = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const t of this.tasks.values()) {
      let list = offsets.get(t.topic);
      if (!list) offsets.set(t.topic, (list = []));
      list.push({ partition: t.partition, offset: String(t.position) });
    }
    const work: CommitWork = {
      topicMessages: [...this.outputs].map(([topic, messages]) => ({ topic, messages })),
      checkpoints: { topic: checkpointTopic, messages: checkpoints },
      offsets: [...offsets].map(([topic, partitions]) => ({ topic, partitions })),
      outputs: this.outputCount,
      deadLetters: this.deadLetterCount,
    };
    this.clear();
    return work;
  }

  /** Drops everything buffered (its commit can no longer happen; the tasks are rebuilt). */
  clear(): void {
    this.outputs = new Map();
    this.tasks = new Map();
    this.outputCount = 0;
    this.deadLetterCount = 0;
    this.records = 0;
  }
}
