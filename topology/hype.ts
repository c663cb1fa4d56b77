import { ConfigError } from '../core/errors.ts';
import type { ChatRate } from './chatRate.ts';
import { topCounts } from './chatRate.ts';
import type { StreamOperator } from './operator.ts';

/** `hype.avsc`. */
export interface Hype {
  channel: string;
  roomId: string;
  beginMs: number;
  peakMs: number;
  endMs: number;
  peakRatePerMin: number;
  baselineRatePerMin: number;
  intensity: number;
  messages: number;
  topEmotes: Array<{ id: string; count: number }>;
  /** Whether this hype crosses the alert severity (the hypes worth waking someone for). */
  alert: boolean;
}

/** One chat-rate bucket as the hype detector saw it; ad windows read these. */
export interface HypeBucket {
  readonly type: 'bucket';
  readonly channel: string;
  readonly roomId: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly ratePerMin: number;
  /** The channel's baseline (EWMA mean and standard deviation) before this bucket. */
  readonly baselinePerMin: number;
  readonly deviationPerMin: number;
  readonly inHype: boolean;
  /** This bucket begins a hype: the rate crossed the enter threshold (alerts fire on it). */
  readonly beginsHype: boolean;
}

/** `hype-start.avsc`: the bucket where a hype begins, known as soon as that bucket closes. */
export interface HypeStart {
  channel: string;
  roomId: string;
  beginMs: number;
  /** Messages in that bucket. */
  messages: number;
  ratePerMin: number;
  baselineRatePerMin: number;
  zScore: number;
  /**
   * Whether the hype has crossed the alert severity. A hype that crosses it after its first
   * bucket is announced again, same identity, with `alert: true` (an update, last one wins).
   */
  alert: boolean;
}

/** The hype start a bucket announces, or null when it begins none. */
export function hypeStartOf(bucket: HypeBucket): HypeStart | null {
  if (!bucket.beginsHype) return null;
  return {
    channel: bucket.channel, roomId: bucket.roomId, beginMs: bucket.windowStartMs,
    messages: Math.round((bucket.ratePerMin * (bucket.windowEndMs - bucket.windowStartMs)) / 60_000), ratePerMin: bucket.ratePerMin,
    baselineRatePerMin: round2(bucket.baselinePerMin), zScore: round2((bucket.ratePerMin - bucket.baselinePerMin) / bucket.deviationPerMin),
    alert: false,
  };
}

/** What the hype operator emits: every bucket's state, and each hype when it ends. */
export type HypeSignal = HypeBucket | { readonly type: 'hype'; readonly hype: Hype };

/** Settings of hype detection; validated by {@link hypeSettings}. */
export interface HypeSettings {
  /** Weight of the newest bucket in the EWMA baseline (0..1). */
  readonly alpha: number;
  /** Enter a hype at this many standard deviations above the baseline. */
  readonly enterZ: number;
  /** Leave it once the rate stays below this many standard deviations… */
  readonly exitZ: number;
  /** …for this many buckets in a row (hysteresis: one spike is one hype). */
  readonly exitBuckets: number;
  /** Buckets of history before hype can be called at all. */
  readonly warmupBuckets: number;
  /** A hype needs at least this rate, messages per minute. */
  readonly minRatePerMin: number;
}

/** Defaults: 3 σ to enter, below 1 σ for 2 buckets to leave, 1 minute of warm-up at 10 s buckets. */
export function hypeSettings(over: Partial<HypeSettings> = {}): HypeSettings {
  const s = { alpha: 0.1, enterZ: 3, exitZ: 1, exitBuckets: 2, warmupBuckets: 6, minRatePerMin: 30, ...over };
  if (!(s.alpha > 0 && s.alpha <= 1)) throw new ConfigError('alpha', `must be in (0, 1], got ${s.alpha}`);
  if (!(s.enterZ > s.exitZ)) throw new ConfigError('enterZ', `must be > exitZ (${s.exitZ}), got ${s.enterZ}`);
  if (!(Number.isInteger(s.exitBuckets) && s.exitBuckets >= 1)) throw new ConfigError('exitBuckets', `must be an integer >= 1, got ${s.exitBuckets}`);
  if (!(Number.isInteger(s.warmupBuckets) && s.warmupBuckets >= 0)) throw new ConfigError('warmupBuckets', `must be an integer >= 0, got ${s.warmupBuckets}`);
  if (!(s.minRatePerMin >= 0)) throw new ConfigError('minRatePerMin', `must be >= 0 messages/min, got ${s.minRatePerMin}`);
  return Object.freeze(s);
}

interface ChannelState {
  channel: string;
  roomId: string;
  mean: number;
  variance: number;
  seen: number;
  lastStartMs: number;
  sizeMs: number;
  hype: null | {
    beginMs: number; peakMs: number; peakRate: number; baseline: number; deviation: number;
    messages: number; messagesToLastAbove: number; emotes: Map<string, number>; below: number; lastAboveEndMs: number;
  };
}

/**
 * Hype per channel: the chat rate far above the channel's own adaptive baseline (EWMA mean and
 * variance of its bucket rates). A hype begins when a bucket is `enterZ` standard deviations above
 * the baseline (and above `minRatePerMin`), and ends only after `exitBuckets` buckets in a row
 * below `exitZ`; the baseline is frozen during a hype so the hype does not raise it. Buckets
 * missing from the input (no messages) count as rate 0.
 *
 * Input: final chat-rate windows of one size (10 s by default), in window order per channel.
 */
export class HypeOperator implements StreamOperator<ChatRate, HypeSignal> {
  readonly name = 'hype';
  private readonly channels = new Map<string, ChannelState>();

  constructor(private readonly settings: HypeSettings = hypeSettings()) {}

  /** State for a checkpoint (see stateCodec). */
  snapshot(): unknown {
    return this.channels;
  }

  /** Restores {@link snapshot}. */
  restore(state: unknown): void {
    this.channels.clear();
    for (const [k, v] of state as Map<string, ChannelState>) this.channels.set(k, v);
  }

  process(rate: ChatRate): HypeSignal[] {
    if (rate.early) return [];
    let st = this.channels.get(rate.roomId);
    if (!st) {
      st = { channel: rate.channel, roomId: rate.roomId, mean: 0, variance: 0, seen: 0, lastStartMs: rate.windowStartMs - rate.sizeMs, sizeMs: rate.sizeMs, hype: null };
      this.channels.set(rate.roomId, st);
    }
    if (rate.windowStartMs <= st.lastStartMs) return [];
    const out: HypeSignal[] = [];
    for (let start = st.lastStartMs + st.sizeMs; start < rate.windowStartMs; start += st.sizeMs) {
      this.bucket(st, start, 0, 0, [], out);
    }
    this.bucket(st, rate.windowStartMs, rate.messages, (rate.messages * 60_000) / rate.sizeMs, rate.topEmotes, out);
    return out;
  }

  flush(): HypeSignal[] {
    const out: HypeSignal[] = [];
    for (const st of this.channels.values()) if (st.hype) out.push({ type: 'hype', hype: this.finish(st, st.hype.lastAboveEndMs) });
    return out;
  }

  private bucket(st: ChannelState, startMs: number, messages: number, ratePerMin: number, emotes: ChatRate['topEmotes'], out: HypeSignal[]): void {
    const s = this.settings;
    const deviation = Math.max(Math.sqrt(st.variance), 0.25 * st.mean, 1);
    const endMs = startMs + st.sizeMs;
    st.lastStartMs = startMs;
    out.push({ type: 'bucket', channel: st.channel, roomId: st.roomId, windowStartMs: startMs, windowEndMs: endMs, ratePerMin, baselinePerMin: st.mean, deviationPerMin: deviation, inHype: st.hype !== null, beginsHype: false });
    if (!st.hype) {
      const z = (ratePerMin - st.mean) / deviation;
      if (st.seen >= s.warmupBuckets && ratePerMin >= s.minRatePerMin && z >= s.enterZ) {
        st.hype = { beginMs: startMs, peakMs: startMs, peakRate: ratePerMin, baseline: st.mean, deviation, messages: 0, messagesToLastAbove: 0, emotes: new Map(), below: 0, lastAboveEndMs: endMs };
        Object.assign(out[out.length - 1]!, { inHype: true, beginsHype: true });
      } else {
        this.learn(st, ratePerMin);
        return;
      }
    }
    const h = st.hype;
    h.messages += messages;
    for (const e of emotes) h.emotes.set(e.id, (h.emotes.get(e.id) ?? 0) + e.count);
    if (ratePerMin > h.peakRate) {
      h.peakRate = ratePerMin;
      h.peakMs = startMs;
    }
    if ((ratePerMin - h.baseline) / h.deviation < s.exitZ) {
      h.below++;
      if (h.below >= s.exitBuckets) out.push({ type: 'hype', hype: this.finish(st, h.lastAboveEndMs) });
    } else {
      h.below = 0;
      h.lastAboveEndMs = endMs;
      h.messagesToLastAbove = h.messages;
    }
  }

  private learn(st: ChannelState, ratePerMin: number): void {
    const a = this.settings.alpha;
    if (st.seen === 0) st.mean = ratePerMin;
    const diff = ratePerMin - st.mean;
    st.mean += a * diff;
    st.variance = (1 - a) * (st.variance + a * diff * diff);
    st.seen++;
  }

  private finish(st: ChannelState, endMs: number): Hype {
    const h = st.hype!;
    st.hype = null;
    return {
      channel: st.channel, roomId: st.roomId, beginMs: h.beginMs, peakMs: h.peakMs, endMs,
      peakRatePerMin: h.peakRate, baselineRatePerMin: round2(h.baseline), intensity: round2((h.peakRate - h.baseline) / h.deviation),
      messages: h.messagesToLastAbove, topEmotes: topCounts(h.emotes, 5), alert: false,
    };
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
