import { ConfigError } from '../../core/errors.ts';
import type { AdWindow } from '../adWindows.ts';
import type { Hype } from '../hype.ts';
import { chanceOverlapping } from './chance.ts';
import { IntervalSet, type Interval } from './intervals.ts';
import { channelKey, type Label } from './labels.ts';
import { seededUniform, streamSeed } from './random.ts';

/** The K of precision at K that are reported. */
export const PRECISION_AT = [1, 3, 5, 10] as const;

/** A hype counts at K when it begins at most this long before a highlight (or inside it), ms. */
export const BEGINS_BEFORE_MS = 10_000;

/** What the evaluation reads of a hype record. */
export type ScoredHype = Pick<Hype, 'channel' | 'beginMs' | 'endMs' | 'intensity' | 'alert'>;

/** What the evaluation reads of an ad-window record (updates of one `startMs`: last one wins). */
export type ScoredAdWindow = Pick<AdWindow, 'channel' | 'startMs' | 'endMs' | 'cancelledAtMs'>;

/** Input of {@link evaluateDetectors}. Channel logins are matched case-insensitively. */
export interface EvaluationInput {
  readonly hypes: readonly ScoredHype[];
  readonly adWindows: readonly ScoredAdWindow[];
  /** Each channel's chat span: first and last message event time, epoch ms. */
  readonly spans: ReadonlyMap<string, Interval> | Readonly<Record<string, Interval>>;
  readonly labels: readonly Label[];
  /** How far a highlight is extended past its end for matching, ms (>= 0). */
  readonly lagMs: number;
  /** Seed of the chance baseline's random placements (1 by default). */
  readonly seed?: number;
  /** Random placements averaged for the chance baseline (200 by default). */
  readonly draws?: number;
}

/**
 * The scores of one channel, or of all channels pooled. Ratios are null where undefined (a
 * count over zero: no hypes, no labels, no chat span).
 */
export interface DetectorScores {
  hypes: number;
  labels: number;
  /** Share of hypes overlapping a highlight extended by the lag. */
  precision: number | null;
  /** Share of highlights overlapped by a hype, same rule. */
  recall: number | null;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number | null;
  hypesPerHour: number | null;
  /** Sum of hype durations over the chat span. */
  timeInHype: number | null;
  alerts: number;
  alertsPerHour: number | null;
  /** Share of alerting hypes overlapping a highlight extended by the lag. */
  alertPrecision: number | null;
  /** Of the K most intense hypes of each channel, the share beginning in `[start − 10 s, end]` of a highlight. */
  precisionAtK: Record<'1' | '3' | '5' | '10', number | null>;
  adWindows: number;
  adWindowsPerHour: number | null;
  /** Share of ad windows overlapping a highlight extended by the lag. */
  adOnHighlight: number | null;
  /** The same share for the same windows placed at random in the chat span, averaged over the draws. */
  adOnHighlightChance: number | null;
  /** Chat span in hours. */
  hours: number;
}

/** {@link DetectorScores} pooled over all channels, and each channel's own, by login. */
export interface Evaluation extends DetectorScores {
  channels: Record<string, DetectorScores>;
}

interface Counts {
  hypes: number;
  hypesMatched: number;
  labels: number;
  labelsMatched: number;
  hypeMs: number;
  spanMs: number;
  alerts: number;
  alertsMatched: number;
  atK: Array<{ hits: number; taken: number }>;
  adWindows: number;
  adsMatched: number;
  chanceMatched: number;
  chancePlaced: number;
}

interface ChannelInput {
  span: Interval | null;
  hypes: ScoredHype[];
  ads: Map<number, ScoredAdWindow>;
  labels: Label[];
}

const HOUR_MS = 3_600_000;

/**
 * Measures the detectors against human-labelled highlights, per channel and pooled over all of
 * them. The rules (the README's "Evaluating the detectors" has them with examples):
 *
 * - A hype `[beginMs, endMs]` matches a highlight `[start, end]` when the two overlap once the
 *   highlight is extended to `[start, end + lagMs]` (viewers label a moment after chat reacts to
 *   it, or chat keeps reacting after it); ends touching count. Precision is the share of hypes
 *   that match some highlight, recall the share of highlights some hype matches; alerts
 *   (`alert: true`) are scored by the same rule.
 * - Precision at K: of each channel's K most intense hypes (by `intensity`, ties to the earlier
 *   `beginMs`; fewer when the channel has fewer), the share whose `beginMs` lies in
 *   `[start − 10 s, end]` of a highlight, no lag. Pooled over channels for the total.
 * - Ad windows: updates of the same (channel, `startMs`) are one window, the last wins; a
 *   cancelled window is `[startMs, cancelledAtMs]`. `adOnHighlight` is the share overlapping a
 *   highlight extended by the lag; `adOnHighlightChance` the same share with each window (same
 *   duration) placed at a uniformly random start in its channel's chat span, averaged over
 *   `draws` placements, each channel from its own seeded stream ({@link streamSeed}). Windows of a
 *   channel without a span are left out of the chance figure.
 * - Per hour and time in hype are over the channel's chat span; a channel without one (labels
 *   only) has 0 hours and null rates. Totals are pooled: sums of counts and of spans.
 *
 * @returns the scores, `channels` keyed by lower-case login in alphabetical order.
 * @throws ConfigError when `lagMs` is negative or `draws` is not an integer >= 1.
 * @example
 * evaluateDetectors({ hypes, adWindows, spans: new Map([['xqc', [t0, t1]]]), labels, lagMs: 30_000 }).channels.xqc.recall
 */
export function evaluateDetectors(input: EvaluationInput): Evaluation {
  const { lagMs } = input;
  const seed = input.seed ?? 1;
  const draws = input.draws ?? 200;
  if (!(Number.isFinite(lagMs) && lagMs >= 0)) throw new ConfigError('lag', `must be >= 0 ms, got ${lagMs}`);
  if (!(Number.isInteger(draws) && draws >= 1)) throw new ConfigError('draws', `must be an integer >= 1, got ${draws}`);

  const channels = new Map<string, ChannelInput>();
  const channel = (login: string): ChannelInput => {
    const key = channelKey(login);
    let c = channels.get(key);
    if (!c) channels.set(key, (c = { span: null, hypes: [], ads: new Map(), labels: [] }));
    return c;
  };
  const spans: Iterable<[string, Interval]> = input.spans instanceof Map ? input.spans : Object.entries(input.spans);
  for (const [login, [firstMs, lastMs]] of spans) {
    const c = channel(login);
    c.span = c.span ? [Math.min(c.span[0], firstMs), Math.max(c.span[1], lastMs)] : [firstMs, lastMs];
  }
  for (const h of input.hypes) channel(h.channel).hypes.push(h);
  for (const a of input.adWindows) channel(a.channel).ads.set(a.startMs, a);
  for (const l of input.labels) channel(l.channel).labels.push(l);

  const total = zeroCounts();
  const byChannel: Record<string, DetectorScores> = {};
  for (const key of [...channels.keys()].sort()) {
    const counts = channelCounts(channels.get(key)!, lagMs, seededUniform(streamSeed(seed, key)), draws);
    byChannel[key] = scoresOf(counts);
    addCounts(total, counts);
  }
  return { ...scoresOf(total), channels: byChannel };
}

function channelCounts(c: ChannelInput, lagMs: number, random: () => number, draws: number): Counts {
  const counts = zeroCounts();
  const highlights = new IntervalSet(c.labels.map((l): Interval => [l.startMs, l.endMs + lagMs]));
  const hypeSpans = new IntervalSet(c.hypes.map((h): Interval => [h.beginMs, h.endMs]));
  const beginWindows = new IntervalSet(c.labels.map((l): Interval => [l.startMs - BEGINS_BEFORE_MS, l.endMs]));

  counts.spanMs = c.span ? c.span[1] - c.span[0] : 0;
  counts.labels = c.labels.length;
  counts.labelsMatched = c.labels.filter((l) => hypeSpans.overlapsAny([l.startMs, l.endMs + lagMs])).length;
  for (const h of c.hypes) {
    const matched = highlights.overlapsAny([h.beginMs, h.endMs]);
    counts.hypes++;
    counts.hypeMs += h.endMs - h.beginMs;
    if (matched) counts.hypesMatched++;
    if (h.alert) {
      counts.alerts++;
      if (matched) counts.alertsMatched++;
    }
  }

  const byIntensity = [...c.hypes].sort((a, b) => b.intensity - a.intensity || a.beginMs - b.beginMs);
  counts.atK = PRECISION_AT.map((k) => {
    const top = byIntensity.slice(0, k);
    return { hits: top.filter((h) => beginWindows.overlapsAny([h.beginMs, h.beginMs])).length, taken: top.length };
  });

  const ads = [...c.ads.values()].sort((a, b) => a.startMs - b.startMs).map((a): Interval => [a.startMs, a.cancelledAtMs ?? a.endMs]);
  counts.adWindows = ads.length;
  counts.adsMatched = ads.filter((a) => highlights.overlapsAny(a)).length;
  if (c.span && ads.length > 0) {
    counts.chancePlaced = ads.length;
    counts.chanceMatched = chanceOverlapping(ads.map(([s, e]) => Math.max(0, e - s)), c.span, highlights, random, draws);
  }
  return counts;
}

function scoresOf(c: Counts): DetectorScores {
  const hours = c.spanMs / HOUR_MS;
  const precision = ratio(c.hypesMatched, c.hypes);
  const recall = ratio(c.labelsMatched, c.labels);
  return {
    hypes: c.hypes,
    labels: c.labels,
    precision,
    recall,
    f1: precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    hypesPerHour: ratio(c.hypes, hours),
    timeInHype: ratio(c.hypeMs, c.spanMs),
    alerts: c.alerts,
    alertsPerHour: ratio(c.alerts, hours),
    alertPrecision: ratio(c.alertsMatched, c.alerts),
    precisionAtK: Object.fromEntries(PRECISION_AT.map((k, i) => [String(k), ratio(c.atK[i]!.hits, c.atK[i]!.taken)])) as DetectorScores['precisionAtK'],
    adWindows: c.adWindows,
    adWindowsPerHour: ratio(c.adWindows, hours),
    adOnHighlight: ratio(c.adsMatched, c.adWindows),
    adOnHighlightChance: ratio(c.chanceMatched, c.chancePlaced),
    hours,
  };
}

function zeroCounts(): Counts {
  return {
    hypes: 0, hypesMatched: 0, labels: 0, labelsMatched: 0, hypeMs: 0, spanMs: 0, alerts: 0, alertsMatched: 0,
    atK: PRECISION_AT.map(() => ({ hits: 0, taken: 0 })), adWindows: 0, adsMatched: 0, chanceMatched: 0, chancePlaced: 0,
  };
}

function addCounts(into: Counts, c: Counts): void {
  for (const k of ['hypes', 'hypesMatched', 'labels', 'labelsMatched', 'hypeMs', 'spanMs', 'alerts', 'alertsMatched', 'adWindows', 'adsMatched', 'chanceMatched', 'chancePlaced'] as const) {
    into[k] += c[k];
  }
  c.atK.forEach((at, i) => {
    into.atK[i]!.hits += at.hits;
    into.atK[i]!.taken += at.taken;
  });
}

/** `count / over`, or null when `over` is 0 (nothing to take a share of). */
function ratio(count: number, over: number): number | null {
  return over === 0 ? null : count / over;
}
