/** The eight block heights of a sparkline, lowest first. */
export const SPARK_BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of `values`, one block character each. The scale runs from `min` (default:
 * 0, or the smallest value when one is negative) to `max` (default: the largest value), so
 * counts keep their proportions (`[5, 5]` is two full blocks); when the scale is empty (all
 * zeros) every block is the lowest.
 * A value that is not a finite number is a space. Empty input gives an empty string.
 *
 * @example sparkline([0, 4, 8]) === '▁▅█'
 */
export function sparkline(values: readonly number[], scale: { readonly min?: number; readonly max?: number } = {}): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return ' '.repeat(values.length);
  const low = scale.min ?? Math.min(0, ...finite);
  const high = scale.max ?? Math.max(...finite);
  const top = SPARK_BLOCKS.length - 1;
  return values
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (high <= low) return SPARK_BLOCKS[0];
      const level = Math.round(((Math.min(Math.max(v, low), high) - low) / (high - low)) * top);
      return SPARK_BLOCKS[level];
    })
    .join('');
}
