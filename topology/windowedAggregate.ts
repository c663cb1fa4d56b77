import { NOTHING } from './operator.ts';
import { windowCloseTime, windowStartOf, type TumblingWindows } from './windows.ts';

/** A window's final aggregate, emitted once its window has closed. */
export interface ClosedWindow<A> {
  readonly key: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly aggregate: A;
}

/** A record that arrived for a window already closed. */
export interface LateVerdict {
  readonly key: string;
  readonly timestampMs: number;
  readonly streamTimeMs: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
}

/** How to build and grow one window's aggregate. */
export interface Aggregation<R, A> {
  init(key: string, windowStartMs: number): A;
  add(aggregate: A, record: R): void;
}

/** Where a window's input began, so a restart can rebuild it by re-reading from there. */
interface WindowOrigin {
  /** Input offset of the window's first record (-1 when offsets are not tracked). */
  readonly firstOffset: number;
  /** Stream time just before that record was processed. */
  readonly streamTimeBefore: number;
}

/** The earliest input position open windows depend on; see {@link WindowedAggregate.lowWatermark}. */
export interface LowWatermark {
  readonly offset: number;
  readonly streamTimeBefore: number;
}

/** What `add` returns when nothing closed and the record was on time (see {@link NOTHING}). */
const NOTHING_CLOSED = Object.freeze({ closed: NOTHING, late: null });

/**
 * Per-key event-time tumbling window aggregation with Kafka Streams' semantics: stream time is
 * the largest timestamp seen; a window's result is final and emitted once stream time reaches
 * window end + grace ("until window closes"); a record for a closed window is late, reported to
 * the caller and not added. Completion (`flush`) emits the windows still open.
 *
 * Results come out in order of window end, then key, so output is deterministic for an input.
 */
export class WindowedAggregate<R, A> {
  private readonly open = new Map<number, Map<string, A>>();
  private readonly origins = new Map<number, Map<string, WindowOrigin>>();
  private streamTime = -Infinity;
  /** Earliest close time of the open windows: until stream time reaches it, nothing can close. */
  private nextCloseMs = Infinity;

  constructor(
    readonly windows: TumblingWindows,
    private readonly aggregation: Aggregation<R, A>,
  ) {}

  /** Stream time: the largest record timestamp seen so far (-Infinity before any). */
  get streamTimeMs(): number {
    return this.streamTime;
  }

  /** Number of windows currently open (all keys). */
  get openWindows(): number {
    let n = 0;
    for (const byKey of this.open.values()) n += byKey.size;
    return n;
  }

  /**
   * Adds one record and returns the windows its timestamp closed, or a late verdict when the
   * record's own window was already closed. The result is read-only.
   */
  add(key: string, timestampMs: number, record: R, offset = -1): { readonly closed: readonly ClosedWindow<A>[]; readonly late: LateVerdict | null } {
    const { sizeMs } = this.windows;
    const start = windowStartOf(timestampMs, sizeMs);
    const before = this.streamTime;
    if (timestampMs > this.streamTime) this.streamTime = timestampMs;
    if (windowCloseTime(start, this.windows) <= this.streamTime) {
      return {
        closed: this.advance(this.streamTime),
        late: { key, timestampMs, streamTimeMs: this.streamTime, windowStartMs: start, windowEndMs: start + sizeMs },
      };
    }
    let byKey = this.open.get(start);
    if (!byKey) {
      this.open.set(start, (byKey = new Map()));
      this.nextCloseMs = Math.min(this.nextCloseMs, windowCloseTime(start, this.windows));
    }
    let aggregate = byKey.get(key);
    if (aggregate === undefined) {
      byKey.set(key, (aggregate = this.aggregation.init(key, start)));
      let origins = this.origins.get(start);
      if (!origins) this.origins.set(start, (origins = new Map()));
      origins.set(key, { firstOffset: offset, streamTimeBefore: before });
    }
    this.aggregation.add(aggregate, record);
    if (this.streamTime < this.nextCloseMs) return NOTHING_CLOSED;
    return { closed: this.advance(this.streamTime), late: null };
  }

  /** Moves stream time forward (e.g. from a punctuation) and returns the windows that closed. */
  advance(streamTimeMs: number): ClosedWindow<A>[] {
    if (streamTimeMs > this.streamTime) this.streamTime = streamTimeMs;
    if (this.streamTime < this.nextCloseMs) return [];
    let closed: ClosedWindow<A>[] | null = null;
    this.nextCloseMs = Infinity;
    for (const start of this.open.keys()) {
      const closeMs = windowCloseTime(start, this.windows);
      if (closeMs > this.streamTime) this.nextCloseMs = Math.min(this.nextCloseMs, closeMs);
      else (closed ??= []).push(...this.take(start));
    }
    if (!closed) return [];
    return closed.sort((a, b) => a.windowEndMs - b.windowEndMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Emits every open window (completion of a finite input), in window-end then key order. */
  flush(): ClosedWindow<A>[] {
    const starts = [...this.open.keys()].sort((a, b) => a - b);
    return starts.flatMap((s) => this.take(s));
  }

  /**
   * The earliest input position the open windows depend on: re-reading the input from
   * `offset`, with stream time set to `streamTimeBefore`, rebuilds exactly the open windows
   * (windows that closed meanwhile are rebuilt and close again). Null when no window is open.
   */
  lowWatermark(): LowWatermark | null {
    let low: WindowOrigin | null = null;
    for (const byKey of this.origins.values()) {
      for (const o of byKey.values()) if (low === null || o.firstOffset < low.firstOffset) low = o;
    }
    return low && { offset: low.firstOffset, streamTimeBefore: low.streamTimeBefore };
  }

  /** Sets stream time when rebuilding state after a restart (see {@link lowWatermark}). */
  restoreStreamTime(streamTimeMs: number): void {
    this.streamTime = streamTimeMs;
  }

  /** Early results of the open windows, without closing them (for live panels). */
  peek(): ClosedWindow<A>[] {
    const out: ClosedWindow<A>[] = [];
    for (const [start, byKey] of this.open) {
      for (const [key, aggregate] of byKey) out.push({ key, windowStartMs: start, windowEndMs: start + this.windows.sizeMs, aggregate });
    }
    return out;
  }

  private take(start: number): ClosedWindow<A>[] {
    const byKey = this.open.get(start)!;
    this.open.delete(start);
    this.origins.delete(start);
    const end = start + this.windows.sizeMs;
    return [...byKey.keys()].sort().map((key) => ({ key, windowStartMs: start, windowEndMs: end, aggregate: byKey.get(key)! }));
  }
}
