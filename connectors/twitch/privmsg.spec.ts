import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ChatMessage, EmoteUse } from '../../schemas/types.ts';
import { frameOf, parseIrcLine, unescapeTagValue } from './ircLine.ts';
import { badgeMap, emoteList, privmsgFromFrame } from './privmsg.ts';

// privmsgFromFrame reads tags in place with shortcuts (keys recognised by first character and
// length, short values settled without a search). This spec reads the same lines the plain way,
// splitting on ';' and '=' and matching the rest with one regular expression, and
// requires the same record (or the same refusal) for every line.

/** The plain reading of a PRIVMSG; each rule is the fast path's documented behaviour. */
function plainReading(raw: string, receivedAtMs: number): ChatMessage | string {
  parseIrcLine(raw); // throws where the fast path's frameOf would
  const m = {
    id: '', roomId: '', userId: '', displayName: '', eventTimeMs: -1, badges: {} as Record<string, string>,
    badgeInfo: {} as Record<string, string>, emotes: [] as EmoteUse[], emoteCount: 0, bits: 0, emoteOnly: false,
    firstMsg: false, returningChatter: false, mod: false, vip: false, subscriber: false,
    replyParentMsgId: null as string | null, replyParentUserLogin: null as string | null,
    sourceRoomId: null as string | null, sourceId: null as string | null,
  };
  const section = raw.startsWith('@') ? raw.slice(1, raw.indexOf(' ')) : '';
  const tags = section === '' ? [] : section.split(';');
  tags.forEach((tag, i) => {
    const eq = tag.indexOf('=');
    if (eq === -1 && i < tags.length - 1) return; // a tag without '=' counts only as the last one
    const key = eq === -1 ? tag : tag.slice(0, eq);
    const raw = eq === -1 ? '' : tag.slice(eq + 1); // as sent, still escaped
    const value = unescapeTagValue(raw);
    const flag = raw === '1';
    const number = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : -1;
    switch (key) {
      case 'id': m.id = raw; break;
      case 'room-id': m.roomId = raw; break;
      case 'user-id': m.userId = raw; break;
      case 'source-id': m.sourceId = raw || null; break;
      case 'source-room-id': m.sourceRoomId = raw || null; break;
      case 'display-name': m.displayName = value; break;
      case 'reply-parent-msg-id': m.replyParentMsgId = raw ? value : null; break;
      case 'reply-parent-user-login': m.replyParentUserLogin = raw ? value : null; break;
      case 'badges': m.badges = raw ? badgeMap(value) : {}; break;
      case 'badge-info': m.badgeInfo = raw ? badgeMap(value) : {}; break;
      case 'emotes':
        if (raw) m.emotes = emoteList(raw, 0, raw.length);
        for (const e of m.emotes) m.emoteCount += e.count; // every emotes tag adds its uses
        break;
      case 'bits': m.bits = raw ? Math.min(0x7fffffff, number) : 0; break;
      case 'tmi-sent-ts': m.eventTimeMs = number; break;
      case 'mod': m.mod = flag; break;
      case 'vip': m.vip = true; break; // present at all
      case 'subscriber': m.subscriber = flag; break;
      case 'first-msg': m.firstMsg = flag; break;
      case 'emote-only': m.emoteOnly = flag; break;
      case 'returning-chatter': m.returningChatter = flag; break;
    }
  });
  const [, prefix, channel = '', rest] = / *(?::([^ ]*) +)?PRIVMSG(?: +([^ ]*))?(?: +(.*))?$/.exec(raw.slice(section.length + 1))!;
  if (!channel.startsWith('#')) return 'PRIVMSG without a #channel parameter';
  if (rest === undefined) return 'PRIVMSG without message text';
  if (channel.length < 2) return 'PRIVMSG without a #channel parameter';
  if (m.id === '') return 'PRIVMSG without tag id';
  if (m.roomId === '') return 'PRIVMSG without tag room-id';
  if (m.eventTimeMs <= 0) return 'PRIVMSG without a numeric tmi-sent-ts';
  const login = prefix === undefined ? '' : prefix.split('!')[0]!;
  const months = m.badgeInfo.subscriber ?? m.badgeInfo.founder;
  return {
    id: m.id, channel: channel.slice(1), roomId: m.roomId, userId: m.userId, login, displayName: m.displayName || login,
    text: rest.startsWith(':') ? rest.slice(1) : rest, eventTimeMs: m.eventTimeMs, receivedAtMs,
    badges: m.badges, badgeInfo: m.badgeInfo,
    subscriberMonths: months !== undefined && /^[0-9]{1,9}$/.test(months) ? Number(months) : null,
    bits: m.bits, emotes: m.emotes, emoteCount: m.emoteCount, emoteOnly: m.emoteOnly, firstMsg: m.firstMsg,
    returningChatter: m.returningChatter, mod: m.mod, vip: m.vip || m.badges.vip !== undefined, subscriber: m.subscriber,
    replyParentMsgId: m.replyParentMsgId, replyParentUserLogin: m.replyParentUserLogin, sourceRoomId: m.sourceRoomId, sourceId: m.sourceId,
  };
}

function fastReading(raw: string, receivedAtMs: number): ChatMessage | string {
  try {
    return privmsgFromFrame(raw, frameOf(raw), receivedAtMs);
  } catch (e) {
    return (e as Error).message;
  }
}

const dir = new URL('../../test/fixtures/irc/', import.meta.url);
const recorded = readFileSync(new URL('privmsg.log', dir), 'utf8').split('\n').filter((l) => l.startsWith('@'));

// Lines with every key the fast path recognises, in odd places and forms.
const tricky = [
  '@id=1;room-id=1;tmi-sent-ts=5;vip :a!a@a PRIVMSG #b :hi',
  '@vip;id=1;room-id=1;tmi-sent-ts=5 :a!a@a PRIVMSG #b :hi',
  '@mod=1;id=1;room-id=1;tmi-sent-ts=5;mod :a!a@a PRIVMSG #b :hi',
  '@mod=1;mod;id=1;room-id=1;tmi-sent-ts=5 :a!a@a PRIVMSG #b :hi',
  '@=;id=1;;room-id=1;tmi-sent-ts=5;ids=2;i=3;badge=x;emote=y;emotes-x=1:0-1 :a PRIVMSG #b :x',
  '@id=1;room-id=1;tmi-sent-ts=5;emotes=1:0-1;emotes=2:0-1,3-4;emotes= :a PRIVMSG #b :x',
  '@badges=subscriber/1;badges=vip/1;badge-info=founder/3;id=1;room-id=1;tmi-sent-ts=5 :a PRIVMSG #b :x',
  '@id=a\\sb;room-id=1\\:;tmi-sent-ts=5;user-id=\\\\;display-name=A\\sB\\\\C\\:D\\rE\\nF\\ :a PRIVMSG #b :x',
  '@reply-parent-msg-id=p\\s1;reply-parent-user-login=lo;source-id=s;source-room-id=9;returning-chatter=1;first-msg=1;emote-only=1;subscriber=1;id=1;room-id=1;tmi-sent-ts=5 :a PRIVMSG #b :x',
  '@bits=abc;id=1;room-id=1;tmi-sent-ts=5;turbo=1;flags=0-6:S.7;user-type=mod :a PRIVMSG #b :x',
  '@bits=99999999999;mod=11;subscriber=10;first-msg=;id=1;room-id=1;tmi-sent-ts=1e3 :a PRIVMSG #b :x',
  '@id=1;room-id=1;tmi-sent-ts=5 :a!a@a   PRIVMSG   #b   :x y', '@id=1;room-id=1;tmi-sent-ts=5 :a PRIVMSG #b  text without colon',
  '@id=1;room-id=1;tmi-sent-ts=5 PRIVMSG #b :no prefix', '@id=1;room-id=1;tmi-sent-ts=5 :a PRIVMSG #b', '@id=1;room-id=1;tmi-sent-ts=5 :a PRIVMSG b :x',
  '@id=1;room-id=1;tmi-sent-ts=5;display-name=日本🎉\uD800 :a PRIVMSG #b :\u0001ACTION こんにちは 🎉\u0001',
  `@id=1;room-id=1;tmi-sent-ts=5 :a PRIVMSG #b :${'x'.repeat(16_000)}`,
];

// Deterministic variations of the recorded lines: tags shuffled, dropped, repeated, emptied,
// stripped of '=', escaped, or replaced by near-miss keys.
function variations(lines: readonly string[], count: number): string[] {
  let seed = 3;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = <T,>(a: readonly T[]) => a[Math.floor(random() * a.length)]!;
  const keys = ['id', 'mod', 'vip', 'bits', 'badges', 'emotes', 'room-id', 'user-id', 'first-msg', 'source-id', 'badge-info', 'emote-only', 'subscriber', 'tmi-sent-ts', 'display-name', 'source-room-id', 'returning-chatter', 'reply-parent-msg-id', 'reply-parent-user-login', 'flags', 'turbo', 'user-type', 'i', 'ids', 'badge', 'room', 'vip-x', 'x'];
  const values = ['', '1', '0', '12', 'abc', 'a\\sb', '\\:', '\\\\', '\\', 'subscriber/12,vip/1', 'founder/3', 'subscriber/', ',,', '25:0-4,12-16/1902:6-10', ':', '1700000000123', '=', '日本', '-1'];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const line = lines[n % lines.length]!;
    const space = line.indexOf(' ');
    const tags = line.slice(1, space).split(';');
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      const i = Math.floor(random() * tags.length);
      const op = random();
      if (op < 0.2) tags.sort(() => random() - 0.5);
      else if (op < 0.4) tags.splice(i, 0, `${pick(keys)}=${pick(values)}`);
      else if (op < 0.5) tags.splice(i, 1);
      else if (op < 0.7) tags[i] = `${tags[i]!.split('=')[0]}=${pick(values)}`;
      else if (op < 0.8) tags[i] = tags[i]!.split('=')[0]!;
      else if (op < 0.9) tags.push(tags[i]!);
      else tags.push(pick(keys));
    }
    out.push(`@${tags.join(';')}${line.slice(space)}`);
  }
  return out;
}

describe('privmsgFromFrame', () => {
  it('reads every recorded, tricky and varied line as the plain reading does', () => {
    const lines = [...recorded, ...tricky, ...variations(recorded, 3000)];
    let refused = 0;
    for (const raw of lines) {
      const want = plainReading(raw, 42);
      if (typeof want === 'string') refused++;
      assert.deepEqual(fastReading(raw, 42), want, raw.slice(0, 200));
    }
    // Both outcomes are exercised, so agreeing is not agreeing on refusals only.
    assert.ok(refused > 100 && refused < lines.length / 2, `${refused} of ${lines.length} refused`);
  });

  it('keeps the tag order of badge maps', () => {
    const m = fastReading('@badges=vip/1,subscriber/12,bits/100;id=1;room-id=1;tmi-sent-ts=5 :a PRIVMSG #b :x', 0);
    assert.deepEqual(Object.keys((m as ChatMessage).badges), ['vip', 'subscriber', 'bits']);
  });
});
