import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ConfigError, WorkerThreadError, messageOf } from '../core/errors.ts';
import { startTsWorker } from '../core/tsWorker.ts';
import { taskInputTransfer } from './taskInput.ts';
import type { TaskReply, TaskRequest, TaskTarget } from './taskRunner.ts';

/**
 * Young generation of a task thread's heap. V8's default on this machine (about 48 MB) per thread
 * added about 40 MB to the topology's peak RSS in bench/topology.ts, for no measurable speed.
 */
const YOUNG_GENERATION_MB = 16;

/** What a task thread needs to decode and encode as the runtime would. */
export interface TaskThreadSetup {
  readonly registryUrl: string;
  readonly topics: Readonly<Record<TaskTarget, string>>;
  /** Registered schema id of each encoded target. */
  readonly schemaIds: Readonly<Record<Exclude<TaskTarget, 'checkpoints'>, number>>;
}

/** A message to a task thread. */
export type TaskThreadMessage =
  | { readonly type: 'setup'; readonly setup: TaskThreadSetup }
  | { readonly type: 'run'; readonly id: number; readonly request: TaskRequest }
  | { readonly type: 'drop'; readonly id: string };

/**
 * The worker threads that run the topology's tasks, so decoding and the window operators of
 * different partitions run in parallel while the main thread fetches and commits. A task stays
 * on the thread it was first given to (tasks of one kind are spread round-robin); a thread
 * handles its batches one at a time in the order they were sent.
 */
export class TaskThreads {
  private readonly owner = new Map<string, number>();
  private readonly pending = new Map<number, { resolve: (reply: TaskReply) => void; reject: (error: Error) => void }>();
  private readonly placed = { chat: 0, events: 0 };
  private nextId = 0;
  private failure: WorkerThreadError | null = null;
  private onFailure: (error: WorkerThreadError) => void = () => undefined;
  /** Resolves with the error when a thread dies; the runtime cannot go on without its tasks. */
  readonly failed = new Promise<WorkerThreadError>((resolve) => (this.onFailure = resolve));

  private constructor(private readonly threads: Worker[]) {
    for (const thread of threads) {
      thread.on('message', (m: { id: number; reply: TaskReply }) => this.received(m));
      thread.on('error', (error) => this.fail(messageOf(error), error));
      thread.on('exit', (code) => this.fail(`exited with code ${code}`));
    }
  }

  /**
   * Starts `count` threads (by default one less than the cores: the main thread fetches and commits), resolving once each has loaded its code and
   * then has its encoders; `setup` may still be on its way (threads load meanwhile).
   */
  static async start(setup: Promise<TaskThreadSetup>, count = Math.max(1, availableParallelism() - 1)): Promise<TaskThreads> {
    if (!Number.isInteger(count) || count < 1) throw new ConfigError('threads', `must be an integer >= 1, got ${count}`);
    const threads = Array.from({ length: count }, () => startTsWorker(new URL('./taskThread.ts', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }));
    const answer = (thread: Worker) => new Promise<void>((resolve, reject) => {
      const failed = (error: Error) => reject(new WorkerThreadError('topology', `did not start: ${messageOf(error)}`, error));
      thread.once('error', failed);
      thread.once('message', () => {
        thread.off('error', failed);
        resolve();
      });
    });
    try {
      await Promise.all(threads.map(answer));
      const ready = await setup;
      await Promise.all(threads.map((thread) => {
        const answered = answer(thread);
        thread.postMessage({ type: 'setup', setup: ready } satisfies TaskThreadMessage);
        return answered;
      }));
    } catch (error) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw error;
    }
    return new TaskThreads(threads);
  }

  /** Runs one batch on the thread owning its task (placing a new task first). */
  run(request: TaskRequest): Promise<TaskReply> {
    if (this.failure) return Promise.reject(this.failure);
    let index = this.owner.get(request.id);
    if (index === undefined) {
      index = this.placed[request.kind]++ % this.threads.length;
      this.owner.set(request.id, index);
    }
    const id = this.nextId++;
    const message: TaskThreadMessage = { type: 'run', id, request };
    return new Promise<TaskReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.threads[index]!.postMessage(message, taskInputTransfer(request.input));
    });
  }

  /** Drops a task's state on its thread; its next batch must come with `create`. */
  drop(id: string): void {
    const index = this.owner.get(id);
    if (index === undefined) return;
    this.owner.delete(id);
    if (!this.failure) this.threads[index]!.postMessage({ type: 'drop', id } satisfies TaskThreadMessage);
  }

  async close(): Promise<void> {
    this.failure ??= new WorkerThreadError('topology', 'closed');
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  private received({ id, reply }: { id: number; reply: TaskReply }): void {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    waiter?.resolve(reply);
  }

  private fail(detail: string, cause?: unknown): void {
    if (this.failure) return;
    this.failure = new WorkerThreadError('topology', detail, cause);
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
    this.onFailure(this.failure);
  }
}
