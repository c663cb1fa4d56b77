import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import { OTHER, derivedId, derivedRoomId, derivedUserId, logMessage, obj, type ChatLogEntry } from './records.ts';

// `[2024-01-5 20:00:01] #channel login: text`: justlog formats the date with Go's
// "2006-01-2 15:04:05" (day not zero-padded), rustlog with "%Y-%m-%d %H:%M:%S"; both in UTC.
const LINE = /^\[(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})\] #([a-z0-9_]{1,25}) ([\s\S]*)$/;
const CHAT = /^([a-z0-9_]{1,25}): ([\s\S]*)$/;

/**
 * One line of justlog's or rustlog's plain-text export (`/channel/X/user/Y` without `?raw`
 * or `?json`): `[YYYY-MM-DD hh:mm:ss] #channel login: text` is a chat message; `[…] #channel
 * text` (a sub, a timeout: the server's system text) carries no author and counts as `other`.
 * The export has no ids and second precision only: the message id is {@link derivedId} of
 * the channel, time, login, text and line number; room and user ids are derived from the logins.
 */
export function justlogTextLine(text: string, lineNumber: number, receivedAtMs: number): ChatLogEntry {
  const m = LINE.exec(text);
  if (!m) {
    return { kind: 'malformed', error: new ChatLogEntryError('justlog-text', lineNumber, text.length === 0 ? 'empty line' : 'not a justlog text line ([YYYY-MM-DD hh:mm:ss] #channel login: text)') };
  }
  const chat = CHAT.exec(m[8]!);
  if (!chat) return OTHER;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const eventTimeMs = Date.UTC(y, mo - 1, d, h, mi, s);
  const channel = m[7]!;
  const login = chat[1]!;
  return {
    kind: 'message',
    value: logMessage({
      id: derivedId('justlog-text', channel, eventTimeMs, login, chat[2]!, lineNumber),
      channel, roomId: derivedRoomId(channel), userId: derivedUserId(login), login, displayName: login,
      text: chat[2]!, eventTimeMs, receivedAtMs,
    }),
  };
}

/**
 * The raw IRC lines of justlog's and rustlog's JSON export, `{"messages":[{…, "raw": "@…"}]}`:
 * each message's `raw` is the line as Twitch sent it (rustlog rebuilds it from what it stored),
 * so it goes through the same IRC parser as everything else. A message without a string `raw`
 * yields its error instead.
 *
 * @throws ChatLogError when the root has no `messages` array.
 */
export function* justlogJsonRawLines(root: unknown): Generator<string | ChatLogEntryError> {
  const messages = obj(root)?.messages;
  if (!Array.isArray(messages)) throw new ChatLogError('justlog-json', 'expected an object with a "messages" array');
  for (let i = 0; i < messages.length; i++) {
    const raw = obj(messages[i])?.raw;
    yield typeof raw === 'string' ? raw : new ChatLogEntryError('justlog-json', i + 1, 'message without a "raw" IRC line');
  }
}

/**
 * The raw IRC line of one line of rustlog's NDJSON export (one message object per line, as in
 * {@link justlogJsonRawLines}), or the reason there is none.
 */
export function justlogNdjsonRawLine(line: string, lineNumber: number): string | ChatLogEntryError {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return new ChatLogEntryError('justlog-ndjson', lineNumber, `not JSON: ${(error as Error).message}`, error);
  }
  const raw = obj(value)?.raw;
  return typeof raw === 'string' ? raw : new ChatLogEntryError('justlog-ndjson', lineNumber, 'message without a "raw" IRC line');
}
