import { ConfigError } from '../core/errors.ts';
import type { ChatEvent } from '../schemas/types.ts';
import type { StreamOperator } from './operator.ts';
import { SubContributions, type SubContribution } from './subContributions.ts';

/** `sub-burst.avsc`. */
export interface SubBurst {
  channel: string;
  roomId: string;
  beginMs: number;
  endMs: number;
  contributions: number;
  distinctContributors: number;
  giftedSubs: number;
  topGifters: Array<{ login: string; gifts: number }>;
}

/** Settings: modelled on Twitch's Hype Train (a few distinct contributors within 5 minutes). */
export interface SubBurstSettings {
  readonly spanMs: number;
  readonly minContributors: number;
}

/** Validated settings; defaults 5 minutes and 3 distinct contributors. */
export function subBurstSettings(over: Partial<SubBurstSettings> = {}): SubBurstSettings {
  const s = { spanMs: 300_000, minContributors: 3, ...over };
  if (!(Number.isInteger(s.spanMs) && s.spanMs > 0)) throw new ConfigError('spanMs', `must be > 0 ms, got ${s.spanMs}`);
  if (!(Number.isInteger(s.minContributors) && s.minContributors >= 2)) throw new ConfigError('minContributors', `must be an integer >= 2, got ${s.minContributors}`);
  return Object.freeze(s);
}

interface Entry { tsMs: number; c: SubContribution }
interface ChannelState { channel: string; roomId: string; recent: Entry[]; burst: Entry[] | null }

/**
 * Sub bursts: subscription contributions from at least `minContributors` distinct users within a
 * sliding `spanMs`. A burst begins at the first contribution of the span that crossed the
 * threshold and lasts while contributions keep coming within `spanMs` of each other; it is emitted
 * once stream time passes its last contribution + `spanMs`, with its contribution count (mass
 * gifts by their count), distinct contributors and top gifters.
 */
export class SubBurstOperator implements StreamOperator<ChatEvent, SubBurst> {
  readonly name = 'sub_bursts';
  private readonly contributions = new SubContributions();
  private readonly channels = new Map<string, ChannelState>();
  private streamTime = -Infinity;

  constructor(private readonly settings: SubBurstSettings = subBurstSettings()) {}

  /** State for a checkpoint (see stateCodec). */
  snapshot(): unknown {
    return { channels: this.channels, streamTime: this.streamTime, origins: this.contributions.snapshot() };
  }

  /** Restores {@link snapshot}. */
  restore(state: unknown): void {
    const s = state as { channels: Map<string, ChannelState>; streamTime: number; origins: unknown };
    this.channels.clear();
    for (const [k, v] of s.channels) this.channels.set(k, v);
    this.streamTime = s.streamTime;
    this.contributions.restore(s.origins);
  }

  process(event: ChatEvent): SubBurst[] {
    if (event.eventTimeMs > this.streamTime) this.streamTime = event.eventTimeMs;
    const out = this.close(this.streamTime);
    const c = this.contributions.read(event);
    if (!c || c.type === 'upgrade') return out;
    let st = this.channels.get(event.roomId);
    if (!st) this.channels.set(event.roomId, (st = { channel: event.channel, roomId: event.roomId, recent: [], burst: null }));
    const entry = { tsMs: event.eventTimeMs, c };
    if (st.burst) {
      st.burst.push(entry);
      return out;
    }
    st.recent.push(entry);
    st.recent = st.recent.filter((e) => e.tsMs > entry.tsMs - this.settings.spanMs);
    if (new Set(st.recent.map((e) => e.c.contributor)).size >= this.settings.minContributors) {
      st.burst = st.recent;
      st.recent = [];
    }
    return out;
  }

  flush(): SubBurst[] {
    return this.close(Infinity);
  }

  private close(streamTimeMs: number): SubBurst[] {
    const out: SubBurst[] = [];
    for (const st of this.channels.values()) {
      const last = st.burst?.[st.burst.length - 1];
      if (!st.burst || !last || last.tsMs + this.settings.spanMs >= streamTimeMs) continue;
      out.push(summarise(st, st.burst));
      st.burst = null;
    }
    return out.sort((a, b) => a.endMs - b.endMs);
  }
}

function summarise(st: ChannelState, entries: Entry[]): SubBurst {
  const gifts = new Map<string, number>();
  let contributions = 0;
  let giftedSubs = 0;
  for (const { c } of entries) {
    contributions += c.count;
    if (c.type === 'gift' || c.type === 'mass_gift') {
      giftedSubs += c.count;
      gifts.set(c.contributor, (gifts.get(c.contributor) ?? 0) + c.count);
    }
  }
  return {
    channel: st.channel, roomId: st.roomId, beginMs: entries[0]!.tsMs, endMs: entries[entries.length - 1]!.tsMs,
    contributions, distinctContributors: new Set(entries.map((e) => e.c.contributor)).size, giftedSubs,
    topGifters: [...gifts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([login, n]) => ({ login, gifts: n })),
  };
}
