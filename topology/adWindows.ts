import { ConfigError } from '../core/errors.ts';
import type { HypeSignal } from './hype.ts';
import type { StreamOperator } from './operator.ts';

/** `ad-window.avsc`. */
export interface AdWindow {
  channel: string;
  roomId: string;
  startMs: number;
  endMs: number;
  score: number;
  reason: string;
  ratePerMin: number;
  baselineRatePerMin: number;
  /**
   * When a hype began inside the window, epoch ms: the rest of the window is cancelled. A
   * cancellation is an update of the same identity (roomId, startMs); null while it stands.
   */
  cancelledAtMs: number | null;
}

/** Settings of ad-window suggestion; validated by {@link adWindowSettings}. */
export interface AdWindowSettings {
  /** Buckets in a row that must be calm (score below `calmScore`) and attended. */
  readonly calmBuckets: number;
  readonly calmScore: number;
  /** Attended: each of those buckets has at least this share of the channel's baseline rate, and a chatter. */
  readonly attendedRatio: number;
  /** No hype may have been in progress within this span before the window, ms of event time. */
  readonly sinceHypeMs: number;
  /** At most one suggestion per channel within this span, ms of event time. */
  readonly cooldownMs: number;
  /** Length of a suggested window, ms. */
  readonly windowMs: number;
}

/**
 * Defaults for 10 s buckets: a calm, attended minute at least 4 minutes after the last hype, a
 * 60 s window, at most one per 10 minutes. Tuned on the train splits of labelled esports
 * highlights (README, `bench/highlights.ts`): moments people clip come in clusters, and a lull
 * that has lasted a few minutes is the least likely place for the next one.
 */
export function adWindowSettings(over: Partial<AdWindowSettings> = {}): AdWindowSettings {
  const s = { calmBuckets: 6, calmScore: 1, attendedRatio: 0.5, sinceHypeMs: 240_000, cooldownMs: 600_000, windowMs: 60_000, ...over };
  if (!(Number.isInteger(s.calmBuckets) && s.calmBuckets >= 1)) throw new ConfigError('calmBuckets', `must be an integer >= 1, got ${s.calmBuckets}`);
  if (!Number.isFinite(s.calmScore)) throw new ConfigError('calmScore', `must be a finite score, got ${s.calmScore}`);
  if (!(s.attendedRatio >= 0)) throw new ConfigError('attendedRatio', `must be >= 0, got ${s.attendedRatio}`);
  if (!(s.sinceHypeMs >= 0)) throw new ConfigError('sinceHypeMs', `must be >= 0 ms, got ${s.sinceHypeMs}`);
  if (!(s.cooldownMs >= 0)) throw new ConfigError('cooldownMs', `must be >= 0 ms, got ${s.cooldownMs}`);
  if (!(s.windowMs > 0)) throw new ConfigError('windowMs', `must be > 0 ms, got ${s.windowMs}`);
  return Object.freeze(s);
}

interface State {
  /** End of the last bucket that was in hype (or -Infinity). */
  lastHypeMs: number;
  calm: number;
  calmRateSum: number;
  lastSuggestedMs: number;
  /** The last suggestion while it may still be cancelled. */
  open: AdWindow | null;
}

/**
 * Moments to run an ad without interrupting anything: chat calm (no bucket scores above
 * `calmScore` for `calmBuckets` buckets) but attended (the rate holds at `attendedRatio` of the
 * channel's baseline, with chatters), well after the last hype and never during the baseline's
 * warm-up. If a hype begins inside a suggested window anyway, the window is emitted again with
 * `cancelledAtMs` (same identity): the rest of it is off. Score 0..1 grows with attendance.
 *
 * Input: the hype operator's signals (bucket states, announcements and ended hypes).
 */
export class AdWindowOperator implements StreamOperator<HypeSignal, AdWindow> {
  readonly name = 'ad_windows';
  private readonly channels = new Map<string, State>();

  constructor(private readonly settings: AdWindowSettings = adWindowSettings()) {}

  /** State for a checkpoint (see stateCodec). */
  snapshot(): unknown {
    return this.channels;
  }

  /** Restores {@link snapshot}; a channel saved by an older operator starts afresh. */
  restore(state: unknown): void {
    this.channels.clear();
    for (const [k, v] of state as Map<string, State>) if (typeof v.calm === 'number') this.channels.set(k, v);
  }

  process(signal: HypeSignal): AdWindow[] {
    if (signal.type !== 'bucket') return [];
    const b = signal;
    let st = this.channels.get(b.roomId);
    if (!st) this.channels.set(b.roomId, (st = { lastHypeMs: -Infinity, calm: 0, calmRateSum: 0, lastSuggestedMs: -Infinity, open: null }));
    if (st.open && st.open.endMs <= b.windowStartMs) st.open = null;
    if (b.inHype) {
      st.lastHypeMs = b.windowEndMs;
      st.calm = 0;
      st.calmRateSum = 0;
      if (b.beginsHype && st.open) {
        const cancelled = { ...st.open, cancelledAtMs: Math.max(st.open.startMs, b.windowStartMs) };
        st.open = null;
        return [cancelled];
      }
      return [];
    }
    const s = this.settings;
    const attended = b.chatters > 0 && b.ratePerMin >= s.attendedRatio * b.baselinePerMin;
    if (!b.warmedUp || !attended || b.score >= s.calmScore) {
      st.calm = 0;
      st.calmRateSum = 0;
      return [];
    }
    st.calm++;
    st.calmRateSum += b.ratePerMin;
    if (st.calm < s.calmBuckets || b.windowEndMs - st.lastHypeMs < s.sinceHypeMs || b.windowEndMs - st.lastSuggestedMs < s.cooldownMs) return [];
    const rate = st.calmRateSum / st.calm;
    // The rate is the whole calm stretch's, which may be longer than calmBuckets; the reason says how long.
    const calmSeconds = (st.calm * (b.windowEndMs - b.windowStartMs)) / 1000;
    st.calm = 0;
    st.calmRateSum = 0;
    st.lastSuggestedMs = b.windowEndMs;
    const baseline = b.baselinePerMin;
    const attendance = baseline > 0 ? rate / baseline : 1;
    const score = round(Math.min(1, Math.max(0, 0.5 * attendance)), 100);
    const sinceMin = Number.isFinite(st.lastHypeMs) ? `${Math.round((b.windowEndMs - st.lastHypeMs) / 60_000)} min after the last hype` : 'no hype so far';
    const reason = `calm but attended: ${rate.toFixed(0)}/min for ${calmSeconds} s against a ${baseline.toFixed(0)}/min baseline, ${sinceMin}`;
    st.open = {
      channel: b.channel, roomId: b.roomId, startMs: b.windowEndMs, endMs: b.windowEndMs + s.windowMs, score, reason,
      ratePerMin: round(rate, 10), baselineRatePerMin: round(baseline, 10), cancelledAtMs: null,
    };
    return [{ ...st.open }];
  }

  flush(): AdWindow[] {
    return [];
  }
}

function round(x: number, per: number): number {
  return Math.round(x * per) / per;
}
