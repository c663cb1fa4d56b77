import type { AdWindow } from '../../topology/adWindows.ts';
import type { ChatRate } from '../../topology/chatRate.ts';
import type { Hype, HypeStart } from '../../topology/hype.ts';
import type { HypeProgress, LiveRecord } from '../../topology/live.ts';
import type { SubBurst } from '../../topology/subBursts.ts';
import type { ChatEvent } from '../../schemas/types.ts';

/** An emote as the wall shows it: its id, a name when known (else the id), and its count. */
export interface WallEmote {
  readonly id: string;
  readonly name: string;
  readonly count: number;
}

/** One point of a channel's rate sparkline: a window, final or still open (`early`). */
export interface RateUpdate {
  readonly type: 'rate';
  readonly channel: string;
  readonly roomId: string;
  readonly windowStartMs: number;
  readonly sizeMs: number;
  readonly messages: number;
  readonly chatters: number;
  /** Messages per minute: over the whole window when final, over its elapsed part when early. */
  readonly ratePerMin: number;
  /** What `ratePerMin` is over, for the label beside it (the hype card's rate is over another span). */
  readonly rateLabel: string;
  readonly topEmotes: readonly WallEmote[];
  readonly early: boolean;
}

/** A channel's current or latest hype. */
export interface HypeUpdate {
  readonly type: 'hype';
  readonly channel: string;
  readonly roomId: string;
  readonly beginMs: number;
  /** Null while the hype is in progress. */
  readonly endMs: number | null;
  readonly ratePerMin: number;
  /** What `ratePerMin` is over: a closed 10 s bucket, not the chat-rate panel's window. */
  readonly rateLabel: string;
  readonly peakRatePerMin: number;
  readonly baselineRatePerMin: number;
  readonly messages: number;
  readonly topEmotes: readonly WallEmote[];
  /** Crossed the alert severity: shown as an alert; otherwise a highlight. Never goes back to false for one hype. */
  readonly alert: boolean;
  readonly early: boolean;
}

/** One line of the sub and gift feed. */
export interface FeedUpdate {
  readonly type: 'feed';
  /** Twitch's `msg-id` (`sub`, `resub`, `subgift`, `submysterygift`, `raid`, …) or `sub_burst`. */
  readonly kind: string;
  readonly id: string;
  readonly channel: string;
  readonly atMs: number;
  /** Who: subscriber, gifter or raider, as displayed on Twitch. */
  readonly who: string;
  /** Subs in it (a gift bomb's size, a burst's contributions), viewers for a raid. */
  readonly count: number;
  /** Recipient of a single gift, top gifters of a burst, or the subscriber's message. */
  readonly detail: string;
}

/**
 * Where an ad window stands for the wall: `soon` before its start, `now` inside it, `held`
 * inside it while the channel is in hype (never shown as "AD NOW"), `passed` after it, and
 * `cancelled` once a hype began inside it.
 */
export type AdState = 'soon' | 'now' | 'held' | 'passed' | 'cancelled';

/** A channel's latest ad-window suggestion and where it stands. */
export interface AdUpdate {
  readonly type: 'ad';
  readonly channel: string;
  readonly roomId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly score: number;
  readonly reason: string;
  /** When a hype began inside the window and cancelled the rest of it, epoch ms; else null. */
  readonly cancelledAtMs: number | null;
  readonly state: AdState;
}

/**
 * Where an ad window stands at `nowMs`: the decision behind the ad panel's badge. A window is
 * never `now` while its channel is in hype: the operator cancels a window a hype begins in,
 * but that update comes a bucket and its grace later (on Kafka also on another topic), and a
 * hype in progress is reason enough not to run an ad.
 *
 * @example adState({ startMs: 0, endMs: 60_000, cancelledAtMs: null }, 30_000, true) // 'held'
 */
export function adState(ad: { readonly startMs: number; readonly endMs: number; readonly cancelledAtMs: number | null }, nowMs: number, inHype: boolean): AdState {
  if (ad.cancelledAtMs !== null) return 'cancelled';
  if (nowMs < ad.startMs) return 'soon';
  if (nowMs >= ad.endMs) return 'passed';
  return inHype ? 'held' : 'now';
}

/** Throughput and clock of the source behind the wall. */
export interface StatusUpdate {
  readonly type: 'status';
  readonly mode: string;
  /** The source's current time (event time of a simulation, wall clock otherwise), epoch ms. */
  readonly nowMs: number;
  readonly messagesPerSec: number;
  readonly windowsOut: number;
  readonly hypes: readonly string[];
}

/** Everything the page receives, one JSON object per server-sent event. */
export type WallUpdate = RateUpdate | HypeUpdate | FeedUpdate | AdUpdate | StatusUpdate;

const MAX_TEXT = 300;
const FEED_KINDS = new Set(['sub', 'resub', 'subgift', 'anonsubgift', 'submysterygift', 'anonsubmysterygift', 'giftpaidupgrade', 'primepaidupgrade', 'raid']);

function clip(text: string | null | undefined): string {
  if (!text) return '';
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${round1(ms / 1000)} s`;
}

/**
 * Turns records (of the derived topics, of `twitch.chat.events`, or of the in-process
 * {@link LiveRecord}s) into wall updates, and keeps what a page that connects later needs to
 * catch up. Strings are passed on as data, never as markup: the page sets them with
 * `textContent`, and the server sends them JSON-encoded.
 *
 * @example
 * const feed = new WallFeed(() => Date.now());
 * for (const u of feed.chatRate(rate)) server.publish(u);
 */
export class WallFeed {
  private readonly names = new Map<string, string>();
  /** Sparkline points by `roomId/sizeMs`, then window start. */
  private readonly rates = new Map<string, Map<number, RateUpdate>>();
  private readonly hypes = new Map<string, HypeUpdate>();
  private readonly ads = new Map<string, AdUpdate>();
  private readonly feedItems: FeedUpdate[] = [];
  private readonly bombOrigins = new Set<string>();
  private status: StatusUpdate | null = null;

  /** The state each ad window was last sent with, by room. */
  private readonly adStatesSent = new Map<string, AdState>();

  /**
   * @param now the source's current time, epoch ms (for the rate of an open window and where ad windows stand)
   * @param options how many sparkline points per channel and feed lines are kept for catch-up;
   *   `bucketMs`, the hype detector's bucket (10 s), for the hype card's rate label
   */
  constructor(
    private readonly now: () => number,
    private readonly options: { readonly points?: number; readonly feedLines?: number; readonly bucketMs?: number } = {},
  ) {}

  /** Remembers an emote's name (its text in a message), so panels show `Kappa` rather than `25`. */
  nameEmote(id: string, name: string): void {
    if (this.names.has(id)) return;
    if (this.names.size >= 10_000) this.names.clear();
    this.names.set(id, clip(name));
  }

  /** The update for any in-process record. */
  live(record: LiveRecord): WallUpdate[] {
    switch (record.kind) {
      case 'chat_rate': return this.chatRate(record.value);
      case 'hype': return this.hype(record.value);
      case 'hype_progress': return this.hypeProgress(record.value);
      case 'sub_burst': return this.subBurst(record.value);
      case 'ad_window': return this.adWindow(record.value);
      case 'chat_event': return this.chatEvent(record.value);
    }
  }

  /** A `pulse.chat-rates` record, final or early. */
  chatRate(r: ChatRate): WallUpdate[] {
    const elapsedMs = r.early ? Math.min(r.sizeMs, Math.max(1_000, this.now() - r.windowStartMs)) : r.sizeMs;
    const update: RateUpdate = {
      type: 'rate', channel: r.channel, roomId: r.roomId, windowStartMs: r.windowStartMs, sizeMs: r.sizeMs,
      messages: r.messages, chatters: r.chatters, ratePerMin: round1((r.messages * 60_000) / elapsedMs),
      rateLabel: r.early ? `msgs/min, open ${seconds(r.sizeMs)} window so far` : `msgs/min, last ${seconds(r.sizeMs)} window`,
      topEmotes: this.emotes(r.topEmotes), early: r.early,
    };
    const key = `${r.roomId}/${r.sizeMs}`;
    let series = this.rates.get(key);
    if (!series) this.rates.set(key, (series = new Map()));
    // An early update never replaces the final result of its window (it may arrive after it).
    if (update.early && series.get(r.windowStartMs)?.early === false) return [];
    series.set(r.windowStartMs, update);
    const max = this.options.points ?? 30;
    if (series.size > max) {
      const starts = [...series.keys()].sort((a, b) => a - b);
      for (const start of starts.slice(0, starts.length - max)) series.delete(start);
    }
    return [update];
  }

  /** A `pulse.hype` record: a hype that has ended. */
  hype(h: Hype): WallUpdate[] {
    return this.keepHype({
      type: 'hype', channel: h.channel, roomId: h.roomId, beginMs: h.beginMs, endMs: h.endMs, ratePerMin: round1(h.peakRatePerMin),
      rateLabel: `peak msgs/min, busiest ${seconds(this.bucketMs)} bucket`,
      peakRatePerMin: round1(h.peakRatePerMin), baselineRatePerMin: round1(h.baselineRatePerMin), messages: h.messages,
      // Records written before hype.avsc had `alert` decode without it.
      topEmotes: this.emotes(h.topEmotes), alert: h.alert ?? false, early: false,
    });
  }

  /** A hype in progress (in-process only). */
  hypeProgress(p: HypeProgress): WallUpdate[] {
    return this.progress(p, `msgs/min, last closed ${seconds(this.bucketMs)} bucket`);
  }

  /**
   * A `pulse.hype-starts` record: on Kafka, a hype is in progress from its start until its
   * `pulse.hype` record (the end) arrives; an end already seen wins. A second announcement of
   * the same hype (it crossed the alert severity) turns it into an alert.
   */
  hypeStart(s: HypeStart): WallUpdate[] {
    const known = this.hypes.get(s.roomId);
    const same = known !== undefined && known.beginMs === s.beginMs && known.endMs === null;
    return this.progress({
      channel: s.channel, roomId: s.roomId, beginMs: s.beginMs, ratePerMin: s.ratePerMin, peakRatePerMin: same ? Math.max(known.peakRatePerMin, s.ratePerMin) : s.ratePerMin,
      baselineRatePerMin: s.baselineRatePerMin, messages: same ? known.messages : s.messages, topEmotes: [], alert: s.alert ?? false, early: false,
    }, `msgs/min, the ${seconds(this.bucketMs)} bucket that began it`);
  }

  private progress(p: HypeProgress, rateLabel: string): WallUpdate[] {
    const known = this.hypes.get(p.roomId);
    if (known && known.endMs !== null && known.beginMs === p.beginMs) return [];
    const alert = p.alert || (known !== undefined && known.beginMs === p.beginMs && known.alert);
    return this.keepHype({
      type: 'hype', channel: p.channel, roomId: p.roomId, beginMs: p.beginMs, endMs: null, ratePerMin: round1(p.ratePerMin), rateLabel,
      peakRatePerMin: round1(p.peakRatePerMin), baselineRatePerMin: round1(p.baselineRatePerMin), messages: p.messages,
      topEmotes: this.emotes(p.topEmotes), alert, early: p.early,
    });
  }

  /** A `pulse.sub-bursts` record. */
  subBurst(b: SubBurst): WallUpdate[] {
    const gifters = b.topGifters.map((g) => `${g.login} ×${g.gifts}`).join(', ');
    return [this.keepFeed({
      type: 'feed', kind: 'sub_burst', id: `burst/${b.roomId}/${b.beginMs}`, channel: b.channel, atMs: b.endMs,
      who: `${b.distinctContributors} people`, count: b.contributions, detail: clip(gifters ? `top gifters: ${gifters}` : `${b.giftedSubs} gifted`),
    })];
  }

  /**
   * A `pulse.ad-windows` record. A cancellation (same identity, `cancelledAtMs` set) replaces
   * the window it cancels; an older window of the channel, or the uncancelled form of one
   * already cancelled, changes nothing.
   */
  adWindow(a: AdWindow): WallUpdate[] {
    // Records written before ad-window.avsc had `cancelledAtMs` decode without it.
    const cancelledAtMs = a.cancelledAtMs ?? null;
    const known = this.ads.get(a.roomId);
    if (known && (a.startMs < known.startMs || (a.startMs === known.startMs && known.cancelledAtMs !== null && cancelledAtMs === null))) return [];
    const update: AdUpdate = {
      type: 'ad', channel: a.channel, roomId: a.roomId, startMs: a.startMs, endMs: a.endMs, score: a.score, reason: clip(a.reason), cancelledAtMs,
      state: adState({ startMs: a.startMs, endMs: a.endMs, cancelledAtMs }, this.now(), this.inHype(a.roomId)),
    };
    return [this.keepAd(update)];
  }

  /**
   * Ad windows whose state has changed since they were last sent: time moved them (`soon` to
   * `now` to `passed`) or a hype began or ended. The sources call it with each status tick;
   * hype updates carry it for their channel already.
   */
  due(): AdUpdate[] {
    const out: AdUpdate[] = [];
    for (const roomId of this.ads.keys()) out.push(...this.adChanged(roomId));
    return out;
  }

  /**
   * A `twitch.chat.events` record: subs, resubs, single gifts, gift bombs and raids make feed
   * lines; the individual gifts of a gift bomb are folded into the bomb's line; other kinds
   * (announcements, rituals, …) are not shown.
   */
  chatEvent(e: ChatEvent): WallUpdate[] {
    if (!FEED_KINDS.has(e.kind)) return [];
    const mass = e.kind === 'submysterygift' || e.kind === 'anonsubmysterygift';
    if (mass && e.originId) {
      if (this.bombOrigins.size >= 1_000) this.bombOrigins.clear();
      this.bombOrigins.add(`${e.roomId}/${e.originId}`);
    }
    if ((e.kind === 'subgift' || e.kind === 'anonsubgift') && e.originId && this.bombOrigins.has(`${e.roomId}/${e.originId}`)) return [];
    const who = e.kind === 'raid' ? (e.raiderLogin ?? e.displayName) : e.kind.startsWith('anon') ? 'an anonymous gifter' : e.displayName || e.login;
    const count = mass ? (e.massGiftCount ?? 1) : e.kind === 'raid' ? (e.viewerCount ?? 0) : 1;
    const detail = e.kind === 'subgift' || e.kind === 'anonsubgift'
      ? `to ${e.recipientDisplayName ?? e.recipientLogin ?? '?'}`
      : e.kind === 'resub' ? `${e.cumulativeMonths ?? '?'} months${e.text ? `: ${e.text}` : ''}` : (e.text ?? '');
    return [this.keepFeed({ type: 'feed', kind: e.kind, id: e.id, channel: e.channel, atMs: e.eventTimeMs, who: clip(who), count, detail: clip(detail) })];
  }

  /** Sets the status shown in the header; kept for catch-up. */
  setStatus(status: Omit<StatusUpdate, 'type'>): StatusUpdate {
    this.status = { type: 'status', ...status, hypes: status.hypes.map(clip) };
    return this.status;
  }

  /**
   * What a page that connects now needs, as updates it applies in order like live ones:
   * status, the retained sparkline points, hypes, ad windows and the feed, oldest first.
   */
  snapshot(): WallUpdate[] {
    const rates = [...this.rates.values()].flatMap((series) => [...series.values()]).sort((a, b) => a.windowStartMs - b.windowStartMs);
    // Where each window stands now; what live pages were last sent is left to due().
    const ads = [...this.ads.values()].map((ad) => ({ ...ad, state: adState(ad, this.now(), this.inHype(ad.roomId)) }));
    return [...(this.status ? [this.status] : []), ...rates, ...this.hypes.values(), ...ads, ...this.feedItems];
  }

  private get bucketMs(): number {
    return this.options.bucketMs ?? 10_000;
  }

  private inHype(roomId: string): boolean {
    return this.hypes.get(roomId)?.endMs === null;
  }

  private keepAd(update: AdUpdate): AdUpdate {
    this.ads.set(update.roomId, update);
    this.adStatesSent.set(update.roomId, update.state);
    return update;
  }

  private adChanged(roomId: string): AdUpdate[] {
    const ad = this.ads.get(roomId);
    if (!ad) return [];
    const state = adState(ad, this.now(), this.inHype(roomId));
    if (state === this.adStatesSent.get(roomId)) return [];
    return [this.keepAd({ ...ad, state })];
  }

  private emotes(list: ReadonlyArray<{ id: string; count: number }>): WallEmote[] {
    return list.map((e) => ({ id: clip(e.id), name: this.names.get(e.id) ?? clip(e.id), count: e.count }));
  }

  /** Keeps a hype and returns it with the channel's ad window if the hype moved its state. */
  private keepHype(update: HypeUpdate): WallUpdate[] {
    this.hypes.set(update.roomId, update);
    return [update, ...this.adChanged(update.roomId)];
  }

  private keepFeed(update: FeedUpdate): FeedUpdate {
    this.feedItems.push(update);
    const max = this.options.feedLines ?? 50;
    if (this.feedItems.length > max) this.feedItems.splice(0, this.feedItems.length - max);
    return update;
  }
}
