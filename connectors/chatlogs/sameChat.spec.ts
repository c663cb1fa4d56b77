import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateChat, simulatedChannels } from '../simulator/chatSimulator.ts';
import { parseChatLine } from '../twitch/chatRecord.ts';
import type { ChatEvent, ChatMessage } from '../../schemas/types.ts';
import { Analysis, type AnalyzeRecord } from '../../topology/analyze.ts';
import { CHAT_DOWNLOADER_EVENT_TYPES } from './chatDownloader.ts';
import { readChatLog } from './readChatLog.ts';

// Ten simulated minutes of one busy channel, with gift bombs, subs and raids, written out in each
// log format the way its tool would write it; analysed, every format must give the chat-rate
// windows the raw IRC gives (and the sub activity, where the format carries events). Emotes are
// compared by id and count: their names are learned from raw IRC lines only.
const START_MS = Date.parse('2024-03-05T19:00:00Z');
const channel = simulatedChannels(2)[1]!;
const lines = [...simulateChat({ channels: [channel], startMs: START_MS, durationMs: 10 * 60_000, seed: 23, giftBombChancePerSecond: 1 / 120 })];
const records = lines.map((l) => parseChatLine(l, 0));
const messages = records.filter((r) => r.kind === 'message').map((r) => r.value as ChatMessage);
const events = records.filter((r) => r.kind === 'event').map((r) => r.value as ChatEvent);

const PLAN_NAMES: Record<string, string> = { Prime: 'Prime', '1000': 'Tier 1', '2000': 'Tier 2', '3000': 'Tier 3' };
const EVENT_TYPES = Object.fromEntries(Object.entries(CHAT_DOWNLOADER_EVENT_TYPES).map(([type, msgId]) => [msgId, type]));
const iso = (ms: number) => new Date(ms).toISOString();
const clock = (ms: number) => iso(ms).slice(11, 23); // hh:mm:ss.zzz

async function analyze(text: string, fileName?: string, channelLogin?: string) {
  const out: AnalyzeRecord[] = [];
  const analysis = new Analysis((r) => out.push(r));
  async function* source() {
    yield Buffer.from(text);
  }
  const { format } = await readChatLog(source(), analysis, { fileName, channel: channelLogin, warn: () => {} });
  analysis.finish({ format });
  return out;
}

const rates = (out: AnalyzeRecord[], withEmotes: boolean) =>
  out.filter((r) => r.kind === 'chat_rate').map((r) => ({ channel: r.channel, windowStart: r.windowStart, messages: r.messages, chatters: r.chatters, bits: r.bits, ...(withEmotes ? { topEmotes: (r.topEmotes as Array<{ id: string; count: number }>).map(({ id, count }) => ({ id, count })) } : {}) }));
const subs = (out: AnalyzeRecord[]) => out.filter((r) => r.kind === 'sub_activity').map(({ roomId: _r, ...rest }) => rest);
const summaryOf = (out: AnalyzeRecord[]) => out[out.length - 1]!;

describe('the same chat in every format', async () => {
  const irc = await analyze(lines.join('\n') + '\n');

  it('is a real test: the simulation has messages, bits, emotes and sub activity', () => {
    assert.ok(messages.length > 1000 && events.length > 5);
    assert.ok(rates(irc, true).some((r) => (r.bits as number) > 0 && (r.topEmotes as unknown[]).length > 0));
    assert.ok(subs(irc).length > 0);
  });

  it('chat-downloader JSON gives the same windows, emotes and sub activity as raw IRC', async () => {
    const items = [
      ...messages.map((m) => ({
        author: { id: m.userId, name: m.login, display_name: m.displayName }, channel_id: m.roomId, bits: m.bits || undefined,
        emotes: m.emotes.map((e) => ({ id: e.id, locations: Array.from({ length: e.count }, (_, i) => `${i}-${i}`) })),
        message: m.text, message_id: m.id, message_type: 'text_message', timestamp: m.eventTimeMs * 1000,
      })),
      ...events.map((e) => ({
        author: { id: e.userId, name: e.login, display_name: e.displayName }, channel_id: e.roomId, message: e.text ?? undefined,
        message_id: e.id, message_type: EVENT_TYPES[e.msgId], timestamp: e.eventTimeMs * 1000, cumulative_months: e.cumulativeMonths ?? undefined,
        subscription_type: e.subPlan ? PLAN_NAMES[e.subPlan] : undefined, mass_gift_count: e.massGiftCount ?? undefined,
        sender_count: e.senderCount ?? undefined, gift_recipient_id: e.recipientId ?? undefined, origin_id: e.originId ?? undefined,
        number_of_raiders: e.viewerCount ?? undefined, raider_name: e.raiderLogin ?? undefined,
      })),
    ].sort((a, b) => a.timestamp - b.timestamp);
    const out = await analyze(JSON.stringify(items, null, 4), undefined, channel.login);
    assert.deepEqual(rates(out, true), rates(irc, true));
    assert.deepEqual(subs(out), subs(irc));
    assert.equal(summaryOf(out).late, summaryOf(irc).late);
  });

  it('TwitchDownloader JSON gives the same windows and emotes as raw IRC', async () => {
    const comments = messages.map((m) => ({
      _id: m.id, created_at: iso(m.eventTimeMs), channel_id: m.roomId, content_offset_seconds: (m.eventTimeMs - START_MS) / 1000,
      commenter: { _id: m.userId, name: m.login, display_name: m.displayName },
      message: {
        body: m.text, bits_spent: m.bits,
        fragments: [{ text: m.text, emoticon: null }, ...m.emotes.flatMap((e) => Array.from({ length: e.count }, () => ({ text: 'E', emoticon: { emoticon_id: e.id } })))],
        user_badges: Object.entries(m.badges).map(([_id, version]) => ({ _id, version })),
      },
    }));
    const file = { streamer: { name: channel.login, id: Number(channel.roomId) }, video: { created_at: iso(START_MS), start: 0, end: 600 }, comments };
    const out = await analyze(JSON.stringify(file));
    assert.deepEqual(rates(out, true), rates(irc, true));
  });

  it('a Chatterino log (millisecond timestamps, CET) gives the same windows as raw IRC', async () => {
    const cet = (ms: number) => ms + 3_600_000;
    const text = [`# Start logging at ${iso(cet(START_MS)).slice(0, 10)} ${clock(cet(START_MS)).slice(0, 8)} CET`, ...messages.map((m) => `[${clock(cet(m.eventTimeMs))}] ${m.login}: ${m.text}`)].join('\n') + '\n';
    const out = await analyze(text, `/logs/Twitch/Channels/${channel.login}/${channel.login}-2024-03-05.log`);
    assert.equal(summaryOf(out).format, 'chatterino');
    assert.deepEqual(rates(out, false), rates(irc, false).map((r) => ({ ...r, bits: 0 })));
  });

  it('the justlog text export (whole seconds) gives the same window counts as raw IRC', async () => {
    const text = messages.map((m) => `[${iso(m.eventTimeMs).slice(0, 19).replace('T', ' ')}] #${m.channel} ${m.login}: ${m.text}`).join('\r\n') + '\r\n';
    const out = await analyze(text);
    assert.equal(summaryOf(out).format, 'justlog-text');
    assert.deepEqual(rates(out, false).map((r) => ({ ...r, bits: 0 })), rates(irc, false).map((r) => ({ ...r, bits: 0 })));
  });
});
