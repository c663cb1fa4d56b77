import { createHash } from 'node:crypto';
import type { ChatLogEntryError } from '../../core/errors.ts';
import { CHAT_EVENT_KINDS, type ChatEvent, type ChatEventKind, type ChatMessage, type EmoteUse } from '../../schemas/types.ts';

/**
 * What one line or entry of a chat log becomes: a chat message, a chat event (sub, gift, raid…),
 * something that carries neither (a log header, a moderation notice, a system line), or a
 * malformed entry with its reason. Nothing is dropped without one of these.
 */
export type ChatLogEntry =
  | { readonly kind: 'message'; readonly value: ChatMessage }
  | { readonly kind: 'event'; readonly value: ChatEvent }
  | { readonly kind: 'other' }
  | { readonly kind: 'malformed'; readonly error: ChatLogEntryError };

/** The entry for a line or entry that carries no chat message or event. */
export const OTHER: ChatLogEntry = Object.freeze({ kind: 'other' });

/**
 * A stable id for a record its format gives none: a UUID (version 8, RFC 9562's custom layout)
 * made of the SHA-256 of `parts`. The same parts give the same id on every run, so a log read
 * twice yields the same ids; callers include the line or entry number so two identical lines
 * (the same chatter repeating a message in the same second) stay two records.
 *
 * @example derivedId('chatterino', 'xqc', 1700000000000, 'viewer', 'hi', 12) // 'a1b2…-…'
 */
export function derivedId(...parts: readonly (string | number)[]): string {
  const hex = createHash('sha256').update(parts.join('\u001f')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The room id of a channel whose log does not carry Twitch's numeric one: `login:<channel>`.
 * Stable, never mistaken for a numeric Twitch id, and the same for every log of the channel
 * without one (a log with the real id keys the channel by that instead).
 */
export function derivedRoomId(channel: string): string {
  return `login:${channel}`;
}

/** The user id of a chatter whose log names only the login: `login:<login>` (see {@link derivedRoomId}). */
export function derivedUserId(login: string): string {
  return `login:${login}`;
}

const LOGIN = /^[a-z0-9_]{1,25}$/;

/** True when `name` (lower-cased) can be a Twitch login: 1–25 of a–z, 0–9 and `_`. */
export function isLogin(name: string): boolean {
  return LOGIN.test(name);
}

/** The fields every format has (or derives); the rest default to "not known": false, 0, null, empty. */
export type MessageCore = Pick<ChatMessage, 'id' | 'channel' | 'roomId' | 'userId' | 'login' | 'displayName' | 'text' | 'eventTimeMs' | 'receivedAtMs'>;

/** A ChatMessage from a log entry: `core` plus what the format has; the rest not known. */
export function logMessage(core: MessageCore, more: Partial<ChatMessage> = {}): ChatMessage {
  const emotes = more.emotes ?? [];
  return {
    ...core,
    badges: {}, badgeInfo: {}, subscriberMonths: null, bits: 0,
    emotes, emoteCount: emotes.reduce((n, e) => n + e.count, 0),
    emoteOnly: false, firstMsg: false, returningChatter: false, mod: false, vip: false, subscriber: false,
    replyParentMsgId: null, replyParentUserLogin: null, sourceRoomId: null, sourceId: null,
    ...more,
  };
}

/** The fields every event has (or derives). */
export type EventCore = Pick<ChatEvent, 'id' | 'channel' | 'roomId' | 'msgId' | 'userId' | 'login' | 'displayName' | 'eventTimeMs' | 'receivedAtMs'>;

const KNOWN_KINDS: ReadonlySet<string> = new Set(CHAT_EVENT_KINDS);

/** A ChatEvent from a log entry; `kind` is `msgId` when twitch-pulse knows it, else `unknown`. */
export function logEvent(core: EventCore, more: Partial<ChatEvent> = {}): ChatEvent {
  return {
    ...core,
    kind: (KNOWN_KINDS.has(core.msgId) ? core.msgId : 'unknown') as ChatEventKind,
    sourceMsgId: null, sourceRoomId: null, sourceId: null, text: null, systemMsg: null,
    cumulativeMonths: null, streakMonths: null, subPlan: null, subPlanName: null, giftMonths: null, massGiftCount: null,
    senderCount: null, recipientId: null, recipientLogin: null, recipientDisplayName: null, originId: null,
    viewerCount: null, raiderLogin: null, bitsThreshold: null, params: {}, tags: {},
    ...more,
  };
}

/** Counts emote ids into EmoteUse entries, in order of first appearance. */
export function countEmotes(ids: Iterable<string>): EmoteUse[] {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].map(([id, count]) => ({ id, count }));
}

/** `value` when it is a non-empty string, else null. */
export function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

/** `value` when it is a finite number (or a numeric string), else null. */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Epoch ms of an ISO-8601 date-time, or NaN. One without a zone is read as UTC, never in the
 * machine's zone: .NET writes a DateTime of unspecified kind without one.
 */
export function isoMs(value: string): number {
  return Date.parse(/T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value) ? value + 'Z' : value);
}

/** `value` when it is a plain object, else null. */
export function obj(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
