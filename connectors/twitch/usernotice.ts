import { IrcParseError } from '../../core/errors.ts';
import { CHAT_EVENT_KINDS, type ChatEvent, type ChatEventKind } from '../../schemas/types.ts';
import { unescapeTagValue, type LineFrame } from './ircLine.ts';

const KNOWN_KINDS: ReadonlySet<string> = new Set(CHAT_EVENT_KINDS);
const PARAM_PREFIX = 'msg-param-';

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
      const key = raw.slice(pos, eq);
      tags[key] = value;
      if (eq - pos >= PARAM_PREFIX.length && raw.charCodeAt(pos) === 109 /* m */ && key.startsWith(PARAM_PREFIX)) {
        params[key.slice(PARAM_PREFIX.length)] = value;
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
  if (!id) throw new IrcParseError('USERNOTICE without tag id', raw);
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
