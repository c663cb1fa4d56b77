import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import { REPO_ROOT } from '../../core/config.ts';
import type { ChatMessage } from '../../schemas/types.ts';
import { ChatterinoReader, chatterinoSource, zoneOffsetMinutes, type ChatterinoSource } from './chatterino.ts';
import type { ChatLogEntry } from './records.ts';

const PATH = `${REPO_ROOT}/test/fixtures/chatlogs/examplechan-2024-03-05.log`;

function read(lines: readonly string[], source: ChatterinoSource = { channel: 'c', date: '2024-03-05' }, warnings: string[] = []): ChatLogEntry[] {
  const reader = new ChatterinoReader(source, (w) => warnings.push(w));
  return lines.map((line, i) => reader.line(line, i + 1, 5));
}
const value = (e: ChatLogEntry) => (e as { value: ChatMessage }).value;

describe('Chatterino logs', () => {
  it('takes channel and date from the path: folder, then file name; the caller wins', () => {
    assert.deepEqual(chatterinoSource('/home/a/Chatterino2/Logs/Twitch/Channels/forsen/forsen-2024-01-15.log'), { channel: 'forsen', date: '2024-01-15' });
    assert.deepEqual(chatterinoSource('C:\\Logs\\Twitch\\Channels\\xqc\\xqc-2024-01-15.log'), { channel: 'xqc', date: '2024-01-15' });
    assert.deepEqual(chatterinoSource('xqc-2024-01-15.log'), { channel: 'xqc', date: '2024-01-15' });
    assert.deepEqual(chatterinoSource('logs/xqc-40123456789.log'), { channel: 'xqc', date: null }, 'a stream log has no date in its name');
    assert.deepEqual(chatterinoSource('chat.txt'), { channel: null, date: null });
    assert.deepEqual(chatterinoSource(undefined, 'Pajlada'), { channel: 'pajlada', date: null });
  });

  it('reads the sample file line by line: messages, header, system line, malformed line', () => {
    const lines = readFileSync(PATH, 'utf8').split('\n').filter((l) => l !== '');
    const warnings: string[] = [];
    const entries = read(lines, chatterinoSource(PATH), warnings);
    assert.deepEqual(entries.map((e) => e.kind), ['other', 'message', 'message', 'other', 'message', 'malformed', 'message', 'other']);
    assert.deepEqual(warnings, []);
    const first = value(entries[1]!);
    assert.deepEqual({ ...first, id: 'x' }, {
      id: 'x', channel: 'examplechan', roomId: 'login:examplechan', userId: 'login:viewer_one', login: 'viewer_one',
      displayName: 'viewer_one', text: 'hello chat', eventTimeMs: Date.parse('2024-03-05T19:00:05Z'), receivedAtMs: 5,
      badges: {}, badgeInfo: {}, subscriberMonths: null, bits: 0, emotes: [], emoteCount: 0, emoteOnly: false, firstMsg: false,
      returningChatter: false, mod: false, vip: false, subscriber: false, replyParentMsgId: null, replyParentUserLogin: null,
      sourceRoomId: null, sourceId: null,
    });
    assert.match(first.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const localized = value(entries[2]!);
    assert.equal(localized.login, 'xiaoming');
    assert.equal(localized.displayName, '小明');
    assert.equal(localized.text, '你好 Kappa');
    assert.equal(value(entries[4]!).text, 'a message with: a colon', 'only the first ": " separates the login');
    assert.notEqual(value(entries[4]!).id, value(entries[6]!).id, 'the same line twice gives two ids (line number)');
    const bad = (entries[5] as { error: ChatLogEntryError }).error;
    assert.equal(bad.message, 'chatterino line 6: not a Chatterino log line ([time] login: text)');
  });

  it('reads times in the header zone (CET is UTC+1)', () => {
    const [, m] = read(['# Start logging at 2024-03-05 20:00:00 CET', '[20:00:05] a: b']);
    assert.equal(value(m!).eventTimeMs, Date.parse('2024-03-05T19:00:05Z'));
    const [, n] = read(['# Start logging at 2024-07-05 20:00:00 UTC-04:00', '[20:00:05] a: b']);
    assert.equal(value(n!).eventTimeMs, Date.parse('2024-07-06T00:00:05Z'));
  });

  it('reads 12-hour times, missing seconds and milliseconds', () => {
    const entries = read(['# Start logging at 2024-03-05 00:00:00 UTC', '[12:05 am] a: b', '[1:05:09.25 pm] a: b', '[12:00 pm] a: b']);
    assert.deepEqual(entries.slice(1).map((e) => new Date(value(e).eventTimeMs).toISOString()), [
      '2024-03-05T00:05:00.000Z', '2024-03-05T13:05:09.250Z', '2024-03-05T12:00:00.000Z',
    ]);
  });

  it('rolls to the next day when the time of day goes back by more than 12 hours (a stream log past midnight)', () => {
    const entries = read(['# Start logging at 2024-03-05 23:59:00 UTC', '[23:59:58] a: b', '[00:00:03] a: c', '[23:59:59] a: late but same day']);
    assert.deepEqual(entries.slice(1).map((e) => new Date(value(e).eventTimeMs).toISOString()), [
      '2024-03-05T23:59:58.000Z', '2024-03-06T00:00:03.000Z', '2024-03-05T23:59:59.000Z',
    ]);
  });

  it('reads a line of the mentions log with its channel prefix', () => {
    const [, m] = read(['# Start logging at 2024-03-05 20:00:00 UTC', '#forsen [20:00:05] a: @me hi'], { channel: 'mentions', date: null });
    assert.equal(value(m!).channel, 'forsen');
  });

  it('warns once and reads UTC when the zone is unknown or there is no header', () => {
    const warnings: string[] = [];
    read(['# Start logging at 2024-03-05 20:00:00 Mitteleuropäische Zeit', '[20:00:05] a: b', '[20:00:06] a: b'], undefined, warnings);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /line 1: time zone "Mitteleuropäische Zeit" not known; reading times as UTC/);
    const more: string[] = [];
    const [m] = read(['[20:00:05] a: b'], undefined, more);
    assert.equal(value(m!).eventTimeMs, Date.parse('2024-03-05T20:00:05Z'));
    assert.match(more[0]!, /no "# Start logging at" header/);
  });

  it('stops with a ChatLogError when no date or no channel is known', () => {
    assert.throws(() => read(['[20:00:05] a: b'], { channel: 'c', date: null }), (e: unknown) => e instanceof ChatLogError && e.line === 1 && /no date/.test(e.message));
    assert.throws(() => read(['# Start logging at 2024-03-05 20:00:00 UTC', '[20:00:05] a: b'], { channel: null, date: null }), (e: unknown) => e instanceof ChatLogError && e.line === 2 && /no channel/.test(e.message));
  });

  it('counts an empty line and an impossible time as malformed', () => {
    const entries = read(['', '[25:00:00] a: b']);
    assert.deepEqual(entries.map((e) => (e as { error: Error }).error.message), ['chatterino line 1: empty line', 'chatterino line 2: no such time of day [25:0:0]']);
  });

  it('knows zone offsets by abbreviation and by number', () => {
    assert.equal(zoneOffsetMinutes('CEST'), 120);
    assert.equal(zoneOffsetMinutes('pst'), -480);
    assert.equal(zoneOffsetMinutes('GMT+5:30'), 330);
    assert.equal(zoneOffsetMinutes('+0930'), 570);
    assert.equal(zoneOffsetMinutes('UTC-3'), -180);
    assert.equal(zoneOffsetMinutes('IST'), null, 'ambiguous: India or Ireland');
    assert.equal(zoneOffsetMinutes('UTC+25'), null);
  });
});
