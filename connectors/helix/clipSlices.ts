import { ConfigError } from '../../core/errors.ts';

/**
 * Most clips one Get Clips query returns, whatever its pages: "The clips service returns a
 * maximum of 1000 clips" (Twitch API reference, Get Clips). Past it, pagination just stops.
 */
export const CLIPS_PER_QUERY_CAP = 1_000;

/**
 * Narrowest slice worth splitting: Get Clips ignores the seconds of `started_at`/`ended_at`
 * (Twitch API reference, Get Clips), so slices are whole minutes.
 */
export const MIN_SLICE_MS = 60_000;

/** A stretch of clip creation times, `[startMs, endMs)` in epoch ms, whole minutes. */
export interface TimeSlice {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Cuts `[startMs, endMs)` into slices of at most `sliceMs`, widened to whole minutes (start
 * floored, end ceiled), in time order.
 * @throws ConfigError when the range is empty or `sliceMs` is not a positive number of minutes.
 * @example
 * planSlices(Date.parse('2024-05-06T00:00:00Z'), Date.parse('2024-05-08T00:00:00Z'), 86_400_000) // two one-day slices
 */
export function planSlices(startMs: number, endMs: number, sliceMs: number): TimeSlice[] {
  if (!(sliceMs >= MIN_SLICE_MS && sliceMs % MIN_SLICE_MS === 0)) throw new ConfigError('slice', `must be a whole number of minutes >= 1 min, got ${sliceMs} ms`);
  const from = Math.floor(startMs / MIN_SLICE_MS) * MIN_SLICE_MS;
  const to = Math.ceil(endMs / MIN_SLICE_MS) * MIN_SLICE_MS;
  if (!(Number.isFinite(from) && Number.isFinite(to) && to > from)) throw new ConfigError('since', `must be before until, got ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()}`);
  const out: TimeSlice[] = [];
  for (let s = from; s < to; s += sliceMs) out.push({ startMs: s, endMs: Math.min(to, s + sliceMs) });
  return out;
}

/**
 * The two halves of a slice, split at a whole minute; null for a one-minute slice, which
 * cannot be split further.
 * @example
 * splitSlice({ startMs: 0, endMs: 180_000 }) // → [{ 0, 60_000 }, { 60_000, 180_000 }]
 */
export function splitSlice(slice: TimeSlice): [TimeSlice, TimeSlice] | null {
  const minutes = (slice.endMs - slice.startMs) / MIN_SLICE_MS;
  if (minutes < 2) return null;
  const midMs = slice.startMs + Math.floor(minutes / 2) * MIN_SLICE_MS;
  return [{ startMs: slice.startMs, endMs: midMs }, { startMs: midMs, endMs: slice.endMs }];
}

/** Counters of one {@link walkSlices}. */
export interface SliceWalkStats {
  /** Slices queried, the split ones included. */
  slices: number;
  /** Slices that hit the cap and were queried again as two halves. */
  splits: number;
  /** One-minute slices that still hit the cap: their clips past the cap are out of reach. */
  truncated: number;
}

/** Settings of {@link walkSlices}. */
export interface SliceWalkOptions {
  /** Results at which a query counts as capped; default {@link CLIPS_PER_QUERY_CAP}. */
  readonly cap?: number;
  /** Slices queried at once; default 4. */
  readonly concurrency?: number;
  /** Called for a one-minute slice that hit the cap. */
  readonly onTruncated?: (slice: TimeSlice) => void;
}

/**
 * Queries every slice with `fetch` and returns what all of them found. A slice whose answer
 * holds `cap` results or more may have lost some to the cap, so its answer is dropped and its
 * two halves are queried instead, down to one minute; a one-minute slice at the cap is kept as
 * it is and counted as truncated.
 * @throws whatever `fetch` throws (the first failure; slices in flight finish first).
 */
export async function walkSlices<T>(
  slices: readonly TimeSlice[],
  fetch: (slice: TimeSlice) => Promise<readonly T[]>,
  options: SliceWalkOptions = {},
): Promise<{ items: T[]; stats: SliceWalkStats }> {
  const cap = options.cap ?? CLIPS_PER_QUERY_CAP;
  const concurrency = options.concurrency ?? 4;
  if (!(cap >= 1)) throw new ConfigError('cap', `must be >= 1, got ${cap}`);
  if (!(concurrency >= 1)) throw new ConfigError('concurrency', `must be >= 1, got ${concurrency}`);
  const stats: SliceWalkStats = { slices: 0, splits: 0, truncated: 0 };
  const queue = [...slices];
  const found: Array<{ slice: TimeSlice; items: readonly T[] }> = [];
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (queue.length > 0 && !failure) {
      const slice = queue.shift()!;
      stats.slices++;
      let items: readonly T[];
      try {
        items = await fetch(slice);
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (items.length >= cap) {
        const halves = splitSlice(slice);
        if (halves) {
          stats.splits++;
          queue.unshift(...halves);
          // A worker that found the queue empty has ended; the halves need one.
          if (active < concurrency) workers.push(run());
          continue;
        }
        stats.truncated++;
        options.onTruncated?.(slice);
      }
      found.push({ slice, items });
    }
  };
  let active = 0;
  const run = async (): Promise<void> => {
    active++;
    try {
      await worker();
    } finally {
      active--;
    }
  };
  const workers: Array<Promise<void>> = [];
  for (let i = 0; i < Math.min(concurrency, queue.length); i++) workers.push(run());
  for (let i = 0; i < workers.length; i++) await workers[i];
  if (failure) throw failure.error;
  found.sort((a, b) => a.slice.startMs - b.slice.startMs);
  return { items: found.flatMap((f) => f.items), stats };
}
