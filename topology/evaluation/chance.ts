import { ConfigError } from '../../core/errors.ts';
import type { Interval, IntervalSet } from './intervals.ts';

/**
 * How many of a channel's windows would overlap a highlight by chance: each window, with its own
 * duration, is placed at a start drawn uniformly from the channel's chat span
 * `[firstMs, lastMs]` (it may run past `lastMs`, as real windows can), and tested against
 * `highlights`; this is repeated `draws` times.
 *
 * Windows are placed in the order given, one number of `random` each, draw after draw, so the
 * same seed and input give the same figure.
 *
 * @param durationsMs each window's length, ms (>= 0).
 * @param span the channel's first and last message time, epoch ms.
 * @param highlights the channel's labels as matched (extended by the lag).
 * @param random uniform numbers in [0, 1), e.g. {@link seededUniform}.
 * @returns the mean number of windows overlapping a highlight per draw (0..durationsMs.length).
 * @throws ConfigError when `draws` is not an integer >= 1.
 * @example
 * // one 0 ms window in a 100 s span, a highlight over its first 30 s: about 0.3
 * chanceOverlapping([0], [0, 100_000], new IntervalSet([[0, 30_000]]), seededUniform(1), 10_000)
 */
export function chanceOverlapping(durationsMs: readonly number[], span: Interval, highlights: IntervalSet, random: () => number, draws: number): number {
  if (!(Number.isInteger(draws) && draws >= 1)) throw new ConfigError('draws', `must be an integer >= 1, got ${draws}`);
  const [firstMs, lastMs] = span;
  let overlapping = 0;
  for (let d = 0; d < draws; d++) {
    for (const durationMs of durationsMs) {
      const startMs = firstMs + random() * (lastMs - firstMs);
      if (highlights.overlapsAny([startMs, startMs + durationMs])) overlapping++;
    }
  }
  return overlapping / draws;
}
