import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import type { ChatMessage } from '../../schemas/types.ts';
import { countEmotes, derivedId, derivedRoomId, derivedUserId, isLogin, isoMs, logEvent, logMessage, num, obj, str, type ChatLogEntry } from './records.ts';

const FORMAT = 'twitchdownloader-json';

/** What a TwitchDownloader file says about its channel and video, shared by all its comments. */
export interface TwitchDownloaderVideo {
  /** The channel login: `streamer.name` lower-cased (TwitchDownloader stores the display name). */
  readonly channel: string;
  /** `streamer.id`, Twitch's numeric room id. */
  readonly roomId: string;
  /** `video.created_at` in epoch ms, the base of `content_offset_seconds`; null when absent. */
  readonly videoStartMs: number | null;
}

/**
 * Reads the header of a TwitchDownloader chat JSON (its `ChatRoot`: `streamer`, `video`,
 * `comments`). The file's shape is TwitchDownloader's `TwitchObjects/ChatRoot.cs`.
 *
 * `streamer.name` is the display name; lower-cased it is the login for every channel whose
 * display name differs from the login only in case (Twitch requires that unless the display
 * name is localized). A localized one falls back to the numeric id as the channel name.
 *
 * @throws ChatLogError when the root is not an object with a `comments` array and a `streamer`
 *   with an id or a name.
 */
export function twitchDownloaderVideo(root: unknown): TwitchDownloaderVideo {
  const r = obj(root);
  if (!r || !Array.isArray(r.comments)) throw new ChatLogError(FORMAT, 'expected an object with a "comments" array');
  const streamer = obj(r.streamer);
  const roomId = str(streamer?.id) ?? '';
  const name = (str(streamer?.name) ?? '').toLowerCase();
  if (!roomId && !name) throw new ChatLogError(FORMAT, 'no "streamer" with an id or a name');
  const channel = isLogin(name) ? name : roomId || name;
  const created = str(obj(r.video)?.created_at);
  const videoStartMs = created ? isoMs(created) : NaN;
  return { channel, roomId: roomId || derivedRoomId(channel), videoStartMs: Number.isFinite(videoStartMs) ? videoStartMs : null };
}

/**
 * One TwitchDownloader comment as a chat record. Event time is the comment's `created_at`, or
 * `video.created_at` + `content_offset_seconds` when it has none. Emotes come from the message
 * `fragments` (`emoticon.emoticon_id`), badges from `user_badges`, bits from `bits_spent`. A
 * comment whose `user_notice_params.msg_id` names a USERNOTICE kind (files from Twitch's old
 * v5 API carry them for subs) becomes a chat event of that kind.
 *
 * @param index 1-based position in `comments`, for derived ids and error messages.
 * @returns a message or an event, or malformed with the reason (no commenter, no text, no time).
 */
export function twitchDownloaderComment(comment: unknown, index: number, video: TwitchDownloaderVideo, receivedAtMs: number): ChatLogEntry {
  const bad = (detail: string): ChatLogEntry => ({ kind: 'malformed', error: new ChatLogEntryError(FORMAT, index, detail) });
  const c = obj(comment);
  if (!c) return bad('comment is not an object');
  const commenter = obj(c.commenter);
  const login = (str(commenter?.name) ?? '').toLowerCase();
  if (!commenter || !login) return bad('comment without commenter.name');
  const message = obj(c.message);
  if (!message) return bad('comment without message');
  const fragments = Array.isArray(message.fragments) ? message.fragments.map(obj) : [];
  const text = str(message.body) ?? fragments.map((f) => str(f?.text) ?? '').join('');
  const created = str(c.created_at);
  let eventTimeMs = created ? isoMs(created) : NaN;
  const offset = num(c.content_offset_seconds);
  if (!Number.isFinite(eventTimeMs) && video.videoStartMs !== null && offset !== null) eventTimeMs = video.videoStartMs + Math.round(offset * 1000);
  if (!Number.isFinite(eventTimeMs)) return bad('comment without created_at (and no video.created_at + content_offset_seconds)');

  const userId = str(commenter._id) ?? derivedUserId(login);
  const displayName = str(commenter.display_name) ?? login;
  const id = str(c._id) ?? derivedId(FORMAT, video.channel, eventTimeMs, login, text, index);
  const roomId = str(c.channel_id) ?? video.roomId;
  const badges: Record<string, string> = {};
  if (Array.isArray(message.user_badges)) {
    for (const b of message.user_badges.map(obj)) {
      const set = str(b?._id);
      if (set) badges[set] = str(b!.version) ?? '';
    }
  }
  const msgId = str(obj(message.user_notice_params)?.msg_id);
  if (msgId) {
    return { kind: 'event', value: logEvent({ id, channel: video.channel, roomId, msgId, userId, login, displayName, eventTimeMs, receivedAtMs }, { text: text || null }) };
  }
  const emoteIds: string[] = [];
  let emoteOnly = fragments.length > 0;
  for (const f of fragments) {
    const emote = str(obj(f?.emoticon)?.emoticon_id);
    if (emote) emoteIds.push(emote);
    else if ((str(f?.text) ?? '').trim() !== '') emoteOnly = false;
  }
  const more: Partial<ChatMessage> = {
    badges,
    bits: Math.max(0, Math.trunc(num(message.bits_spent) ?? 0)),
    emotes: countEmotes(emoteIds),
    emoteOnly: emoteOnly && emoteIds.length > 0,
    mod: badges.moderator !== undefined,
    vip: badges.vip !== undefined,
    subscriber: badges.subscriber !== undefined || badges.founder !== undefined,
  };
  return { kind: 'message', value: logMessage({ id, channel: video.channel, roomId, userId, login, displayName, text, eventTimeMs, receivedAtMs }, more) };
}

/**
 * Every comment of a parsed TwitchDownloader file as chat records, in file order.
 * @throws ChatLogError when the file is not a TwitchDownloader chat JSON (see {@link twitchDownloaderVideo}).
 */
export function* twitchDownloaderEntries(root: unknown, clock: () => number): Generator<ChatLogEntry> {
  const video = twitchDownloaderVideo(root);
  const comments = (root as { comments: unknown[] }).comments;
  for (let i = 0; i < comments.length; i++) yield twitchDownloaderComment(comments[i], i + 1, video, clock());
}
