import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import type { ChatEvent, ChatMessage } from '../../schemas/types.ts';
import { countEmotes, derivedId, derivedRoomId, derivedUserId, logEvent, logMessage, num, obj, str, type ChatLogEntry } from './records.ts';

const FORMAT = 'chat-downloader-json';

/**
 * chat-downloader's `message_type` for Twitch's USERNOTICE `msg-id`s (its `sites/twitch.py`
 * renames them), mapped back to Twitch's spelling.
 */
export const CHAT_DOWNLOADER_EVENT_TYPES: Readonly<Record<string, string>> = {
  subscription: 'sub',
  resubscription: 'resub',
  subscription_gift: 'subgift',
  anonymous_subscription_gift: 'anonsubgift',
  mystery_subscription_gift: 'submysterygift',
  anonymous_mystery_subscription_gift: 'anonsubmysterygift',
  extend_subscription: 'extendsub',
  standard_pay_forward: 'standardpayforward',
  community_pay_forward: 'communitypayforward',
  prime_paid_upgrade: 'primepaidupgrade',
  gift_paid_upgrade: 'giftpaidupgrade',
  anonymous_gift_paid_upgrade: 'anongiftpaidupgrade',
  reward_gift: 'rewardgift',
  raid: 'raid',
  unraid: 'unraid',
  bits_badge_tier: 'bitsbadgetier',
  ritual: 'ritual',
  charity: 'charitydonation',
};

/** chat-downloader's `message_type`s that are chat messages (PRIVMSG); absent means one too. */
const MESSAGE_TYPES: ReadonlySet<string> = new Set(['text_message', 'highlighted_message', 'send_message_in_subscriber_only_mode']);

/** chat-downloader's `subscription_type` back to Twitch's `msg-param-sub-plan`. */
const SUB_PLANS: Readonly<Record<string, string>> = { Prime: 'Prime', 'Tier 1': '1000', 'Tier 2': '2000', 'Tier 3': '3000' };

/** Where the channel of chat-downloader items comes from: its items do not name it. */
export interface ChatDownloaderChannel {
  /** The channel login (from `--channel`, else `unknown`). */
  readonly channel: string;
}

/**
 * One chat-downloader item (its Twitch output: `sites/twitch.py`) as a chat record. Event time
 * is `timestamp`, in microseconds since the epoch; `time_in_seconds` alone (an offset into the
 * video) is not enough. Items do not name the channel: the login comes from the caller, the
 * room id from the item's `channel_id` (live chat) or is derived from the login (VODs).
 * Emotes come from `emotes[].id`, counted by their `locations` (a list in live chat, a
 * comma-separated string in VODs). `message_type`s of subs, gifts, raids and the like become
 * chat events; others that are not chat messages (bans, deletions, room states, notices) carry
 * nothing and count as `other`.
 *
 * @param index 1-based position in the array, for derived ids and error messages.
 */
export function chatDownloaderItem(item: unknown, index: number, source: ChatDownloaderChannel, receivedAtMs: number): ChatLogEntry {
  const bad = (detail: string): ChatLogEntry => ({ kind: 'malformed', error: new ChatLogEntryError(FORMAT, index, detail) });
  const it = obj(item);
  if (!it) return bad('item is not an object');
  const type = str(it.message_type) ?? 'text_message';
  const msgId = CHAT_DOWNLOADER_EVENT_TYPES[type];
  if (msgId === undefined && !MESSAGE_TYPES.has(type)) return { kind: 'other' };
  const micros = num(it.timestamp);
  if (micros === null || micros <= 0) return bad('item without a numeric timestamp');
  const eventTimeMs = Math.floor(micros / 1000);
  const author = obj(it.author) ?? {};
  const login = (str(author.name) ?? '').toLowerCase();
  const text = typeof it.message === 'string' ? it.message : null;
  const channel = source.channel;
  const roomId = str(it.channel_id) ?? derivedRoomId(channel);
  const id = str(it.message_id) ?? derivedId(FORMAT, channel, eventTimeMs, login, text ?? '', index);
  const userId = str(author.id) ?? (login ? derivedUserId(login) : '');
  const displayName = str(author.display_name) ?? login;

  if (msgId !== undefined) {
    const plan = str(it.subscription_type);
    const more: Partial<ChatEvent> = {
      text,
      systemMsg: str(it.system_message),
      cumulativeMonths: int(it.cumulative_months) ?? int(it.months),
      streakMonths: int(it.number_of_consecutive_months_subscribed),
      subPlan: plan === null ? null : SUB_PLANS[plan] ?? plan,
      subPlanName: str(it.subscription_plan_name),
      giftMonths: int(it.number_of_months_gifted),
      massGiftCount: int(it.mass_gift_count),
      senderCount: int(it.sender_count),
      recipientId: str(it.gift_recipient_id),
      recipientDisplayName: str(it.gift_recipient_display_name),
      originId: str(it.origin_id),
      viewerCount: int(it.number_of_raiders),
      raiderLogin: str(it.raider_name),
      bitsThreshold: int(it.bits_badge_tier),
    };
    return { kind: 'event', value: logEvent({ id, channel, roomId, msgId, userId, login, displayName, eventTimeMs, receivedAtMs }, more) };
  }

  if (!login) return bad('message without author.name');
  if (text === null) return bad('message without message text');
  const badges: Record<string, string> = {};
  let subscriberMonths: number | null = null;
  if (Array.isArray(author.badges)) {
    for (const b of author.badges.map(obj)) {
      const name = str(b?.name);
      if (!name) continue;
      badges[name] = str(b!.version) ?? '';
      if (name === 'subscriber' || name === 'founder') subscriberMonths = int(b!.months) ?? subscriberMonths;
    }
  }
  const emoteIds: string[] = [];
  const emoteNames = new Set<string>();
  if (Array.isArray(it.emotes)) {
    for (const e of it.emotes.map(obj)) {
      const emote = str(e?.id);
      if (!emote) continue;
      const locations = e!.locations;
      const count = Array.isArray(locations) ? locations.length : typeof locations === 'string' && locations ? locations.split(',').length : 1;
      for (let n = 0; n < Math.max(1, count); n++) emoteIds.push(emote);
      const name = str(e!.name);
      if (name) emoteNames.add(name);
    }
  }
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const replyTo = obj(it.in_reply_to);
  const more: Partial<ChatMessage> = {
    badges,
    subscriberMonths,
    bits: Math.max(0, int(it.bits) ?? 0),
    emotes: countEmotes(emoteIds),
    emoteOnly: words.length > 0 && emoteNames.size > 0 && words.every((w) => emoteNames.has(w)),
    firstMsg: it.is_first_message === true,
    returningChatter: it.is_returning_chatter === true,
    mod: author.is_moderator === true || badges.moderator !== undefined,
    vip: it.is_vip === true || badges.vip !== undefined,
    subscriber: author.is_subscriber === true || badges.subscriber !== undefined || badges.founder !== undefined,
    replyParentMsgId: str(replyTo?.message_id),
    replyParentUserLogin: str(obj(replyTo?.author)?.name),
  };
  return { kind: 'message', value: logMessage({ id, channel, roomId, userId, login, displayName, text, eventTimeMs, receivedAtMs }, more) };
}

/**
 * Every item of a parsed chat-downloader JSON file (an array) as chat records, in file order.
 * @throws ChatLogError when the root is not an array.
 */
export function* chatDownloaderEntries(root: unknown, source: ChatDownloaderChannel, clock: () => number): Generator<ChatLogEntry> {
  if (!Array.isArray(root)) throw new ChatLogError(FORMAT, 'expected a JSON array of chat items');
  for (let i = 0; i < root.length; i++) yield chatDownloaderItem(root[i], i + 1, source, clock());
}

function int(value: unknown): number | null {
  const n = num(value);
  return n === null ? null : Math.trunc(n);
}
