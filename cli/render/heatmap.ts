/** One cell of an hour-of-week heatmap: ISO day of week (1 = Monday .. 7 = Sunday) and UTC hour. */
export interface HeatCell {
  readonly dayOfWeek: number;
  readonly hour: number;
  readonly value: number;
}

/** Shades from lightest to darkest; a cell without data is `· `. */
export const HEAT_SHADES = ['░', '▒', '▓', '█'] as const;

/** ISO day-of-week names, Monday first. */
export const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const NO_DATA = '· ';

/**
 * A 7 × 24 grid, Monday to Sunday by 00..23 UTC, two terminal columns per hour. A cell's shade
 * is its value's quarter of the largest value (`░` up to 25 %, `█` above 75 %); cells with no
 * row or a value of 0 show `· `. Each day ends with its total; a legend follows.
 *
 * @example renderHeatmap([{ dayOfWeek: 1, hour: 18, value: 2354 }], 'messages')
 */
export function renderHeatmap(cells: readonly HeatCell[], unit: string): string {
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const c of cells) {
    if (c.dayOfWeek >= 1 && c.dayOfWeek <= 7 && c.hour >= 0 && c.hour <= 23) grid[c.dayOfWeek - 1]![c.hour]! += c.value;
  }
  const max = Math.max(0, ...grid.flat());
  const shade = (v: number) => (v <= 0 || max <= 0 ? NO_DATA : HEAT_SHADES[Math.min(3, Math.ceil((v / max) * 4) - 1)]!.repeat(2));
  const header = '     ' + Array.from({ length: 8 }, (_, i) => String(i * 3).padStart(2, '0').padEnd(6)).join('').trimEnd();
  const rows = grid.map((hours, d) => `${DAY_NAMES[d]}  ${hours.map(shade).join('')}  ${hours.reduce((a, b) => a + b, 0).toLocaleString('en-US')}`);
  const legend = `     ${NO_DATA.trim()} none  ${HEAT_SHADES.map((s, i) => `${s} ≤${(i + 1) * 25}%`).join('  ')} of the busiest hour (${max.toLocaleString('en-US')} ${unit}); hours in UTC`;
  return [header, ...rows, legend].join('\n');
}
