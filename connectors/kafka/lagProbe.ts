import type { Admin } from 'kafkajs';
import { ConfigError, UnavailableError, messageOf } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';

/** One row of the `consumer_lag` table: a group's position on one partition at one probe. */
export interface LagRow {
  /** Epoch seconds of the probe (the `DateTime` column). */
  readonly observed_at: number;
  readonly observed_at_ms: number;
  readonly group_id: string;
  readonly topic: string;
  readonly partition: number;
  /** -1 when the group has committed nothing on the partition. */
  readonly committed_offset: number;
  readonly end_offset: number;
  /** Records from the committed offset (or the partition's first offset) to the end. */
  readonly lag: number;
}

/** A group's committed offsets, as kafkajs' `admin.fetchOffsets` returns them. */
export interface GroupOffsets {
  readonly groupId: string;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly partitions: ReadonlyArray<{ readonly partition: number; readonly offset: string }> }>;
}

/** A topic's offsets, as kafkajs' `admin.fetchTopicOffsets` returns them (`low`, `high` = end). */
export type TopicOffsets = ReadonlyArray<{ readonly partition: number; readonly low: string; readonly high: string }>;

/**
 * The lag rows of one probe at `observedAtMs`: for every partition of every topic a group has
 * committed on, end offset minus committed offset (from the partition's first offset when the
 * group committed nothing there), never below 0. Topics missing from `ends` (deleted since the
 * commit) are skipped.
 */
export function lagRows(observedAtMs: number, groups: readonly GroupOffsets[], ends: ReadonlyMap<string, TopicOffsets>): LagRow[] {
  const rows: LagRow[] = [];
  for (const group of groups) {
    for (const { topic, partitions } of group.topics) {
      const offsets = ends.get(topic);
      if (!offsets) continue;
      for (const end of offsets) {
        const committed = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        const endOffset = Number(end.high);
        const from = committed >= 0 ? committed : Number(end.low);
        rows.push({
          observed_at: Math.floor(observedAtMs / 1000), observed_at_ms: observedAtMs, group_id: group.groupId, topic, partition: end.partition,
          committed_offset: committed >= 0 ? committed : -1, end_offset: endOffset, lag: Math.max(0, endOffset - from),
        });
      }
    }
  }
  return rows.sort((a, b) => a.group_id.localeCompare(b.group_id) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** The Kafka admin calls a probe needs (kafkajs' Admin has them). */
export type LagAdmin = Pick<Admin, 'listGroups' | 'fetchOffsets' | 'fetchTopicOffsets'>;

/**
 * Probes the lag of every consumer group (protocol `consumer`) whose id `includeGroup` accepts:
 * committed offsets per group, end offsets per topic, then {@link lagRows}.
 *
 * @throws UnavailableError when Kafka does not answer.
 */
export async function probeConsumerLag(admin: LagAdmin, observedAtMs: number, includeGroup: (groupId: string) => boolean = () => true): Promise<LagRow[]> {
  try {
    const { groups } = await admin.listGroups();
    const ids = groups.filter((g) => g.protocolType === 'consumer' && includeGroup(g.groupId)).map((g) => g.groupId).sort();
    const offsets: GroupOffsets[] = [];
    for (const groupId of ids) {
      const topics = await admin.fetchOffsets({ groupId });
      offsets.push({ groupId, topics: topics.filter((t) => t.partitions.some((p) => Number(p.offset) >= 0)) });
    }
    const ends = new Map<string, TopicOffsets>();
    for (const topic of new Set(offsets.flatMap((g) => g.topics.map((t) => t.topic)))) ends.set(topic, await admin.fetchTopicOffsets(topic));
    return lagRows(observedAtMs, offsets, ends);
  } catch (error) {
    throw new UnavailableError('kafka', `consumer lag probe failed: ${messageOf(error)}`, error);
  }
}

/** Timer functions of {@link LagProbeLoop}; tests pass virtual ones. */
export interface LagProbeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Settings of {@link LagProbeLoop}. */
export interface LagProbeLoopOptions {
  /** Pause between the end of one probe and the start of the next, milliseconds. */
  readonly everyMs: number;
  readonly probe: (observedAtMs: number) => Promise<LagRow[]>;
  readonly write: (rows: LagRow[]) => Promise<void>;
  readonly log: Logger;
  readonly clock?: LagProbeClock;
}

const REAL_CLOCK: LagProbeClock = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

/**
 * Runs the lag probe every `everyMs` (the first at once) and writes its rows. A failed probe or
 * write is logged and retried at the next turn: monitoring must not stop the sink it runs in.
 */
export class LagProbeLoop {
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Probes whose rows were written, and probes that failed. */
  readonly stats = { probes: 0, failures: 0, rows: 0 };
  private readonly clock: LagProbeClock;

  constructor(private readonly options: LagProbeLoopOptions) {
    if (!(Number.isFinite(options.everyMs) && options.everyMs >= 100)) throw new ConfigError('everyMs', `must be >= 100 ms, got ${options.everyMs}`);
    this.clock = options.clock ?? REAL_CLOCK;
  }

  /** Starts probing; the first probe runs now. */
  start(): void {
    this.stopped = false;
    this.turn();
  }

  private turn(): void {
    this.timer = null;
    this.running = this.once().finally(() => {
      this.running = null;
      if (!this.stopped) this.timer = this.clock.setTimeout(() => this.turn(), this.options.everyMs);
    });
  }

  private async once(): Promise<void> {
    try {
      const rows = await this.options.probe(this.clock.now());
      if (rows.length > 0) await this.options.write(rows);
      this.stats.probes += 1;
      this.stats.rows += rows.length;
    } catch (error) {
      this.stats.failures += 1;
      this.options.log.warn('consumer lag probe failed; retrying at the next turn', { error: messageOf(error) });
    }
  }

  /** Stops probing after the probe in flight, if any, has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
