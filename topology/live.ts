import type { ChatRecordSink, IngestStats } from '../connectors/twitch/chatIngest.ts';
import { emptyIngestStats } from '../connectors/twitch/chatIngest.ts';
import type { ChatEvent, ChatMessage } from '../schemas/types.ts';
import { AdWindowOperator, type AdWindow } from './adWindows.ts';
import { ChatRateOperator, TOP_EMOTES, topCounts, type ChatRate } from './chatRate.ts';
import { HypeOperator, type Hype, type HypeSignal } from './hype.ts';
import { SubBurstOperator, type SubBurst } from './subBursts.ts';
import { tumblingWindows } from './windows.ts';

/** A hype still in progress, as a live panel shows it; not a record of any topic. */
export interface HypeProgress {
  channel: string;
  roomId: string;
  beginMs: number;
  /** Rate of the latest final bucket, messages per minute (an open bucket has no rate yet: operators hold no clock). */
  ratePerMin: number;
  peakRatePerMin: number;
  baselineRatePerMin: number;
  messages: number;
  topEmotes: Array<{ id: string; count: number }>;
  /** Whether the hype has crossed the alert severity so far. */
  alert: boolean;
  /** True when it includes the still-open bucket. */
  early: boolean;
}

/** What the live topology emits, tagged by kind. */
export type LiveRecord =
  | { readonly kind: 'chat_rate'; readonly value: ChatRate }
  | { readonly kind: 'hype'; readonly value: Hype }
  | { readonly kind: 'hype_progress'; readonly value: HypeProgress }
  | { readonly kind: 'sub_burst'; readonly value: SubBurst }
  | { readonly kind: 'ad_window'; readonly value: AdWindow }
  | { readonly kind: 'chat_event'; readonly value: ChatEvent };

/** Settings of a {@link LiveTopology}. */
export interface LiveTopologyOptions {
  /** Hype bucket and sparkline window size, ms (10 s). */
  readonly bucketMs?: number;
  /** Size of the second, coarser chat-rate window, ms (60 s). */
  readonly windowMs?: number;
  /** Grace for late records, ms (5 s). */
  readonly graceMs?: number;
}

interface Tracked {
  progress: HypeProgress;
  emotes: Map<string, number>;
}

/**
 * The topology's operators in-process for live panels: final chat rates of 10 s buckets and
 * 1 min windows, hype, ad windows and sub bursts as they become final, every chat event as it
 * comes, and on each {@link tick} early updates (`early: true`) of the open 10 s buckets and
 * of hypes in progress, so numbers move every second instead of every window.
 *
 * Holds no clock: the caller decides when to tick (the wall does every second).
 *
 * @example
 * const live = new LiveTopology((r) => wall.publish(r));
 * new ChatIngester(live).line(raw, Date.now());
 * setInterval(() => live.tick(), 1000);
 */
export class LiveTopology implements ChatRecordSink {
  readonly stats: IngestStats = emptyIngestStats();
  /** Final windows emitted so far (chat rates of both sizes). */
  windowsOut = 0;
  late = 0;
  private readonly buckets: ChatRateOperator;
  private readonly rates: ChatRateOperator;
  private readonly hype = new HypeOperator();
  private readonly ads = new AdWindowOperator();
  private readonly bursts = new SubBurstOperator();
  private readonly inHype = new Map<string, Tracked>();

  constructor(private readonly emit: (record: LiveRecord) => void, options: LiveTopologyOptions = {}) {
    const graceMs = options.graceMs ?? 5_000;
    const onLate = () => this.late++;
    this.buckets = new ChatRateOperator(tumblingWindows({ sizeMs: options.bucketMs ?? 10_000, graceMs }), onLate);
    // The coarse windows' late records are the buckets' too, so they are not counted twice.
    this.rates = new ChatRateOperator(tumblingWindows({ sizeMs: options.windowMs ?? 60_000, graceMs }));
  }

  /** Hypes in progress now, by channel. */
  get hypesInProgress(): HypeProgress[] {
    return [...this.inHype.values()].map((t) => t.progress);
  }

  message(m: ChatMessage): void {
    for (const bucket of this.buckets.process(m)) this.bucketOut(bucket);
    for (const rate of this.rates.process(m)) this.rateOut(rate);
  }

  event(e: ChatEvent): void {
    this.emit({ kind: 'chat_event', value: e });
    for (const b of this.bursts.process(e)) this.emit({ kind: 'sub_burst', value: b });
  }

  moderation(): void {}

  malformed(): void {}

  /**
   * Early updates: the running counts of every open 10 s bucket, and each hype in progress
   * with the open bucket's messages and emotes added.
   */
  tick(): void {
    for (const open of this.buckets.early()) {
      this.emit({ kind: 'chat_rate', value: open });
      const tracked = this.inHype.get(open.roomId);
      if (!tracked) continue;
      const emotes = new Map(tracked.emotes);
      for (const e of open.topEmotes) emotes.set(e.id, (emotes.get(e.id) ?? 0) + e.count);
      this.emit({
        kind: 'hype_progress',
        value: { ...tracked.progress, messages: tracked.progress.messages + open.messages, topEmotes: topCounts(emotes, TOP_EMOTES), early: true },
      });
    }
  }

  private bucketOut(bucket: ChatRate): void {
    this.rateOut(bucket);
    for (const signal of this.hype.process(bucket)) this.signalOut(signal, bucket);
  }

  private rateOut(rate: ChatRate): void {
    this.windowsOut++;
    this.emit({ kind: 'chat_rate', value: rate });
  }

  private signalOut(signal: HypeSignal, bucket: ChatRate): void {
    for (const ad of this.ads.process(signal)) this.emit({ kind: 'ad_window', value: ad });
    if (signal.type === 'hype') {
      this.inHype.delete(signal.hype.roomId);
      this.emit({ kind: 'hype', value: signal.hype });
      return;
    }
    if (signal.type === 'start') {
      // The bucket that begins a hype comes first, so it is tracked by now.
      const tracked = this.inHype.get(signal.start.roomId);
      if (!tracked) return;
      tracked.progress = { ...tracked.progress, beginMs: signal.start.beginMs, alert: signal.start.alert };
      this.emit({ kind: 'hype_progress', value: tracked.progress });
      return;
    }
    if (!signal.inHype) return;
    let tracked = this.inHype.get(signal.roomId);
    if (!tracked) {
      tracked = {
        emotes: new Map(),
        progress: { channel: signal.channel, roomId: signal.roomId, beginMs: signal.windowStartMs, ratePerMin: 0, peakRatePerMin: 0, baselineRatePerMin: Math.round(signal.baselinePerMin * 100) / 100, messages: 0, topEmotes: [], alert: false, early: false },
      };
      this.inHype.set(signal.roomId, tracked);
    }
    // Buckets the hype operator filled in for silent stretches carry no messages of their own.
    const own = signal.windowStartMs === bucket.windowStartMs;
    if (own) for (const e of bucket.topEmotes) tracked.emotes.set(e.id, (tracked.emotes.get(e.id) ?? 0) + e.count);
    const p = tracked.progress;
    tracked.progress = {
      ...p, ratePerMin: signal.ratePerMin, peakRatePerMin: Math.max(p.peakRatePerMin, signal.ratePerMin),
      messages: p.messages + (own ? bucket.messages : 0), topEmotes: topCounts(tracked.emotes, TOP_EMOTES), early: false,
    };
    this.emit({ kind: 'hype_progress', value: tracked.progress });
  }
}
