import { ConfigError } from '../core/errors.ts';

/**
 * Event-time tumbling windows in Kafka Streams' terms: windows `[start, start + size)` aligned
 * to the epoch; a window closes once stream time reaches `end + grace`, and a record for a
 * closed window is late.
 */
export interface TumblingWindows {
  readonly sizeMs: number;
  readonly graceMs: number;
}

/** Largest window size accepted: one day. */
export const MAX_WINDOW_SIZE_MS = 86_400_000;

/**
 * Builds a validated, immutable window spec.
 * @throws ConfigError naming the field and its bound, e.g. "grace must be >= 0 ms, got -5".
 * @example tumblingWindows({ sizeMs: 10_000, graceMs: 5_000 })
 */
export function tumblingWindows(spec: { sizeMs: number; graceMs?: number }): TumblingWindows {
  const graceMs = spec.graceMs ?? 0;
  if (!Number.isInteger(spec.sizeMs) || spec.sizeMs < 1 || spec.sizeMs > MAX_WINDOW_SIZE_MS) {
    throw new ConfigError('size', `must be a whole number of ms in 1..${MAX_WINDOW_SIZE_MS}, got ${spec.sizeMs}`);
  }
  if (!Number.isInteger(graceMs) || graceMs < 0) throw new ConfigError('grace', `must be >= 0 ms, got ${graceMs}`);
  return Object.freeze({ sizeMs: spec.sizeMs, graceMs });
}

/** Start of the window holding `timestampMs`: the epoch-aligned multiple of `sizeMs` at or before it. */
export function windowStartOf(timestampMs: number, sizeMs: number): number {
  return timestampMs - (((timestampMs % sizeMs) + sizeMs) % sizeMs);
}

/** Stream time at which the window starting at `windowStartMs` closes (end + grace). */
export function windowCloseTime(windowStartMs: number, windows: TumblingWindows): number {
  return windowStartMs + windows.sizeMs + windows.graceMs;
}

/**
 * Whether a record of `timestampMs` is late at `streamTimeMs`: its window has closed, as in
 * Kafka Streams (`windowEnd + grace <= streamTime`).
 */
export function isLate(timestampMs: number, streamTimeMs: number, windows: TumblingWindows): boolean {
  return windowCloseTime(windowStartOf(timestampMs, windows.sizeMs), windows) <= streamTimeMs;
}

/** Parses a duration such as `60s`, `10s`, `1m`, `500ms` or a bare number of ms. */
export function parseDurationMs(text: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new ConfigError(field, `must be a duration like 500ms, 10s, 1m or 1h, got ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}
