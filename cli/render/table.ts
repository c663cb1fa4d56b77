/** How a column lines up: text left, numbers right. */
export interface TableColumn {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

// East Asian Wide and Fullwidth blocks (Unicode UAX #11) that chat commonly carries: CJK,
// Hangul, kana, fullwidth forms. Emoji are caught by Extended_Pictographic below.
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x20000, 0x3fffd],
];
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u200b-\u200f\ufe00-\ufe0f]$/u;
// Emoji shown as emoji (not text) take two columns: those presented so by default, and any
// pictograph followed by the emoji variation selector U+FE0F.
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\ufe0f/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function isWide(codePoint: number): boolean {
  return WIDE_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/**
 * Terminal columns `text` takes: 2 for a wide character or an emoji (a whole grapheme cluster,
 * so 👍🏽 or a ZWJ family is 2), 0 for combining marks and format characters, 1 otherwise.
 *
 * @example displayWidth('日本語') === 6; displayWidth('é') === 1 (e + combining acute)
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(text)) {
    const points = [...segment].map((c) => c.codePointAt(0)!);
    if (EMOJI.test(segment)) width += 2;
    else if (points.some(isWide)) width += 2;
    else if (points.every((p) => ZERO_WIDTH.test(String.fromCodePoint(p)) || p < 0x20)) width += 0;
    else width += 1;
  }
  return width;
}

/** `text` padded with spaces to `width` display columns (never cut). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A plain-text table: a header, a rule, one line per row, columns two spaces apart and
 * aligned by display width (wide characters and emoji count as two columns). No trailing
 * spaces. Rows shorter than the header are padded with empty cells.
 *
 * @example renderTable([{ header: 'login' }, { header: 'messages', align: 'right' }], [['xqc', '12']])
 */
export function renderTable(columns: readonly TableColumn[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    columns.map((c, i) => pad(cells[i] ?? '', widths[i]!, c.align)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
