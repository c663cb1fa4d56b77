import { IrcParseError } from '../../core/errors.ts';
import { CHAT_EVENT_KINDS, type ChatEvent, type ChatEventKind } from '../../schemas/types.ts';
import { unescapeTagValue, type LineFrame } from './ircLine.ts';

const KNOWN_KINDS: ReadonlySet<string> = new Set(CHAT_EVENT_KINDS);
const PARAM_PREFIX = 'msg-param-';

// The tags and msg-params Twitch sends most on USERNOTICE (https://dev.twitch.tv/docs/chat/irc),
// by length. Stored under these literals, which V8 already holds in its string table, the keys
// skip the string-table lookup a fresh slice needs as a property key: that lookup was a sixth
// of the time here (profiled on bench/parser.ts).
const COMMON_PARAMS = byLength([
  'cumulative-months', 'months', 'multimonth-duration', 'multimonth-tenure', 'should-share-streak', 'streak-months',
  'sub-plan', 'sub-plan-name', 'was-gifted', 'gift-months', 'gift-theme', 'recipient-display-name', 'recipient-id',
  'recipient-user-name', 'origin-id', 'sender-count', 'mass-gift-count', 'community-gift-id', 'displayName', 'login',
  'viewerCount', 'profileImageURL', 'threshold', 'sender-login', 'sender-name', 'promo-name', 'promo-gift-total',
  'ritual-name', 'sub-benefit-end-month', 'color', 'goal-contribution-type', 'goal-current-contributions',
  'goal-description', 'goal-target-contributions', 'goal-user-contributions',
]);
const COMMON_TAGS = byLength([
  'badge-info', 'badges', 'color', 'display-name', 'emotes', 'flags', 'id', 'login', 'mod', 'msg-id', 'room-id',
  'subscriber', 'system-msg', 'tmi-sent-ts', 'turbo', 'user-id', 'user-type', 'vip', 'source-badge-info',
  'source-badges', 'source-id', 'source-msg-id', 'source-room-id',
  ...COMMON_PARAMS.flat().map((name) => PARAM_PREFIX + name),
]);

function byLength(names: readonly string[]): ReadonlyArray<readonly string[]> {
  const out: string[][] = [];
  for (const name of names) (out[name.length] ??= []).push(name);
  return Array.from(out, (same) => same ?? []);
}

/** The literal in `common` equal to `name`, else `name` itself. */
function commonName(name: string, common: ReadonlyArray<readonly string[]>): string {
  const same = common[name.length];
  if (same !== undefined) for (let i = 0; i < same.length; i++) if (same[i] === name) return same[i]!;
  return name;
}

/**
 * Builds a ChatEvent straight from a raw USERNOTICE line: one pass over the tags fills the
 * record's `tags` and `params` maps (every tag is kept, so unknown kinds lose nothing), then the
 * typed fields are read from them.
 *
 * @throws IrcParseError when the channel, `id`, `room-id` or a numeric `tmi-sent-ts` is missing.
 */
export function usernoticeFromFrame(raw: string, frame: LineFrame, receivedAtMs: number): ChatEvent {
  const tags: Record<string, string> = {};
  const params: Record<string, string> = {};
  // The tag loop of forEachTag, written out: under tsx a callback per tag into another module
  // cost a quarter of the time here (profiled on bench/parser.ts).
  const end = frame.tagsEnd;
  let pos = end > 0 ? 1 : end;
  while (pos < end) {
    let semi = raw.indexOf(';', pos);
    if (semi === -1 || semi > end) semi = end;
    let eq = raw.indexOf('=', pos);
    if (eq === -1 || eq > semi) eq = semi;
    if (eq > pos) {
      let value = eq < semi ? raw.slice(eq + 1, semi) : '';
      if (value.length > 0 && value.indexOf('\\') !== -1) value = unescapeTagValue(value);
      const key = commonName(raw.slice(pos, eq), COMMON_TAGS);
      tags[key] = value;
      if (eq - pos >= PARAM_PREFIX.length && raw.charCodeAt(pos) === 109 /* m */ && key.startsWith(PARAM_PREFIX)) {
        params[commonName(key.slice(PARAM_PREFIX.length), COMMON_PARAMS)] = value;
      }
    }
    pos = semi + 1;
  }

  let p = frame.paramsStart;
  while (raw.charCodeAt(p) === 32) p++;
  if (raw.charCodeAt(p) !== 35 /* # */) throw new IrcParseError('USERNOTICE without a #channel parameter', raw);
  let channelEnd = raw.indexOf(' ', p);
  if (channelEnd === -1) channelEnd = raw.length;
  const channel = raw.slice(p + 1, channelEnd);
  if (channel.length === 0) throw new IrcParseError('USERNOTICE without a #channel parameter', raw);
  while (raw.charCodeAt(channelEnd) === 32) channelEnd++;
  const text = channelEnd < raw.length ? (raw.charCodeAt(channelEnd) === 58 ? raw.slice(channelEnd + 1) : raw.slice(channelEnd)) : null;

  const id = tags.id;
  if (!id) throw new IrcParseError('USERNOTICE without tag id', raw, { field: 'id' });
  const roomId = tags['room-id'];
  if (!roomId) throw new IrcParseError('USERNOTICE without tag room-id', raw);
  const eventTimeMs = timestamp(tags['tmi-sent-ts']);
  if (eventTimeMs <= 0) throw new IrcParseError('USERNOTICE without a numeric tmi-sent-ts', raw);
  const msgId = tags['msg-id'] ?? '';
  return {
    id, channel, roomId,
    kind: (KNOWN_KINDS.has(msgId) ? msgId : 'unknown') as ChatEventKind,
    msgId,
    sourceMsgId: nonEmpty(tags['source-msg-id']),
    sourceRoomId: nonEmpty(tags['source-room-id']),
    sourceId: nonEmpty(tags['source-id']),
    userId: tags['user-id'] ?? '',
    login: tags.login ?? '',
    displayName: tags['display-name'] ?? '',
    text,
    systemMsg: nonEmpty(tags['system-msg']),
    eventTimeMs, receivedAtMs,
    cumulativeMonths: int(params['cumulative-months']) ?? int(params.months),
    streakMonths: int(params['streak-months']),
    subPlan: nonEmpty(params['sub-plan']),
    subPlanName: nonEmpty(params['sub-plan-name']),
    giftMonths: int(params['gift-months']),
    massGiftCount: int(params['mass-gift-count']),
    senderCount: int(params['sender-count']),
    recipientId: nonEmpty(params['recipient-id']),
    recipientLogin: nonEmpty(params['recipient-user-name']),
    recipientDisplayName: nonEmpty(params['recipient-display-name']),
    originId: nonEmpty(params['origin-id']),
    viewerCount: int(params.viewerCount),
    raiderLogin: nonEmpty(params.login),
    bitsThreshold: int(params.threshold),
    params,
    tags,
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function int(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isInteger(n) && Math.abs(n) <= 0x7fffffff ? n : null;
}

function timestamp(value: string | undefined): number {
  if (value === undefined || value.length === 0 || value.length > 15) return -1;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : -1;
}
