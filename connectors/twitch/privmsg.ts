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
    // Find '=' first and the ';' after it: one short scan over the key, one over the value.
    // A tag without '=' (legal, never sent by Twitch) would make that '=' belong to a later
    // tag; its key then matches nothing below and the check after the switch re-reads it.
    let eq = raw.indexOf('=', pos);
    if (eq === -1 || eq > end) eq = end;
    let semi = eq < end ? raw.indexOf(';', eq) : end;
    if (semi === -1 || semi > end) semi = end;
    const keyLength = eq - pos;
    const vs = eq + 1;
    const hasValue = vs < semi;
    let known = false;
    switch (keyLength) {
      case 2:
        if (raw.startsWith('id', pos)) {
          id = hasValue ? raw.slice(vs, semi) : '';
          known = true;
        }
        break;
      case 3:
        if (raw.startsWith('mod', pos)) {
          mod = hasValue && raw.charCodeAt(vs) === 49 && semi - vs === 1;
          known = true;
        }
        else if (raw.startsWith('vip', pos)) {
          vip = true;
          known = true;
        }
        break;
      case 4:
        if (raw.startsWith('bits', pos)) {
          bits = hasValue ? Math.min(0x7fffffff, digits(raw, vs, semi)) : 0;
          known = true;
        }
        break;
      case 6:
        if (raw.startsWith('badges', pos)) {
          badges = hasValue ? badgeMap(value(raw, vs, semi)) : {};
          known = true;
        }
        else if (raw.startsWith('emotes', pos)) {
          known = true;
          if (hasValue) emotes = emoteList(raw, vs, semi);
          for (let i = 0; i < emotes.length; i++) emoteCount += emotes[i]!.count;
        }
        break;
      case 7:
        if (raw.startsWith('room-id', pos)) {
          roomId = hasValue ? raw.slice(vs, semi) : '';
          known = true;
        }
        else if (raw.startsWith('user-id', pos)) {
          userId = hasValue ? raw.slice(vs, semi) : '';
          known = true;
        }
        break;
      case 9:
        if (raw.startsWith('first-msg', pos)) {
          firstMsg = isOne(raw, vs, semi);
          known = true;
        }
        else if (raw.startsWith('source-id', pos)) {
          sourceId = hasValue ? raw.slice(vs, semi) : null;
          known = true;
        }
        break;
      case 10:
        if (raw.startsWith('badge-info', pos)) {
          badgeInfo = hasValue ? badgeMap(value(raw, vs, semi)) : {};
          known = true;
        }
        else if (raw.startsWith('emote-only', pos)) {
          emoteOnly = isOne(raw, vs, semi);
          known = true;
        }
        else if (raw.startsWith('subscriber', pos)) {
          subscriber = isOne(raw, vs, semi);
          known = true;
        }
        break;
      case 11:
        if (raw.startsWith('tmi-sent-ts', pos)) {
          eventTimeMs = hasValue ? digits(raw, vs, semi) : -1;
          known = true;
        }
        break;
      case 12:
        if (raw.startsWith('display-name', pos)) {
          displayName = hasValue ? value(raw, vs, semi) : '';
          known = true;
        }
        break;
      case 14:
        if (raw.startsWith('source-room-id', pos)) {
          sourceRoomId = hasValue ? raw.slice(vs, semi) : null;
          known = true;
        }
        break;
      case 17:
        if (raw.startsWith('returning-chatter', pos)) {
          returningChatter = isOne(raw, vs, semi);
          known = true;
        }
        break;
      case 19:
        if (raw.startsWith('reply-parent-msg-id', pos)) {
          replyParentMsgId = hasValue ? value(raw, vs, semi) : null;
          known = true;
        }
        break;
      case 23:
        if (raw.startsWith('reply-parent-user-login', pos)) {
          replyParentUserLogin = hasValue ? value(raw, vs, semi) : null;
          known = true;
        }
        break;
    }
    if (!known) {
      // Not a key we keep, so possibly a tag without '=': resume after its own ';'.
      const own = raw.indexOf(';', pos);
      if (own !== -1 && own < eq) semi = own;
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

  if (id === '') throw new IrcParseError('PRIVMSG without tag id', raw);
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
    if (slash !== -1 && slash < comma) out[value.slice(pos, slash)] = value.slice(slash + 1, comma);
    else if (comma > pos) out[value.slice(pos, comma)] = '';
    pos = comma + 1;
  }
  return out;
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
