import type { ChatMessage } from '../schemas/types.ts';
import { NOTHING, type LateSink, type StreamOperator } from './operator.ts';
import { DistinctCount } from './distinctCount.ts';
import { Tally } from './tally.ts';
import { SHORT_MESSAGE_MAX_CHARS } from './shortMessages.ts';
import { WindowedAggregate, type ClosedWindow } from './windowedAggregate.ts';
import type { TumblingWindows } from './windows.ts';

/** `chat-rate.avsc`: chat activity of one channel in one window. */
export interface ChatRate {
  channel: string;
  roomId: string;
  windowStartMs: number;
  windowEndMs: number;
  sizeMs: number;
  messages: number;
  chatters: number;
  firstTimeChatters: number;
  emoteOnlyMessages: number;
  /** Messages of at most {@link SHORT_MESSAGE_MAX_CHARS} characters (reactions are short); absent in records written before it existed. */
  shortMessages?: number;
  bits: number;
  topEmotes: Array<{ id: string; count: number }>;
  early: boolean;
}

interface Accumulator {
  channel: string;
  roomId: string;
  messages: number;
  chatters: DistinctCount<number | string>;
  firstTime: number;
  emoteOnly: number;
  short: number;
  bits: number;
  emotes: Tally;
}

/** How many emotes a window reports. */
export const TOP_EMOTES = 5;

/**
 * Chat rate per channel and event-time tumbling window: messages, distinct chatters (by user
 * id, else login), first-time chatters, emote-only and short messages, bits and the top emotes.
 * Final results only, emitted when the window closes.
 *
 * @example new ChatRateOperator(tumblingWindows({ sizeMs: 10_000, graceMs: 5_000 }))
 */
export class ChatRateOperator implements StreamOperator<ChatMessage, ChatRate> {
  readonly name: string;
  private readonly store: WindowedAggregate<ChatMessage, Accumulator>;

  constructor(windows: TumblingWindows, private readonly onLate: LateSink = () => undefined) {
    this.name = `chat_rate_${windows.sizeMs / 1000}s`;
    this.store = new WindowedAggregate(windows, {
      init: () => ({ channel: '', roomId: '', messages: 0, chatters: new DistinctCount(), firstTime: 0, emoteOnly: 0, short: 0, bits: 0, emotes: new Tally() }),
      add(acc, m) {
        // Only on change: each message's strings are new, and one kept per open window survives
        // into the old generation.
        if (acc.channel !== m.channel) acc.channel = m.channel;
        if (acc.roomId !== m.roomId) acc.roomId = m.roomId;
        acc.messages++;
        acc.chatters.add(chatterKey(m));
        if (m.firstMsg) acc.firstTime++;
        if (m.emoteOnly) acc.emoteOnly++;
        if (m.text.length <= SHORT_MESSAGE_MAX_CHARS) acc.short++;
        acc.bits += m.bits;
        for (const e of m.emotes) acc.emotes.add(e.id, e.count);
      },
    });
  }

  /** The windows' restart position; see {@link WindowedAggregate.lowWatermark}. */
  get windowStore(): WindowedAggregate<ChatMessage, Accumulator> {
    return this.store;
  }

  /** Open windows across all channels (state size). */
  get openWindows(): number {
    return this.store.openWindows;
  }

  process(m: ChatMessage, offset = -1): ChatRate[] {
    const { closed, late } = this.store.add(m.roomId, m.eventTimeMs, m, offset);
    if (late) this.onLate(this.name, late);
    return closed.length === 0 ? (NOTHING as never[]) : closed.map((w) => this.result(w, false));
  }

  flush(): ChatRate[] {
    return this.store.flush().map((w) => this.result(w, false));
  }

  /** Early (non-final) results of the open windows, marked `early: true`. */
  early(): ChatRate[] {
    return this.store.peek().map((w) => this.result(w, true));
  }

  private result(w: ClosedWindow<Accumulator>, early: boolean): ChatRate {
    const a = w.aggregate;
    return {
      channel: a.channel, roomId: a.roomId, windowStartMs: w.windowStartMs, windowEndMs: w.windowEndMs,
      sizeMs: this.store.windows.sizeMs, messages: a.messages, chatters: a.chatters.size, firstTimeChatters: a.firstTime,
      emoteOnlyMessages: a.emoteOnly, shortMessages: a.short, bits: a.bits, topEmotes: topCounts(a.emotes, TOP_EMOTES), early,
    };
  }
}

/**
 * A chatter's identity for counting distinct chatters: the user id, else the login. A user id
 * in canonical decimal form (what Twitch sends) becomes a number, which V8 keeps unboxed below
 * 2^31: a window's set then neither hashes a fresh id string per message nor keeps one alive per
 * chatter (10,000 channels' open windows held hundreds of thousands). Other ids stay strings, so
 * two different strings never become one chatter.
 */
export function chatterKey(m: Pick<ChatMessage, 'userId' | 'login'>): number | string {
  const id = m.userId;
  if (!id) return m.login;
  const n = id.length;
  if (n > 15 || id.charCodeAt(0) === 48) return id;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return id;
  }
  return +id;
}

/** The `n` largest counts, largest first, ties by id. */
export function topCounts(counts: Iterable<readonly [string, number]>, n: number): Array<{ id: string; count: number }> {
  return [...counts]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .slice(0, n)
    .map(([id, count]) => ({ id, count }));
}
