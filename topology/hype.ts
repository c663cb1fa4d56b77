import { ConfigError } from '../core/errors.ts';
import type { ChatRate } from './chatRate.ts';
import { topCounts } from './chatRate.ts';
import type { StreamOperator } from './operator.ts';

/** `hype.avsc`. */
export interface Hype {
  channel: string;
  roomId: string;
  /** Estimated start of the moment chat reacted to: the first bucket above the threshold, less the reaction lead. */
  beginMs: number;
  peakMs: number;
  endMs: number;
  peakRatePerMin: number;
  baselineRatePerMin: number;
  /** Peak score: how far the weighted chat rate rose above the baseline, in baseline deviations. */
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
  readonly chatters: number;
  /** The channel's baseline message rate and its deviation before this bucket, messages per minute. */
  readonly baselinePerMin: number;
  readonly deviationPerMin: number;
  /** The detector's score of this bucket (weighted rate above the baseline, in deviations). */
  readonly score: number;
  /** The baseline has seen its warm-up buckets: before that no hype and no ad window is called. */
  readonly warmedUp: boolean;
  readonly inHype: boolean;
  /** This bucket begins a hype: the score crossed the enter threshold. */
  readonly beginsHype: boolean;
}

/** `hype-start.avsc`: a hype announced as soon as its first bucket closes, and again when it becomes an alert. */
export interface HypeStart {
  channel: string;
  roomId: string;
  beginMs: number;
  /** Messages in the bucket that began it. */
  messages: number;
  ratePerMin: number;
  baselineRatePerMin: number;
  /** Highest score so far. */
  zScore: number;
  /**
   * Whether the hype has crossed the alert severity. A hype that crosses it after its first
   * bucket is announced again, same identity, with `alert: true` (an update, last one wins).
   */
  alert: boolean;
}

/** What the hype operator emits: every bucket's state, hype announcements, and each hype when it ends. */
export type HypeSignal = HypeBucket | { readonly type: 'start'; readonly start: HypeStart } | { readonly type: 'hype'; readonly hype: Hype };

/** Settings of hype detection; validated by {@link hypeSettings}. */
export interface HypeSettings {
  /** Weight of the newest bucket in the baseline (0..1]. */
  readonly alpha: number;
  /** A bucket moves the baseline by at most this many deviations (bursts do not drag it up). */
  readonly clipDeviations: number;
  /**
   * Spread of a busy channel's rate beyond counting noise, as a share of its baseline: the
   * deviation is √(b + (κ·b)²) for a baseline of b weighted messages per bucket.
   */
  readonly relativeSpread: number;
  /** Extra weight of a short message (`ChatRate.shortMessages`): reactions are short. */
  readonly shortMessageWeight: number;
  /** Enter a hype at this score… */
  readonly enterScore: number;
  /** …and leave it after `exitBuckets` buckets in a row below this one. */
  readonly exitScore: number;
  readonly exitBuckets: number;
  /** Buckets of history before a hype can be called at all. */
  readonly warmupBuckets: number;
  /** Chat reacts after the moment: a hype's `beginMs` is its first bucket's start less this, ms. */
  readonly reactionLeadMs: number;
  /** A hype whose peak score reaches this is an alert… */
  readonly alertScore: number;
  /** …unless the channel alerted less than this long before, ms of event time (alert fatigue: at most 6 an hour by default). */
  readonly alertCooldownMs: number;
}

/**
 * Defaults, tuned on the train splits of a public data set of human-labelled esports highlights
 * (see the README's detector section and `bench/highlights.ts`); the test splits were not used.
 */
export function hypeSettings(over: Partial<HypeSettings> = {}): HypeSettings {
  const s = {
    alpha: 0.05, clipDeviations: 2, relativeSpread: 0.2, shortMessageWeight: 2, enterScore: 5.5, exitScore: 3.3, exitBuckets: 2,
    warmupBuckets: 18, reactionLeadMs: 10_000, alertScore: 15, alertCooldownMs: 600_000, ...over,
  };
  if (!(s.alpha > 0 && s.alpha <= 1)) throw new ConfigError('alpha', `must be in (0, 1], got ${s.alpha}`);
  if (!(s.clipDeviations > 0)) throw new ConfigError('clipDeviations', `must be > 0, got ${s.clipDeviations}`);
  if (!(s.relativeSpread >= 0)) throw new ConfigError('relativeSpread', `must be >= 0, got ${s.relativeSpread}`);
  if (!(s.shortMessageWeight >= 0)) throw new ConfigError('shortMessageWeight', `must be >= 0, got ${s.shortMessageWeight}`);
  if (!(s.enterScore > s.exitScore)) throw new ConfigError('enterScore', `must be > exitScore (${s.exitScore}), got ${s.enterScore}`);
  if (!(Number.isInteger(s.exitBuckets) && s.exitBuckets >= 1)) throw new ConfigError('exitBuckets', `must be an integer >= 1, got ${s.exitBuckets}`);
  if (!(Number.isInteger(s.warmupBuckets) && s.warmupBuckets >= 0)) throw new ConfigError('warmupBuckets', `must be an integer >= 0, got ${s.warmupBuckets}`);
  if (!(s.reactionLeadMs >= 0)) throw new ConfigError('reactionLeadMs', `must be >= 0 ms, got ${s.reactionLeadMs}`);
  if (!(s.alertScore >= s.enterScore)) throw new ConfigError('alertScore', `must be >= enterScore (${s.enterScore}), got ${s.alertScore}`);
  if (!(s.alertCooldownMs >= 0)) throw new ConfigError('alertCooldownMs', `must be >= 0 ms, got ${s.alertCooldownMs}`);
  return Object.freeze(s);
}

interface OpenHype {
  onsetMs: number; peakMs: number; peakRate: number; peakScore: number; baselineRate: number;
  firstMessages: number; firstRate: number; messages: number; messagesToLastAbove: number;
  emotes: Map<string, number>; below: number; lastAboveEndMs: number; alerted: boolean;
}

interface ChannelState {
  channel: string;
  roomId: string;
  /** Baselines per bucket: weighted messages (the score's) and plain messages (what is reported). */
  level: number;
  rateLevel: number;
  seen: number;
  lastStartMs: number;
  /** Start of the bucket that made the channel's last alert (or -Infinity). */
  lastAlertMs: number;
  sizeMs: number;
  hype: OpenHype | null;
}

/**
 * Hype per channel: chat reacting to a moment, seen as a bucket whose weighted message count
 * (short messages weigh more) stands far above the channel's own baseline.
 *
 * The baseline is robust: it learns only outside hype, and each bucket moves it by at most
 * `clipDeviations` deviations, so a busy minute does not hide the next moment. The score is
 * (x − b) / √(b + (κ·b)²): counting noise for quiet channels, a relative spread for busy ones.
 * A hype begins at `enterScore`, ends after `exitBuckets` buckets below `exitScore`, and is an
 * alert once its peak reaches `alertScore`, at most one alert per `alertCooldownMs` per channel. Its `beginMs` is moved back by the reaction lead,
 * since chat rises after the moment it reacts to. Buckets missing from the input count as empty.
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

  /** Restores {@link snapshot}; a channel saved by an older detector starts learning afresh. */
  restore(state: unknown): void {
    this.channels.clear();
    for (const [k, v] of state as Map<string, ChannelState>) {
      if (typeof v.level === 'number' && typeof v.rateLevel === 'number') this.channels.set(k, { ...v, lastAlertMs: v.lastAlertMs ?? -Infinity });
    }
  }

  process(rate: ChatRate): HypeSignal[] {
    if (rate.early) return [];
    let st = this.channels.get(rate.roomId);
    if (!st) {
      st = { channel: rate.channel, roomId: rate.roomId, level: -1, rateLevel: 0, seen: 0, lastAlertMs: -Infinity, lastStartMs: rate.windowStartMs - rate.sizeMs, sizeMs: rate.sizeMs, hype: null };
      this.channels.set(rate.roomId, st);
    }
    if (rate.windowStartMs <= st.lastStartMs) return [];
    const out: HypeSignal[] = [];
    for (let start = st.lastStartMs + st.sizeMs; start < rate.windowStartMs; start += st.sizeMs) {
      this.bucket(st, start, 0, 0, 0, [], out);
    }
    const weighted = rate.messages + this.settings.shortMessageWeight * (rate.shortMessages ?? 0);
    this.bucket(st, rate.windowStartMs, rate.messages, weighted, rate.chatters, rate.topEmotes, out);
    return out;
  }

  flush(): HypeSignal[] {
    const out: HypeSignal[] = [];
    for (const st of this.channels.values()) if (st.hype) out.push({ type: 'hype', hype: this.finish(st, st.hype.lastAboveEndMs) });
    return out;
  }

  private bucket(st: ChannelState, startMs: number, messages: number, weighted: number, chatters: number, emotes: ChatRate['topEmotes'], out: HypeSignal[]): void {
    const s = this.settings;
    const perMin = 60_000 / st.sizeMs;
    const level = Math.max(st.level, 0);
    const score = (weighted - level) / deviationOf(level, s.relativeSpread);
    const rateLevel = st.rateLevel;
    const endMs = startMs + st.sizeMs;
    const warmedUp = st.seen >= s.warmupBuckets;
    st.lastStartMs = startMs;
    let begins = false;
    if (!st.hype && warmedUp && score >= s.enterScore) {
      begins = true;
      st.hype = {
        onsetMs: startMs, peakMs: startMs, peakRate: messages * perMin, peakScore: score, baselineRate: rateLevel * perMin,
        firstMessages: messages, firstRate: messages * perMin, messages: 0, messagesToLastAbove: 0, emotes: new Map(), below: 0,
        lastAboveEndMs: endMs, alerted: this.alerts(st, startMs, score),
      };
    }
    out.push({
      type: 'bucket', channel: st.channel, roomId: st.roomId, windowStartMs: startMs, windowEndMs: endMs, ratePerMin: messages * perMin, chatters,
      baselinePerMin: rateLevel * perMin, deviationPerMin: deviationOf(rateLevel, s.relativeSpread) * perMin, score: round2(score), warmedUp,
      inHype: st.hype !== null, beginsHype: begins,
    });
    const h = st.hype;
    if (!h) {
      this.learn(st, weighted, messages);
      return;
    }
    if (begins) out.push({ type: 'start', start: this.announce(st, h) });
    h.messages += messages;
    for (const e of emotes) h.emotes.set(e.id, (h.emotes.get(e.id) ?? 0) + e.count);
    if (score > h.peakScore) {
      h.peakScore = score;
      h.peakRate = messages * perMin;
      h.peakMs = startMs;
      if (!h.alerted && this.alerts(st, startMs, score)) {
        h.alerted = true;
        out.push({ type: 'start', start: this.announce(st, h) });
      }
    }
    if (score < s.exitScore) {
      h.below++;
      if (h.below >= s.exitBuckets) out.push({ type: 'hype', hype: this.finish(st, h.lastAboveEndMs) });
    } else {
      h.below = 0;
      h.lastAboveEndMs = endMs;
      h.messagesToLastAbove = h.messages;
    }
  }

  /** Whether a bucket scoring `score` at `startMs` raises an alert; remembers it when it does. */
  private alerts(st: ChannelState, startMs: number, score: number): boolean {
    if (score < this.settings.alertScore || startMs - st.lastAlertMs < this.settings.alertCooldownMs) return false;
    st.lastAlertMs = startMs;
    return true;
  }

  private learn(st: ChannelState, weighted: number, messages: number): void {
    const s = this.settings;
    if (st.level < 0) {
      st.level = weighted;
      st.rateLevel = messages;
    } else {
      st.level += s.alpha * clip(weighted - st.level, s.clipDeviations * deviationOf(st.level, s.relativeSpread));
      st.rateLevel += s.alpha * clip(messages - st.rateLevel, s.clipDeviations * deviationOf(st.rateLevel, s.relativeSpread));
    }
    st.seen++;
  }

  private announce(st: ChannelState, h: OpenHype): HypeStart {
    return {
      channel: st.channel, roomId: st.roomId, beginMs: h.onsetMs - this.settings.reactionLeadMs, messages: h.firstMessages, ratePerMin: h.firstRate,
      baselineRatePerMin: round2(h.baselineRate), zScore: round2(h.peakScore), alert: h.alerted,
    };
  }

  private finish(st: ChannelState, endMs: number): Hype {
    const h = st.hype!;
    st.hype = null;
    return {
      channel: st.channel, roomId: st.roomId, beginMs: h.onsetMs - this.settings.reactionLeadMs, peakMs: h.peakMs, endMs,
      peakRatePerMin: h.peakRate, baselineRatePerMin: round2(h.baselineRate), intensity: round2(h.peakScore),
      messages: h.messagesToLastAbove, topEmotes: topCounts(h.emotes, 5), alert: h.alerted,
    };
  }
}

/** Deviation of a bucket count around a baseline of `level`: counting noise plus a relative spread; at least 1. */
function deviationOf(level: number, relativeSpread: number): number {
  return Math.max(1, Math.sqrt(level + (relativeSpread * level) ** 2));
}

function clip(x: number, bound: number): number {
  return x > bound ? bound : x < -bound ? -bound : x;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
