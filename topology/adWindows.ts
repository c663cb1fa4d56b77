import { ConfigError } from '../core/errors.ts';
import type { HypeBucket, HypeSignal } from './hype.ts';
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

/** Settings of ad-window suggestion. */
export interface AdWindowSettings {
  /** Buckets after a hype ends that must stay at or above the baseline. */
  readonly afterHypeBuckets: number;
  /** Buckets in a row at `sustainedRatio` × baseline or more, outside hype, for a sustained-attention window. */
  readonly sustainedBuckets: number;
  readonly sustainedRatio: number;
  /** At most one suggestion per channel within this span, ms of event time. */
  readonly cooldownMs: number;
  /** Length of a suggested window, ms. */
  readonly windowMs: number;
}

/** Defaults for 10 s buckets: 30 s after a hype, 1 min sustained at 1.25 × baseline, 10 min apart. */
export function adWindowSettings(over: Partial<AdWindowSettings> = {}): AdWindowSettings {
  const s = { afterHypeBuckets: 3, sustainedBuckets: 6, sustainedRatio: 1.25, cooldownMs: 600_000, windowMs: 120_000, ...over };
  for (const k of ['afterHypeBuckets', 'sustainedBuckets'] as const) {
    if (!(Number.isInteger(s[k]) && s[k] >= 1)) throw new ConfigError(k, `must be an integer >= 1, got ${s[k]}`);
  }
  if (!(s.sustainedRatio > 1)) throw new ConfigError('sustainedRatio', `must be > 1, got ${s.sustainedRatio}`);
  if (!(s.cooldownMs >= 0 && s.windowMs > 0)) throw new ConfigError('windowMs', `must be > 0 ms, got ${s.windowMs}`);
  return Object.freeze(s);
}

interface State {
  afterHype: { endMs: number; buckets: HypeBucket[] } | null;
  sustained: HypeBucket[];
  lastSuggestedMs: number;
}

/**
 * Moments to run an ad without interrupting a hype: shortly after a hype ends while chat stays
 * at or above the channel's baseline (the audience is still there and engaged), or after a
 * minute of sustained attention above baseline with no hype. Score 0..1 grows with how far the
 * rate is above the baseline; a hype in progress is never suggested.
 *
 * Input: the hype operator's signals (bucket states and ended hypes).
 */
export class AdWindowOperator implements StreamOperator<HypeSignal, AdWindow> {
  readonly name = 'ad_windows';
  private readonly channels = new Map<string, State>();

  constructor(private readonly settings: AdWindowSettings = adWindowSettings()) {}

  /** State for a checkpoint (see stateCodec). */
  snapshot(): unknown {
    return this.channels;
  }

  /** Restores {@link snapshot}. */
  restore(state: unknown): void {
    this.channels.clear();
    for (const [k, v] of state as Map<string, State>) this.channels.set(k, v);
  }

  process(signal: HypeSignal): AdWindow[] {
    const roomId = signal.type === 'hype' ? signal.hype.roomId : signal.roomId;
    let st = this.channels.get(roomId);
    if (!st) this.channels.set(roomId, (st = { afterHype: null, sustained: [], lastSuggestedMs: -Infinity }));
    if (signal.type === 'hype') {
      st.afterHype = { endMs: signal.hype.endMs, buckets: [] };
      st.sustained = [];
      return [];
    }
    const b = signal;
    if (b.inHype) {
      st.afterHype = null;
      st.sustained = [];
      return [];
    }
    const out: AdWindow[] = [];
    if (st.afterHype && b.windowStartMs >= st.afterHype.endMs) {
      st.afterHype.buckets.push(b);
      if (st.afterHype.buckets.length >= this.settings.afterHypeBuckets) {
        const buckets = st.afterHype.buckets;
        const endMs = st.afterHype.endMs;
        st.afterHype = null;
        const rate = mean(buckets.map((x) => x.ratePerMin));
        const baseline = buckets[0]!.baselinePerMin;
        if (buckets.every((x) => x.ratePerMin >= x.baselinePerMin) && this.cool(st, b.windowEndMs)) {
          out.push(this.suggest(st, b, rate, baseline, 0.1, `hype ended; chat holds at ${rate.toFixed(0)}/min, at or above the ${baseline.toFixed(0)}/min baseline, so the audience is still there`, endMs));
        }
      }
    }
    if (b.ratePerMin >= this.settings.sustainedRatio * Math.max(b.baselinePerMin, 1)) st.sustained.push(b);
    else st.sustained = [];
    if (st.sustained.length >= this.settings.sustainedBuckets && this.cool(st, b.windowEndMs)) {
      const rate = mean(st.sustained.map((x) => x.ratePerMin));
      const baseline = st.sustained[0]!.baselinePerMin;
      out.push(this.suggest(st, b, rate, baseline, 0, `sustained attention: ${rate.toFixed(0)}/min for ${(st.sustained.length * (b.windowEndMs - b.windowStartMs)) / 1000} s against a ${baseline.toFixed(0)}/min baseline, no hype to interrupt`, b.windowEndMs));
      st.sustained = [];
    }
    return out;
  }

  flush(): AdWindow[] {
    return [];
  }

  private cool(st: State, atMs: number): boolean {
    return atMs - st.lastSuggestedMs >= this.settings.cooldownMs;
  }

  private suggest(st: State, b: HypeBucket, rate: number, baseline: number, bonus: number, reason: string, fromMs: number): AdWindow {
    const startMs = Math.max(fromMs, b.windowEndMs);
    st.lastSuggestedMs = b.windowEndMs;
    const lift = (rate - baseline) / Math.max(b.deviationPerMin, 1);
    const score = Math.round(Math.min(1, Math.max(0, 0.5 + 0.15 * lift + bonus)) * 100) / 100;
    return { channel: b.channel, roomId: b.roomId, startMs, endMs: startMs + this.settings.windowMs, score, reason, ratePerMin: Math.round(rate * 10) / 10, baselineRatePerMin: Math.round(baseline * 10) / 10, cancelledAtMs: null };
  }
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}
