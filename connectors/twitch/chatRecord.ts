import { IrcParseError } from '../../core/errors.ts';
import type { ChatEvent, ChatMessage, Moderation } from '../../schemas/types.ts';
import { frameOf, parseIrcLine, type IrcLine } from './ircLine.ts';
import { privmsgFromFrame } from './privmsg.ts';
import { usernoticeFromFrame } from './usernotice.ts';

/** What one raw line becomes: a typed record for one of the raw topics, or nothing to keep. */
export type ChatRecord =
  | { readonly kind: 'message'; readonly value: ChatMessage }
  | { readonly kind: 'event'; readonly value: ChatEvent }
  | { readonly kind: 'moderation'; readonly value: Moderation }
  /** Valid IRC that carries no chat data (PING, JOIN, ROOMSTATE, 353, …). */
  | { readonly kind: 'control'; readonly command: string };

/**
 * Parses one raw Twitch IRC line into a typed chat record.
 *
 * @param receivedAtMs when the line was read, epoch ms (injected: replays pass their own clock).
 * @throws IrcParseError when the line is not valid IRC or lacks what a chat record needs
 *   (channel, room-id, id, a numeric tmi-sent-ts); the error carries the raw line.
 */
export function parseChatLine(raw: string, receivedAtMs: number): ChatRecord {
  const frame = frameOf(raw);
  if (frame.command === 'PRIVMSG') return { kind: 'message', value: privmsgFromFrame(raw, frame, receivedAtMs) };
  if (frame.command === 'USERNOTICE') return { kind: 'event', value: usernoticeFromFrame(raw, frame, receivedAtMs) };
  return toChatRecord(parseIrcLine(raw), raw, receivedAtMs);
}

/** Maps a parsed IRC line to a typed chat record; see {@link parseChatLine}. */
export function toChatRecord(line: IrcLine, raw: string, receivedAtMs: number): ChatRecord {
  switch (line.command) {
    case 'PRIVMSG':
      return parseChatLine(raw, receivedAtMs);
    case 'USERNOTICE':
      return parseChatLine(raw, receivedAtMs);
    case 'CLEARCHAT':
    case 'CLEARMSG':
      return { kind: 'moderation', value: moderation(line, raw, receivedAtMs) };
    default:
      return { kind: 'control', command: line.command };
  }
}

function channelOf(line: IrcLine, raw: string): string {
  const target = line.params[0];
  if (!target || target.charCodeAt(0) !== 35 /* # */ || target.length < 2) {
    throw new IrcParseError(`${line.command} without a #channel parameter`, raw);
  }
  return target.slice(1);
}

function required(line: IrcLine, tag: string, raw: string): string {
  const value = line.tags.get(tag);
  if (value === undefined || value === '') throw new IrcParseError(`${line.command} without tag ${tag}`, raw);
  return value;
}

function eventTime(line: IrcLine, raw: string): number {
  const value = required(line, 'tmi-sent-ts', raw);
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new IrcParseError(`tmi-sent-ts is not epoch milliseconds: ${JSON.stringify(value)}`, raw);
  return ms;
}

function optional(line: IrcLine, tag: string): string | null {
  const value = line.tags.get(tag);
  return value === undefined || value === '' ? null : value;
}

function optionalInt(line: IrcLine, tag: string): number | null {
  const value = line.tags.get(tag);
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isInteger(n) && Math.abs(n) <= 0x7fffffff ? n : null;
}

function moderation(line: IrcLine, raw: string, receivedAtMs: number): Moderation {
  const channel = channelOf(line, raw);
  const eventTimeMs = eventTime(line, raw);
  const roomId = line.tags.get('room-id') ?? '';
  if (line.command === 'CLEARMSG') {
    return {
      kind: 'clearmsg', channel, roomId, targetUserId: null, targetLogin: optional(line, 'login'),
      durationSeconds: null, targetMsgId: optional(line, 'target-msg-id'), text: line.params[1] ?? null,
      eventTimeMs, receivedAtMs,
    };
  }
  const target = line.params[1] ?? null;
  const duration = optionalInt(line, 'ban-duration');
  return {
    kind: target === null ? 'clearchat' : duration !== null ? 'timeout' : 'ban',
    channel, roomId, targetUserId: optional(line, 'target-user-id'), targetLogin: target,
    durationSeconds: duration, targetMsgId: null, text: null, eventTimeMs, receivedAtMs,
  };
}
