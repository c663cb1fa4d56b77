import type { ChatRecordSink, IngestStats } from '../connectors/twitch/chatIngest.ts';
import { emptyIngestStats } from '../connectors/twitch/chatIngest.ts';
import { EmoteNameBook } from '../connectors/twitch/emoteNames.ts';
import type { ChatEvent, ChatMessage } from '../schemas/types.ts';
import { AdWindowOperator, adWindowSettings, type AdWindow, type AdWindowSettings } from './adWindows.ts';
import { ChatRateOperator, type ChatRate } from './chatRate.ts';
import { HypeOperator, hypeSettings, type HypeSettings, type HypeSignal } from './hype.ts';
import { SubActivityOperator, type SubActivity } from './subActivity.ts';
import { SubBurstOperator, type SubBurst } from './subBursts.ts';
import { tumblingWindows } from './windows.ts';

/** Settings of an in-process analysis. */
export interface AnalyzeOptions {
  /** Size of the reported chat-rate and sub-activity windows, ms (60 s by default). */
  readonly windowMs?: number;
  /** Grace for late records, ms (5 s by default). */
  readonly graceMs?: number;
  /** Bucket size the hype baseline learns from, ms (10 s). */
  readonly hypeBucketMs?: number;
  /** Hype detection settings other than the defaults (tuning, `bench/highlights.ts`). */
  readonly hype?: Partial<HypeSettings>;
  /** Ad-window settings other than the defaults. */
  readonly adWindows?: Partial<AdWindowSettings>;
}

/** One line of `analyze` output, as documented in the README. */
export type AnalyzeRecord = Record<string, unknown> & { kind: string };

/**
 * The topology's operators run in-process on parsed chat: chat rates and sub activity for the
 * chosen window, hype (from 10 s buckets), ad windows and sub bursts, each written as one JSON
 * object as it becomes final, and a summary at the end. No servers; event time from
 * `tmi-sent-ts`. Implements the ingester's record sink, so lines go through the same parser as
 * ingestion.
 */
export class Analysis implements ChatRecordSink {
  readonly stats: IngestStats = emptyIngestStats();
  late = 0;
  private readonly rates: ChatRateOperator;
  private readonly buckets: ChatRateOperator;
  private readonly subs: SubActivityOperator;
  private readonly hype: HypeOperator;
  private readonly ads: AdWindowOperator;
  private readonly bursts = new SubBurstOperator();
  /** Emote names from the messages seen, put beside the ids of `topEmotes` (issue #19). */
  private readonly emoteNames = new EmoteNameBook();

  constructor(private readonly emit: (record: AnalyzeRecord) => void, options: AnalyzeOptions = {}) {
    const graceMs = options.graceMs ?? 5_000;
    const onLate = () => this.late++;
    this.hype = new HypeOperator(hypeSettings(options.hype));
    this.ads = new AdWindowOperator(adWindowSettings(options.adWindows));
    this.rates = new ChatRateOperator(tumblingWindows({ sizeMs: options.windowMs ?? 60_000, graceMs }), onLate);
    this.subs = new SubActivityOperator(tumblingWindows({ sizeMs: options.windowMs ?? 60_000, graceMs }), onLate);
    // The hype buckets' late records are the same records as the reported windows' (or fewer),
    // so they are not counted twice.
    this.buckets = new ChatRateOperator(tumblingWindows({ sizeMs: options.hypeBucketMs ?? 10_000, graceMs }));
  }

  message(m: ChatMessage, raw?: string | Buffer): void {
    if (raw !== undefined && m.emotes.length > 0) this.emoteNames.learn(raw, m.text);
    this.rateOut(this.rates.process(m));
    this.bucketOut(this.buckets.process(m));
  }

  event(e: ChatEvent): void {
    this.subOut(this.subs.process(e));
    this.burstOut(this.bursts.process(e));
  }

  moderation(): void {}

  malformed(): void {}

  /**
   * Completion: flushes every open window and state, then writes the summary. `input.format`
   * (the chat-log format read, see `connectors/chatlogs/detect.ts`) goes into the summary.
   */
  finish(input: { readonly format?: string } = {}): void {
    this.rateOut(this.rates.flush());
    this.bucketOut(this.buckets.flush());
    this.signalOut(this.hype.flush());
    this.subOut(this.subs.flush());
    this.burstOut(this.bursts.flush());
    const s = this.stats;
    this.emit({
      kind: 'summary', ...(input.format === undefined ? {} : { format: input.format }),
      lines: s.lines, messages: s.messages, events: s.events, other: s.control + s.moderation,
      cheers: s.cheers, bits: s.bits, malformed: s.malformed, late: this.late,
    });
  }

  private rateOut(rates: ChatRate[]): void {
    for (const r of rates) {
      this.emit({
        kind: 'chat_rate', channel: r.channel, roomId: r.roomId, windowStart: r.windowStartMs, windowEnd: r.windowEndMs,
        messages: r.messages, chatters: r.chatters, firstTimeChatters: r.firstTimeChatters, emoteOnlyMessages: r.emoteOnlyMessages,
        bits: r.bits, topEmotes: this.emoteNames.named(r.topEmotes),
      });
    }
  }

  private bucketOut(buckets: ChatRate[]): void {
    for (const b of buckets) this.signalOut(this.hype.process(b));
  }

  private signalOut(signals: HypeSignal[]): void {
    for (const signal of signals) {
      if (signal.type === 'hype') this.emit({ kind: 'hype', ...signal.hype, topEmotes: this.emoteNames.named(signal.hype.topEmotes) });
      for (const ad of this.ads.process(signal)) this.adOut(ad);
    }
  }

  private adOut(ad: AdWindow): void {
    this.emit({ kind: 'ad_window', ...ad });
  }

  private subOut(activity: SubActivity[]): void {
    for (const a of activity) {
      const { windowStartMs, windowEndMs, sizeMs: _size, early: _early, ...counts } = a;
      this.emit({ kind: 'sub_activity', ...counts, windowStart: windowStartMs, windowEnd: windowEndMs });
    }
  }

  private burstOut(bursts: SubBurst[]): void {
    for (const b of bursts) this.emit({ kind: 'sub_burst', ...b });
  }
}
