import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ChatIngester } from '../connectors/twitch/chatIngest.ts';
import { Analysis, type AnalyzeRecord } from './analyze.ts';

// Real recorded #pajlada PRIVMSG lines (test/fixtures/irc/privmsg.log), re-timed so the windows
// can be counted by hand. Users: line 7 → 29803735, 9 → 117166826, 10 and 12 → 40286300,
// 11 → 39565465 (emote-only), 13 → 36175310 (bits=1), 18 → 65897106, 20 → 125608098 (bits=2).
const recorded = readFileSync(new URL('../test/fixtures/irc/privmsg.log', import.meta.url), 'utf8').split('\n');
const T = 1_700_000_040_000; // a multiple of 60 s
const at = (lineNo: number, offsetMs: number) => recorded[lineNo - 1]!.replace(/tmi-sent-ts=\d+/, `tmi-sent-ts=${T + offsetMs}`);

function analyze(lines: string[], options = { windowMs: 60_000, graceMs: 5_000 }): AnalyzeRecord[] {
  const out: AnalyzeRecord[] = [];
  const analysis = new Analysis((r) => out.push(r), options);
  const ingester = new ChatIngester(analysis);
  for (const l of lines) ingester.line(l, 0);
  analysis.finish();
  return out;
}

describe('analyze', () => {
  it('equals hand-counted windows on recorded chat, with out-of-order and late lines', () => {
    const out = analyze([
      at(7, 1_000), at(9, 30_000), at(10, 59_999), at(11, 60_000), at(12, 62_000),
      at(13, 20_000), // out of order, within grace: counts in the first window
      at(18, 70_000), // stream time passes T + 65 s: the first window closes
      at(20, 4_000), // late: its window closed, so it is counted as late, not in a window
    ]);
    const rates = out.filter((r) => r.kind === 'chat_rate').map(({ kind, channel, windowStart, windowEnd, messages, chatters, emoteOnlyMessages, bits }) => ({ kind, channel, windowStart, windowEnd, messages, chatters, emoteOnlyMessages, bits }));
    assert.deepEqual(rates, [
      { kind: 'chat_rate', channel: 'pajlada', windowStart: T, windowEnd: T + 60_000, messages: 4, chatters: 4, emoteOnlyMessages: 0, bits: 1 },
      { kind: 'chat_rate', channel: 'pajlada', windowStart: T + 60_000, windowEnd: T + 120_000, messages: 3, chatters: 3, emoteOnlyMessages: 1, bits: 0 },
    ]);
    assert.deepEqual(out[out.length - 1], { kind: 'summary', lines: 8, messages: 8, events: {}, other: 0, cheers: 2, bits: 3, malformed: 0, late: 1 });
    assert.equal(out[0]!.kind, 'chat_rate', 'the first window is written when it closes, before the rest are flushed');
  });

  it('counts events by the msg-id Twitch sent, unknown for none, and malformed lines', () => {
    const out = analyze([
      '@id=a;msg-id=raid;msg-param-viewerCount=5;room-id=1;tmi-sent-ts=1000 :tmi.twitch.tv USERNOTICE #c',
      '@id=b;msg-id=newthing;room-id=1;tmi-sent-ts=1001 :tmi.twitch.tv USERNOTICE #c',
      '@id=c;room-id=1;tmi-sent-ts=1002 :tmi.twitch.tv USERNOTICE #c',
      '@id=d;login=s;msg-id=sub;msg-param-sub-plan=1000;room-id=1;tmi-sent-ts=1003 :tmi.twitch.tv USERNOTICE #c',
      '!!! not irc',
      '',
    ]);
    assert.deepEqual(out[out.length - 1], { kind: 'summary', lines: 6, messages: 0, events: { raid: 1, newthing: 1, unknown: 1, sub: 1 }, other: 0, cheers: 0, bits: 0, malformed: 2, late: 0 });
    const subs = out.filter((r) => r.kind === 'sub_activity');
    assert.deepEqual(subs.map((s) => [s.channel, s.subs, s.tier1]), [['c', 1, 1]]);
  });

  it('writes only a summary for empty input', () => {
    assert.deepEqual(analyze([]), [{ kind: 'summary', lines: 0, messages: 0, events: {}, other: 0, cheers: 0, bits: 0, malformed: 0, late: 0 }]);
  });
});
