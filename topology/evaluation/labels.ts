import { InputFormatError } from '../../core/errors.ts';

/** One human-labelled highlight of a channel: `[startMs, endMs]`, epoch ms, both ends included. */
export interface Label {
  /** Login, lower case, without a leading `#`. */
  readonly channel: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The channel login as labels and records are matched: lower case, without IRC's leading `#`.
 *
 * @example channelKey('#XQC') === 'xqc'
 */
export function channelKey(login: string): string {
  return login.trim().replace(/^#/, '').toLowerCase();
}

/**
 * Parses a labels file, its format detected from the content: JSON when the first non-blank
 * character is `[` or `{`, CSV otherwise.
 *
 * - CSV: `channel,start,end` per line, an optional header line of exactly those names, blank
 *   lines skipped, further columns ignored, fields may be double-quoted. `start` and `end` are
 *   epoch ms (digits only) or ISO-8601 date-times with `Z` or an offset (`2026-12-07T18:00:00Z`);
 *   a time without a zone is refused rather than read in the machine's local zone.
 * - JSON: `[{"channel": "<login>", "highlights": [[startMs, endMs], …]}, …]`; other fields (the
 *   `moments` of a `helix clips --out` file) are ignored.
 *
 * Every label needs a login and `start <= end`, both from 2001 on (an earlier epoch ms is
 * taken for epoch seconds, and refused).
 *
 * @param file the path, for error messages only.
 * @throws InputFormatError naming `file` and the line (CSV, from 1) or entry (JSON, from 1).
 * @example parseLabels('xqc,1700000000000,1700000030000', 'labels.csv')
 *   // [{ channel: 'xqc', startMs: 1700000000000, endMs: 1700000030000 }]
 */
export function parseLabels(text: string, file: string): Label[] {
  const first = /\S/.exec(text)?.[0];
  return first === '[' || first === '{' ? parseJsonLabels(text, file) : parseCsvLabels(text, file);
}

function parseJsonLabels(text: string, file: string): Label[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputFormatError(file, null, `is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(doc)) throw new InputFormatError(file, null, 'must be a JSON array of {"channel": …, "highlights": [[startMs, endMs], …]}');
  const labels: Label[] = [];
  doc.forEach((entry: unknown, i) => {
    const where = `entry ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new InputFormatError(file, where, 'must be an object with "channel" and "highlights"');
    const { channel, highlights } = entry as { channel?: unknown; highlights?: unknown };
    if (typeof channel !== 'string' || channelKey(channel) === '') throw new InputFormatError(file, where, '"channel" must be a non-empty login');
    if (!Array.isArray(highlights)) throw new InputFormatError(file, where, '"highlights" must be an array of [startMs, endMs]');
    highlights.forEach((pair: unknown, j) => {
      const at = `${where} (${channel}), highlights[${j}]`;
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((t) => typeof t === 'number' && Number.isFinite(t))) {
        throw new InputFormatError(file, at, `must be [startMs, endMs] in epoch ms, got ${JSON.stringify(pair)}`);
      }
      labels.push(label(file, at, channel, pair[0] as number, pair[1] as number));
    });
  });
  return labels;
}

function parseCsvLabels(text: string, file: string): Label[] {
  const labels: Label[] = [];
  let seenRow = false;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    const fields = line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1').trim());
    const isFirst = !seenRow;
    seenRow = true;
    if (isFirst && fields.slice(0, 3).map((f) => f.toLowerCase()).join(',') === 'channel,start,end') return;
    if (fields.length < 3) throw new InputFormatError(file, where, `must be channel,start,end, got ${JSON.stringify(line)}`);
    const [channel, start, end] = fields as [string, string, string];
    if (channelKey(channel) === '') throw new InputFormatError(file, where, 'channel must be a non-empty login');
    labels.push(label(file, where, channel, timeOf(start, file, where, 'start'), timeOf(end, file, where, 'end')));
  });
  return labels;
}

function timeOf(text: string, file: string, where: string, field: 'start' | 'end'): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) throw new InputFormatError(file, where, `${field} must be epoch ms or an ISO-8601 time, got ${JSON.stringify(text)}`);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) throw new InputFormatError(file, where, `${field} needs a time zone (Z or +hh:mm), got ${JSON.stringify(text)}`);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InputFormatError(file, where, `${field} is not a valid time, got ${JSON.stringify(text)}`);
  return ms;
}

/**
 * Labels before this are refused: 2001-09-09T01:46:40Z, ten years before Twitch. A smaller
 * number is almost surely epoch seconds, which read as ms would land in January 1970 and
 * silently match nothing.
 */
const EARLIEST_MS = 1_000_000_000_000;

function label(file: string, where: string, channel: string, startMs: number, endMs: number): Label {
  for (const [field, ms] of [['start', startMs], ['end', endMs]] as const) {
    if (ms < EARLIEST_MS) throw new InputFormatError(file, where, `${field} ${ms} is before 2001: times are epoch ms (is it in seconds?)`);
  }
  if (startMs > endMs) throw new InputFormatError(file, where, `start (${startMs}) must be <= end (${endMs})`);
  return { channel: channelKey(channel), startMs, endMs };
}
