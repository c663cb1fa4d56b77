/**
 * A closed span of event time `[startMs, endMs]`, epoch ms: both ends belong to it, so two
 * intervals that only touch overlap.
 */
export type Interval = readonly [startMs: number, endMs: number];

/**
 * A set of closed intervals answering "does this interval overlap any of them?" in O(log n):
 * the intervals are merged into disjoint runs once, sorted by start. Built once per channel for
 * the labels (or the hypes) and asked for every detection (or label, or random placement).
 *
 * @example new IntervalSet([[0, 10], [5, 20], [40, 50]]).overlapsAny([21, 39]) === false
 */
export class IntervalSet {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(intervals: Iterable<Interval>) {
    const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
    for (const [start, end] of sorted) {
      const last = this.ends.length - 1;
      if (last >= 0 && start <= this.ends[last]!) this.ends[last] = Math.max(this.ends[last]!, end);
      else {
        this.starts.push(start);
        this.ends.push(end);
      }
    }
  }

  /** Whether `[startMs, endMs]` overlaps (or touches) any interval of the set. */
  overlapsAny([startMs, endMs]: Interval): boolean {
    // The first run that does not end before startMs is the only candidate: runs are disjoint
    // and sorted, so every later run starts after it.
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! < startMs) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.starts.length && this.starts[lo]! <= endMs;
  }
}
