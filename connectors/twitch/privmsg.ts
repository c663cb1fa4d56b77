import { IrcParseError } from '../../core/errors.ts';
import type { ChatMessage, EmoteUse } from '../../schemas/types.ts';
import { unescapeTagValue, type LineFrame } from './ircLine.ts';

/**
 * Builds a ChatMessage straight from the raw PRIVMSG line: one pass over the tags, copying only
 * the values a chat message keeps. This is the hot path (PRIVMSG is >99% of chat), so it avoids
 * building a tag map.
 *
 * @throws IrcParseError when the channel, text, `id`, `room-id` or a numeric `tmi-sent-ts` is missing.
 */
export function privmsgFromFrame(raw: string, frame: LineFrame, receivedAtMs: number): ChatMessage {
  let id = '';
  let roomId = '';
  let userId = '';
  let displayName = '';
  let eventTimeMs = -1;
  let badges: Record<string, string> = {};
  let badgeInfo: Record<string, string> = {};
  let emotes: EmoteUse[] = [];
  let emoteCount = 0;
  let bits = 0;
  let emoteOnly = false;
  let firstMsg = false;
  let returningChatter = false;
  let mod = false;
  let vip = false;
  let subscriber = false;
  let replyParentMsgId: string | null = null;
  let replyParentUserLogin: string | null = null;
  let sourceRoomId: string | null = null;
  let sourceId: string | null = null;

  const end = frame.tagsEnd;
  let pos = end > 0 ? 1 : end;
  while (pos < end) {
    let code = tagAt(raw, pos);
    if (code === Tag.Other) {
      const semi = raw.indexOf(';', pos);
      if (semi !== -1 && semi < end) {
        pos = semi + 1;
        continue;
      }
      code = lastTagWithoutValue(raw, pos, end);
      if (code === Tag.Other) break;
    }
    const vs = pos + TAG_KEYS[code]!.length + 1;
    const semi = code <= Tag.ReplyParentUserLogin ? longValueEnd(raw, vs, end) : valueEnd(raw, vs, end);
    const hasValue = vs < semi;
    switch (code) {
      case Tag.Id:
        id = hasValue ? raw.slice(vs, semi) : '';
        break;
      case Tag.Mod:
        mod = isOne(raw, vs, semi);
        break;
      case Tag.Vip:
        vip = true;
        break;
      case Tag.Bits:
        bits = hasValue ? Math.min(0x7fffffff, digits(raw, vs, semi)) : 0;
        break;
      case Tag.Badges:
        badges = hasValue ? badgeMap(value(raw, vs, semi)) : {};
        break;
      case Tag.Emotes:
        if (hasValue) emotes = emoteList(raw, vs, semi);
        for (let i = 0; i < emotes.length; i++) emoteCount += emotes[i]!.count;
        break;
      case Tag.RoomId:
        roomId = hasValue ? raw.slice(vs, semi) : '';
        break;
      case Tag.UserId:
        userId = hasValue ? raw.slice(vs, semi) : '';
        break;
      case Tag.FirstMsg:
        firstMsg = isOne(raw, vs, semi);
        break;
      case Tag.SourceId:
        sourceId = hasValue ? raw.slice(vs, semi) : null;
        break;
      case Tag.BadgeInfo:
        badgeInfo = hasValue ? badgeMap(value(raw, vs, semi)) : {};
        break;
      case Tag.EmoteOnly:
        emoteOnly = isOne(raw, vs, semi);
        break;
      case Tag.Subscriber:
        subscriber = isOne(raw, vs, semi);
        break;
      case Tag.TmiSentTs:
        eventTimeMs = hasValue ? digits(raw, vs, semi) : -1;
        break;
      case Tag.DisplayName:
        displayName = hasValue ? value(raw, vs, semi) : '';
        break;
      case Tag.SourceRoomId:
        sourceRoomId = hasValue ? raw.slice(vs, semi) : null;
        break;
      case Tag.ReturningChatter:
        returningChatter = isOne(raw, vs, semi);
        break;
      case Tag.ReplyParentMsgId:
        replyParentMsgId = hasValue ? value(raw, vs, semi) : null;
        break;
      case Tag.ReplyParentUserLogin:
        replyParentUserLogin = hasValue ? value(raw, vs, semi) : null;
        break;
    }
    pos = semi + 1;
  }

  // Parameters: "#channel :text" (the trailing text may also come without its colon).
  let p = frame.paramsStart;
  while (raw.charCodeAt(p) === 32) p++;
  if (raw.charCodeAt(p) !== 35 /* # */) throw new IrcParseError('PRIVMSG without a #channel parameter', raw);
  let channelEnd = raw.indexOf(' ', p);
  if (channelEnd === -1) throw new IrcParseError('PRIVMSG without message text', raw);
  const channel = raw.slice(p + 1, channelEnd);
  if (channel.length === 0) throw new IrcParseError('PRIVMSG without a #channel parameter', raw);
  while (raw.charCodeAt(channelEnd) === 32) channelEnd++;
  const text = raw.charCodeAt(channelEnd) === 58 /* : */ ? raw.slice(channelEnd + 1) : raw.slice(channelEnd);

  if (id === '') throw new IrcParseError('PRIVMSG without tag id', raw, { field: 'id' });
  if (roomId === '') throw new IrcParseError('PRIVMSG without tag room-id', raw);
  if (eventTimeMs <= 0) throw new IrcParseError('PRIVMSG without a numeric tmi-sent-ts', raw);

  let login = '';
  if (frame.hasPrefix) {
    const bang = raw.indexOf('!', frame.prefixStart);
    login = raw.slice(frame.prefixStart, bang === -1 || bang > frame.prefixEnd ? frame.prefixEnd : bang);
  }
  const months = badgeInfo.subscriber ?? badgeInfo.founder;
  return {
    id, channel, roomId, userId, login,
    displayName: displayName || login,
    text, eventTimeMs, receivedAtMs, badges, badgeInfo,
    subscriberMonths: months !== undefined && months.length > 0 && months.length < 10 && digits(months, 0, months.length) >= 0 ? Number(months) : null,
    bits, emotes, emoteCount, emoteOnly, firstMsg, returningChatter, mod,
    vip: vip || badges.vip !== undefined,
    subscriber, replyParentMsgId, replyParentUserLogin, sourceRoomId, sourceId,
  };
}

// Recognising a PRIVMSG's tags in place, without splitting the tag section into strings. The
// lines are usually slices of a larger (often two-byte) string, on which every charCodeAt, every
// startsWith character and every indexOf call costs; these helpers keep all three to a minimum
// (profiled on bench/parser.ts). They stay in this file: under tsx a call into another module
// goes through an export getter, which halved the speed when they had a file of their own.

/** Tag keys recognised in a PRIVMSG, indexed by {@link Tag}. */
const TAG_KEYS: readonly string[] = [
  '',
  // Values that are rarely empty or one character long (ids, timestamps, names).
  'id', 'room-id', 'user-id', 'tmi-sent-ts', 'display-name', 'source-id', 'source-room-id', 'reply-parent-msg-id',
  'reply-parent-user-login',
  // Flags and lists, usually empty or one character.
  'mod', 'vip', 'bits', 'badges', 'emotes', 'first-msg', 'badge-info', 'emote-only', 'subscriber', 'returning-chatter',
];

/** Recognised tags (Other: any other), in the order of {@link TAG_KEYS}. */
const enum Tag {
  Other,
  Id, RoomId, UserId, TmiSentTs, DisplayName, SourceId, SourceRoomId, ReplyParentMsgId, ReplyParentUserLogin,
  Mod, Vip, Bits, Badges, Emotes, FirstMsg, BadgeInfo, EmoteOnly, Subscriber, ReturningChatter,
}

/** Recognised tags by the char code of their key's first character, the most frequent first. */
const TAGS_BY_FIRST_CHAR: ReadonlyArray<readonly Tag[]> = (() => {
  const byChar: Tag[][] = Array.from({ length: 128 }, () => []);
  const order = [
    Tag.Badges, Tag.BadgeInfo, Tag.Bits, Tag.DisplayName, Tag.Emotes, Tag.EmoteOnly, Tag.FirstMsg, Tag.Id,
    Tag.Mod, Tag.RoomId, Tag.ReturningChatter, Tag.ReplyParentMsgId, Tag.ReplyParentUserLogin, Tag.Subscriber,
    Tag.SourceId, Tag.SourceRoomId, Tag.TmiSentTs, Tag.UserId, Tag.Vip,
  ];
  for (const code of order) byChar[TAG_KEYS[code]!.charCodeAt(0)]!.push(code);
  return byChar;
})();

/** The tag starting at raw[pos] when its key is recognised and followed by '=', else Tag.Other. */
function tagAt(raw: string, pos: number): Tag {
  const candidates = TAGS_BY_FIRST_CHAR[raw.charCodeAt(pos) & 127]!;
  for (let i = 0; i < candidates.length; i++) {
    const code = candidates[i]!;
    const key = TAG_KEYS[code]!;
    const eq = pos + key.length;
    if (raw.charCodeAt(eq) !== 61 /* = */) continue;
    // Keys up to seven characters compared in place (the first one matched already), longer ones
    // as one short copy and compare, which measured faster for them (startsWith was slower still).
    if (key.length > 7) {
      if (raw.slice(pos, eq) === key) return code;
    } else {
      let at = 1;
      while (at < key.length && raw.charCodeAt(pos + at) === key.charCodeAt(at)) at++;
      if (at === key.length) return code;
    }
  }
  return Tag.Other;
}

/**
 * The last tag, raw[pos, end), when it has no '=' and its key is one a chat message reads, else
 * Tag.Other. Such a tag counts only as the last one: the parser has always read it there and
 * skipped it elsewhere (Twitch sends none).
 */
function lastTagWithoutValue(raw: string, pos: number, end: number): Tag {
  const candidates = TAGS_BY_FIRST_CHAR[raw.charCodeAt(pos) & 127]!;
  for (let i = 0; i < candidates.length; i++) {
    const key = TAG_KEYS[candidates[i]!]!;
    if (key.length === end - pos && raw.slice(pos, end) === key) return candidates[i]!;
  }
  return Tag.Other;
}

/**
 * Where the tag value starting at raw[start] ends: at its ';' or at `end`, the end of the tags.
 * Returns `end` when start is past it (a tag without '=').
 */
function valueEnd(raw: string, start: number, end: number): number {
  // Most values are empty or a single 0/1 flag: settle those without a search.
  if (start >= end) return end;
  if (raw.charCodeAt(start) === 59 /* ; */) return start;
  if (start + 1 === end || raw.charCodeAt(start + 1) === 59) return start + 1;
  const semi = raw.indexOf(';', start + 2);
  return semi === -1 || semi > end ? end : semi;
}

/** {@link valueEnd} for values that are rarely that short: straight to the search. */
function longValueEnd(raw: string, start: number, end: number): number {
  const semi = raw.indexOf(';', start);
  return semi === -1 || semi > end ? end : semi;
}

function value(raw: string, start: number, end: number): string {
  const v = raw.slice(start, end);
  return v.indexOf('\\') === -1 ? v : unescapeTagValue(v);
}

function isOne(raw: string, start: number, end: number): boolean {
  return end - start === 1 && raw.charCodeAt(start) === 49;
}

/** Decimal digits in raw[start, end) as a number; -1 when any character is not a digit. */
function digits(raw: string, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = raw.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `broadcaster/1,subscriber/12` → `{ broadcaster: '1', subscriber: '12' }`. */
export function badgeMap(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < value.length) {
    let comma = value.indexOf(',', pos);
    if (comma === -1) comma = value.length;
    const slash = value.indexOf('/', pos);
    if (slash !== -1 && slash < comma) out[badgeName(value.slice(pos, slash))] = value.slice(slash + 1, comma);
    else if (comma > pos) out[badgeName(value.slice(pos, comma))] = '';
    pos = comma + 1;
  }
  return out;
}

/** The badges Twitch sends most, by name length. */
const COMMON_BADGES: ReadonlyArray<readonly string[] | undefined> = (() => {
  const byLength: string[][] = [];
  for (const name of ['subscriber', 'premium', 'moderator', 'broadcaster', 'vip', 'founder', 'partner', 'turbo', 'bits', 'sub-gifter', 'staff']) {
    (byLength[name.length] ??= []).push(name);
  }
  return byLength;
})();

/**
 * The literal for a common badge name, else the name itself. A literal is already in V8's string
 * table, so storing it as a property key skips the lookup a fresh string needs (profiled).
 */
function badgeName(name: string): string {
  const common = COMMON_BADGES[name.length];
  if (common !== undefined) for (let i = 0; i < common.length; i++) if (common[i] === name) return common[i]!;
  return name;
}

/** Emote tag in raw[start, end): `25:0-4,12-16/1902:6-10` → `[{ id: '25', count: 2 }, { id: '1902', count: 1 }]`. */
export function emoteList(raw: string, start: number, end: number): EmoteUse[] {
  const out: EmoteUse[] = [];
  let pos = start;
  while (pos < end) {
    let slash = raw.indexOf('/', pos);
    if (slash === -1 || slash > end) slash = end;
    const colon = raw.indexOf(':', pos);
    if (colon !== -1 && colon < slash && colon > pos) {
      let count = 1;
      for (let i = colon + 1; i < slash; i++) if (raw.charCodeAt(i) === 44 /* , */) count++;
      out.push({ id: raw.slice(pos, colon), count });
    }
    pos = slash + 1;
  }
  return out;
}
