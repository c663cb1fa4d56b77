// Helpers of the fault suite: managed pipeline processes that can be killed and restarted,
// committed reads of whole topics with offsets, and the topology's ground truth computed
// in-process from what the raw topics hold.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { REPO_ROOT } from '../../core/config.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import type { ChatEvent, ChatMessage } from '../../schemas/types.ts';
import { ChatTask, EventTask, type OutputKind } from '../../topology/tasks.ts';
import { uniqueName } from '../integration/harness.ts';

/** A pipeline process that the suite kills (SIGKILL) and restarts with the same arguments. */
export class ManagedProcess {
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> = Promise.resolve(null);
  /** Everything every run of the process wrote, stdout and stderr, for the secrets check. */
  output = '';
  kills = 0;
  starts = 0;
  /** Exits the suite did not cause (crashes), with the tail of the output. */
  readonly unexpectedExits: string[] = [];
  private killing = false;

  constructor(readonly name: string, private readonly args: readonly string[], private readonly env: NodeJS.ProcessEnv) {}

  /** Resident memory of the current run, MB (0 when it is not running). */
  rssMb(): number {
    if (!this.child?.pid) return 0;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1] ?? 0);
      return Math.round(kb / 1024);
    } catch {
      return 0;
    }
  }

  start(): void {
    const child = spawn(process.execPath, ['bin/twitch-pulse.mjs', ...this.args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
    this.starts++;
    const collect = (d: Buffer) => (this.output += d.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => {
      if (!this.killing && code !== 0) this.unexpectedExits.push(`${this.name} exited ${code ?? signal}: ${this.output.slice(-2_000)}`);
      if (!this.killing && code === 0) this.finished = true;
      resolve(code);
    }));
    this.child = child;
  }

  /** kill -9, and wait until it is gone. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.killing = true;
    this.child.kill('SIGKILL');
    await this.exit;
    this.killing = false;
    this.kills++;
  }

  /** Resolves with the exit code of the current run. */
  exited(): Promise<number | null> {
    return this.exit;
  }

  /** True once a run ended by itself with exit code 0. */
  finished = false;

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (or kill -9 after `graceMs`), for the end of a run. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.killing = true;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
    this.killing = false;
  }
}

/** One committed record with where it sits. */
export interface TopicRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly timestampMs: number;
  readonly value: Buffer | null;
}

/** Every committed record of a topic (read_committed), sorted by partition and offset; done once the topic was quiet for 3 s. */
export async function readTopic(kafka: Kafka, topic: string): Promise<TopicRecord[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('faults-reader'), readUncommitted: false, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 << 20 });
  const out: TopicRecord[] = [];
  let lastSeen = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      lastSeen = Date.now();
      for (const m of batch.messages) out.push({ partition: batch.partition, offset: Number(m.offset), key: m.key?.toString() ?? null, timestampMs: Number(m.timestamp), value: m.value ? Buffer.from(m.value) : null });
    },
  });
  while (Date.now() - lastSeen < 3_000) await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** Decodes records that decode; the rest (garbage written straight to a topic) are returned apart. */
export async function decodeAll<T>(serde: AvroSerde, records: readonly TopicRecord[]): Promise<{ decoded: Array<TopicRecord & { decoded: T }>; undecodable: TopicRecord[] }> {
  const decoded: Array<TopicRecord & { decoded: T }> = [];
  const undecodable: TopicRecord[] = [];
  for (const r of records) {
    try {
      decoded.push({ ...r, decoded: (await serde.decode<T>(r.value)).value });
    } catch {
      undecodable.push(r);
    }
  }
  return { decoded, undecodable };
}

const OUTPUT_TOPIC: Record<OutputKind, TopicId> = {
  chatRates: 'chatRates', subActivity: 'subActivity', subBursts: 'subBursts', hype: 'hype', hypeStarts: 'hypeStarts', adWindows: 'adWindows', lateRecords: 'lateRecords',
};

/**
 * What one uninterrupted run of the topology's tasks yields over the raw topics as they are:
 * each partition's records in offset order through a fresh task, as the runtime does. Values
 * are round-tripped through their Avro schemas so they compare with what readers decode.
 * @returns canonical JSON lines per derived topic id, sorted (multisets).
 */
export async function expectedDerived(
  serde: AvroSerde,
  messages: ReadonlyArray<TopicRecord & { decoded: ChatMessage }>,
  events: ReadonlyArray<TopicRecord & { decoded: ChatEvent }>,
  topicNames: { messages: string; events: string; output: (id: TopicId) => string },
): Promise<Record<string, string[]>> {
  const outputs = new Map<TopicId, object[]>();
  const run = <R>(records: ReadonlyArray<TopicRecord & { decoded: R }>, make: (partition: number) => { process(r: R, offset: number): ReadonlyArray<{ kind: OutputKind; value: object }> }) => {
    const tasks = new Map<number, ReturnType<typeof make>>();
    for (const r of records) {
      let task = tasks.get(r.partition);
      if (!task) tasks.set(r.partition, (task = make(r.partition)));
      for (const out of task.process(r.decoded, r.offset)) {
        const id = OUTPUT_TOPIC[out.kind];
        if (!outputs.has(id)) outputs.set(id, []);
        outputs.get(id)!.push(out.value);
      }
    }
  };
  run(messages, (p) => new ChatTask(topicNames.messages, p));
  run(events, (p) => new EventTask(topicNames.events, p));
  const result: Record<string, string[]> = {};
  for (const id of Object.values(OUTPUT_TOPIC)) {
    const encode = await serde.encoder(await serde.registerTopic(TOPICS[id], topicNames.output(id)));
    const values = outputs.get(id) ?? [];
    result[id] = (await Promise.all(values.map(async (v) => JSON.stringify((await serde.decode(encode(v))).value)))).sort();
  }
  return result;
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Waits until `group` has consumed `topics` to their end. On topics written in transactions a
 * partition's end may be one commit marker past the last record the group can commit, so a
 * partition counts as done at a distance of at most one, once the group's offsets have not
 * moved for `quietMs`.
 */
export async function untilSettled(kafka: Kafka, group: string, topics: readonly string[], timeoutMs = 300_000, quietMs = 8_000, watched: readonly ManagedProcess[] = []): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let sameSince = Date.now();
  try {
    for (;;) {
      let done = true;
      const positions: string[] = [];
      for (const topic of topics) {
        const high = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        for (const p of high) {
          const c = Math.max(0, Number(committed?.partitions.find((x) => x.partition === p.partition)?.offset ?? -1));
          positions.push(`${topic}:${p.partition}:${c}`);
          if (Number(p.high) - c > 1) done = false;
        }
      }
      const now = positions.join(',');
      if (now !== last) {
        last = now;
        sameSince = Date.now();
      }
      if (done && Date.now() - sameSince >= quietMs) return;
      // A process that died will not settle anything: say why now, not at the deadline.
      const exits = watched.flatMap((p) => p.unexpectedExits);
      if (exits.length > 0) throw new Error(`group ${group} cannot settle: ${exits.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`group ${group} did not settle on ${topics.join(',')} in ${timeoutMs} ms`);
      await sleep(1_000);
    }
  } finally {
    await admin.disconnect();
  }
}
