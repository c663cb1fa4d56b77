import { ConfigError } from '../../core/errors.ts';
import type { ClipMomentFrom } from '../../schemas/types.ts';

/** What a clip's moment is placed from: Helix's clip fields and, when known, its VOD's start. */
export interface ClipTiming {
  /** When the clip was made (`created_at`), epoch ms. */
  readonly createdAtMs: number;
  /** Length of the clip (`duration`), seconds. */
  readonly durationSeconds: number;
  /** Where the clip starts in its VOD (`vod_offset`), seconds; null when Helix has none. */
  readonly vodOffsetSeconds: number | null;
}

/** The stretch of a broadcast one clip shows, `[startMs, endMs]` in epoch ms. */
export interface ClipMoment {
  readonly startMs: number;
  readonly endMs: number;
  readonly from: ClipMomentFrom;
}

/**
 * The moment a clip shows. On its VOD when both the offset and the VOD's start are known:
 * `[vodCreatedAtMs + vod_offset, + duration]`. Otherwise (no `vod_offset`, the VOD deleted or
 * never saved) it ends when the clip was made and lasts its duration: a viewer clips what just
 * happened (Create Clip takes about 85 s before the call and 5 s after,
 * https://dev.twitch.tv/docs/api/clips/), so this is off by a few seconds.
 *
 * @param vodCreatedAtMs the VOD's `created_at` from Get Videos; undefined when unknown.
 * @example
 * clipMoment({ createdAtMs: 10_000_000, durationSeconds: 30, vodOffsetSeconds: 60 }, 1_000_000)
 * // → { startMs: 1_060_000, endMs: 1_090_000, from: 'vod' }
 */
export function clipMoment(clip: ClipTiming, vodCreatedAtMs: number | undefined): ClipMoment {
  const durationMs = Math.round(clip.durationSeconds * 1000);
  if (clip.vodOffsetSeconds !== null && vodCreatedAtMs !== undefined) {
    const startMs = vodCreatedAtMs + clip.vodOffsetSeconds * 1000;
    return { startMs, endMs: startMs + durationMs, from: 'vod' };
  }
  return { startMs: clip.createdAtMs - durationMs, endMs: clip.createdAtMs, from: 'created_at' };
}

/** One clip's moment with what the merge adds up. */
export interface ViewedMoment {
  readonly startMs: number;
  readonly endMs: number;
  readonly views: number;
  readonly title: string;
}

/** Moments of one channel that overlap, merged: the span they cover together. */
export interface MergedMoment {
  readonly startMs: number;
  readonly endMs: number;
  /** Views of all its clips. */
  readonly views: number;
  /** Clips merged into it. */
  readonly clips: number;
  /** Title of its most viewed clip (the earliest of equals). */
  readonly title: string;
}

/**
 * Merges the overlapping moments of one channel, sorted by start. Moments are closed
 * intervals, so two that touch (`b.startMs === a.endMs`) are one moment: viewers clipped the
 * same event twice. Views are summed and clips counted.
 *
 * @example
 * mergeMoments([{ startMs: 0, endMs: 30, views: 5, title: 'a' }, { startMs: 20, endMs: 40, views: 7, title: 'b' }])
 * // → [{ startMs: 0, endMs: 40, views: 12, clips: 2, title: 'b' }]
 */
export function mergeMoments(moments: readonly ViewedMoment[]): MergedMoment[] {
  const sorted = [...moments].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const out: MergedMoment[] = [];
  let open: { startMs: number; endMs: number; views: number; clips: number; title: string; topViews: number } | null = null;
  for (const m of sorted) {
    if (open && m.startMs <= open.endMs) {
      open.endMs = Math.max(open.endMs, m.endMs);
      open.views += m.views;
      open.clips++;
      if (m.views > open.topViews) {
        open.topViews = m.views;
        open.title = m.title;
      }
      continue;
    }
    if (open) out.push(closed(open));
    open = { startMs: m.startMs, endMs: m.endMs, views: m.views, clips: 1, title: m.title, topViews: m.views };
  }
  if (open) out.push(closed(open));
  return out;
}

function closed(m: { startMs: number; endMs: number; views: number; clips: number; title: string }): MergedMoment {
  return { startMs: m.startMs, endMs: m.endMs, views: m.views, clips: m.clips, title: m.title };
}

/**
 * One channel's entry of a labels file, as `twitch-pulse evaluate --labels FILE` reads it:
 * `highlights` are the merged moments with at least `minViews` views as `[startMs, endMs]`
 * (epoch ms, sorted by start), and `moments[i]` describes `highlights[i]`.
 */
export interface ClipLabels {
  readonly channel: string;
  readonly highlights: Array<[number, number]>;
  readonly moments: MergedMoment[];
}

/**
 * The labels of one channel: its merged moments with at least `minViews` views.
 * @throws ConfigError when `minViews` is negative or not a whole number.
 * @example
 * clipLabels('xqc', mergeMoments(moments), 100)
 */
export function clipLabels(channel: string, merged: readonly MergedMoment[], minViews = 0): ClipLabels {
  if (!(Number.isInteger(minViews) && minViews >= 0)) throw new ConfigError('min-views', `must be a whole number >= 0, got ${minViews}`);
  const kept = merged.filter((m) => m.views >= minViews).sort((a, b) => a.startMs - b.startMs);
  return { channel, highlights: kept.map((m) => [m.startMs, m.endMs]), moments: kept };
}

/** A labels file's text: a JSON array of {@link ClipLabels}, one entry per line, newline-terminated. */
export function formatClipLabels(labels: readonly ClipLabels[]): string {
  return `[\n${labels.map((l) => JSON.stringify(l)).join(',\n')}\n]\n`;
}
