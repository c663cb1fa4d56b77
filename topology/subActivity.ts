import type { ChatEvent } from '../schemas/types.ts';
import type { LateSink, StreamOperator } from './operator.ts';
import { SubContributions } from './subContributions.ts';
import { WindowedAggregate, type ClosedWindow } from './windowedAggregate.ts';
import type { TumblingWindows } from './windows.ts';

/** `sub-activity.avsc`. */
export interface SubActivity {
  channel: string;
  roomId: string;
  windowStartMs: number;
  windowEndMs: number;
  sizeMs: number;
  subs: number;
  resubs: number;
  giftedSubs: number;
  massGifts: number;
  upgrades: number;
  prime: number;
  tier1: number;
  tier2: number;
  tier3: number;
  early: boolean;
}

type Counts = Omit<SubActivity, 'windowStartMs' | 'windowEndMs' | 'sizeMs' | 'early'>;

const PLAN_FIELD: Record<string, 'prime' | 'tier1' | 'tier2' | 'tier3'> = { Prime: 'prime', '1000': 'tier1', '2000': 'tier2', '3000': 'tier3' };

/**
 * Subscriptions per channel and event-time tumbling window: subs, resubs, gifted subs (a mass
 * gift once, by its count), mass gifts, upgrades, and contributions by plan. Windows with no
 * subscription activity emit nothing.
 */
export class SubActivityOperator implements StreamOperator<ChatEvent, SubActivity> {
  readonly name: string;
  private readonly contributions = new SubContributions();
  private readonly store: WindowedAggregate<Counts, Counts>;

  constructor(windows: TumblingWindows, private readonly onLate: LateSink = () => undefined) {
    this.name = `sub_activity_${windows.sizeMs / 1000}s`;
    this.store = new WindowedAggregate(windows, {
      init: () => ({ channel: '', roomId: '', subs: 0, resubs: 0, giftedSubs: 0, massGifts: 0, upgrades: 0, prime: 0, tier1: 0, tier2: 0, tier3: 0 }),
      add(acc, delta) {
        acc.channel = delta.channel;
        acc.roomId = delta.roomId;
        for (const k of ['subs', 'resubs', 'giftedSubs', 'massGifts', 'upgrades', 'prime', 'tier1', 'tier2', 'tier3'] as const) acc[k] += delta[k];
      },
    });
  }

  /** The windows' restart position; see {@link WindowedAggregate.lowWatermark}. */
  get windowStore(): WindowedAggregate<Counts, Counts> {
    return this.store;
  }

  /** Gift-origin memory, saved and restored around restarts. */
  get giftOrigins(): SubContributions {
    return this.contributions;
  }

  process(event: ChatEvent, offset = -1): SubActivity[] {
    const c = this.contributions.read(event);
    if (!c) return this.store.advance(event.eventTimeMs).map((w) => this.result(w));
    const delta: Counts = { channel: event.channel, roomId: event.roomId, subs: 0, resubs: 0, giftedSubs: 0, massGifts: 0, upgrades: 0, prime: 0, tier1: 0, tier2: 0, tier3: 0 };
    if (c.type === 'sub') delta.subs = 1;
    else if (c.type === 'resub') delta.resubs = 1;
    else if (c.type === 'gift') delta.giftedSubs = 1;
    else if (c.type === 'mass_gift') {
      delta.massGifts = 1;
      delta.giftedSubs = c.count;
    } else delta.upgrades = 1;
    const plan = c.plan ? PLAN_FIELD[c.plan] : undefined;
    if (plan && c.type !== 'upgrade') delta[plan] += c.count;
    const { closed, late } = this.store.add(event.roomId, event.eventTimeMs, delta, offset);
    if (late) this.onLate(this.name, late);
    return closed.map((w) => this.result(w));
  }

  flush(): SubActivity[] {
    return this.store.flush().map((w) => this.result(w));
  }

  private result(w: ClosedWindow<Counts>): SubActivity {
    return { ...w.aggregate, windowStartMs: w.windowStartMs, windowEndMs: w.windowEndMs, sizeMs: this.store.windows.sizeMs, early: false };
  }
}
