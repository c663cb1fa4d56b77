/**
 * TypeScript shapes of the Avro records in `schemas/avro/`. Field names and meanings are the
 * schemas'; see each field's `doc` there.
 */

/** `msg-id` values of USERNOTICE, spelled as Twitch spells them. */
export const CHAT_EVENT_KINDS = [
  'sub', 'resub', 'subgift', 'anonsubgift', 'submysterygift', 'anonsubmysterygift', 'giftpaidupgrade',
  'anongiftpaidupgrade', 'primepaidupgrade', 'raid', 'unraid', 'bitsbadgetier', 'announcement', 'ritual',
  'rewardgift', 'communitypayforward', 'standardpayforward', 'viewermilestone', 'charitydonation',
  'extendsub', 'sharedchatnotice', 'unknown',
] as const;

/** A USERNOTICE kind; `unknown` for a msg-id twitch-pulse does not know yet. */
export type ChatEventKind = (typeof CHAT_EVENT_KINDS)[number];

/** One emote and its occurrences in a message. */
export interface EmoteUse { id: string; count: number }

/** `chat-message.avsc`: one PRIVMSG. */
export interface ChatMessage {
  id: string;
  channel: string;
  roomId: string;
  userId: string;
  login: string;
  displayName: string;
  text: string;
  eventTimeMs: number;
  receivedAtMs: number;
  badges: Record<string, string>;
  badgeInfo: Record<string, string>;
  subscriberMonths: number | null;
  bits: number;
  emotes: EmoteUse[];
  emoteCount: number;
  emoteOnly: boolean;
  firstMsg: boolean;
  returningChatter: boolean;
  mod: boolean;
  vip: boolean;
  subscriber: boolean;
  replyParentMsgId: string | null;
  replyParentUserLogin: string | null;
  sourceRoomId: string | null;
  sourceId: string | null;
}

/** `chat-event.avsc`: one USERNOTICE. */
export interface ChatEvent {
  id: string;
  channel: string;
  roomId: string;
  kind: ChatEventKind;
  msgId: string;
  sourceMsgId: string | null;
  sourceRoomId: string | null;
  sourceId: string | null;
  userId: string;
  login: string;
  displayName: string;
  text: string | null;
  systemMsg: string | null;
  eventTimeMs: number;
  receivedAtMs: number;
  cumulativeMonths: number | null;
  streakMonths: number | null;
  subPlan: string | null;
  subPlanName: string | null;
  giftMonths: number | null;
  massGiftCount: number | null;
  senderCount: number | null;
  recipientId: string | null;
  recipientLogin: string | null;
  recipientDisplayName: string | null;
  originId: string | null;
  viewerCount: number | null;
  raiderLogin: string | null;
  bitsThreshold: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
}

/** `moderation.avsc`: CLEARCHAT or CLEARMSG. */
export interface Moderation {
  kind: 'timeout' | 'ban' | 'clearchat' | 'clearmsg';
  channel: string;
  roomId: string;
  targetUserId: string | null;
  targetLogin: string | null;
  durationSeconds: number | null;
  targetMsgId: string | null;
  text: string | null;
  eventTimeMs: number;
  receivedAtMs: number;
}

/** `dead-letter.avsc`. */
export interface DeadLetter {
  stage: string;
  errorCode: string;
  reason: string;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  channel: string | null;
  raw: Buffer;
  occurredAtMs: number;
}

/** `late-record.avsc`: a record that arrived after its window closed (stream time past window end + grace). */
export interface LateRecord {
  operator: string;
  channel: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  eventTimeMs: number;
  streamTimeMs: number;
  windowStartMs: number;
  windowEndMs: number;
  graceMs: number;
}

/** `stream-snapshot.avsc`: one live stream as one Helix sweep saw it. */
export interface StreamSnapshot {
  sweepId: string;
  observedAtMs: number;
  streamId: string;
  userId: string;
  login: string;
  displayName: string;
  viewerCount: number;
  gameId: string;
  gameName: string;
  title: string;
  language: string;
  startedAtMs: number;
  isMature: boolean;
  thumbnailUrl: string;
  tags: string[];
  broadcasterType: string | null;
  boxArtUrl: string | null;
}

/** How a clip's moment was placed: on its VOD, or ending at the clip's `created_at`. */
export type ClipMomentFrom = 'vod' | 'created_at';

/** `clip.avsc`: one viewer clip and the broadcast moment it shows. */
export interface Clip {
  clipId: string;
  broadcasterId: string;
  channel: string;
  broadcasterName: string;
  creatorId: string;
  creatorName: string;
  videoId: string;
  gameId: string;
  language: string;
  title: string;
  viewCount: number;
  createdAtMs: number;
  durationSeconds: number;
  vodOffsetSeconds: number | null;
  vodCreatedAtMs: number | null;
  momentStartMs: number;
  momentEndMs: number;
  momentFrom: ClipMomentFrom;
  url: string;
  embedUrl: string;
  thumbnailUrl: string;
  isFeatured: boolean;
  fetchedAtMs: number;
}

/** `category-change.avsc`: a stream switched category between two sweeps. */
export interface CategoryChange {
  userId: string;
  login: string;
  streamId: string;
  title: string;
  fromSweepId: string;
  toSweepId: string;
  observedAtMs: number;
  fromGameId: string;
  fromGameName: string;
  toGameId: string;
  toGameName: string;
  viewersBefore: number;
  viewersAfter: number;
  fromCategoryViewers: number;
  fromCategoryStreams: number;
  toCategoryViewers: number;
  toCategoryStreams: number;
  riskScore: number;
  reasons: string[];
}
