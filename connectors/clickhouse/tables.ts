import type { TopicId } from '../../schemas/catalogue.ts';
import type { CategoryChange, ChatEvent, ChatMessage, Clip, DeadLetter, LateRecord, Moderation, StreamSnapshot } from '../../schemas/types.ts';
import type { AdWindow } from '../../topology/adWindows.ts';
import type { ChatRate } from '../../topology/chatRate.ts';
import type { Hype, HypeStart } from '../../topology/hype.ts';
import type { SubActivity } from '../../topology/subActivity.ts';
import type { SubBurst } from '../../topology/subBursts.ts';
import { dateTimeSeconds, finite, flag, int32, uint32, uint64 } from './columns.ts';

/** One row for a `JSONEachRow` insert. */
export type Row = Record<string, string | number | string[] | number[] | null>;

/** Where one topic's records go in ClickHouse, and how a record becomes a row. */
export interface TableMapping {
  readonly topic: TopicId;
  /** Table created by `clickhouse/migrations/`. */
  readonly table: string;
  /** @throws RowRejectedError for a value the column cannot hold faithfully. */
  readonly toRow: (record: never) => Row;
}

function mapping<T>(topic: TopicId, table: string, toRow: (record: T, table: string) => Row): TableMapping {
  return { topic, table, toRow: ((record: T) => toRow(record, table)) as (record: never) => Row };
}

/** An ad window's `cancelledAtMs` for `Nullable(Int64)`: null stays null (absent in records older than the field). */
function cancelledAt(table: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  dateTimeSeconds(table, 'cancelledAtMs', value);
  return value;
}

const keysOf = (map: Record<string, string>) => Object.keys(map);
const valuesOf = (map: Record<string, string>) => Object.values(map);

/** Every topic the ClickHouse sink writes, by topic id. Row identities are in the migrations' sorting keys. */
export const TABLE_MAPPINGS: readonly TableMapping[] = [
  mapping<ChatMessage>('chatMessages', 'chat_messages', (m, t) => ({
    room_id: m.roomId, channel: m.channel,
    event_time: dateTimeSeconds(t, 'eventTimeMs', m.eventTimeMs), event_time_ms: m.eventTimeMs,
    id: m.id, user_id: m.userId, login: m.login, display_name: m.displayName, text: m.text,
    received_at_ms: m.receivedAtMs,
    badge_names: keysOf(m.badges), badge_versions: valuesOf(m.badges),
    subscriber_months: uint32(t, 'subscriberMonths', m.subscriberMonths), bits: uint32(t, 'bits', m.bits),
    emote_ids: m.emotes.map((e) => e.id), emote_counts: m.emotes.map((e) => uint32(t, 'emotes.count', e.count)),
    emote_count: uint32(t, 'emoteCount', m.emoteCount), emote_only: flag(m.emoteOnly),
    first_msg: flag(m.firstMsg), returning_chatter: flag(m.returningChatter),
    is_mod: flag(m.mod), is_vip: flag(m.vip), is_subscriber: flag(m.subscriber),
    reply_parent_msg_id: m.replyParentMsgId ?? '', reply_parent_user_login: m.replyParentUserLogin ?? '',
    source_room_id: m.sourceRoomId ?? '',
  })),
  mapping<ChatEvent>('chatEvents', 'chat_events', (e, t) => ({
    room_id: e.roomId, channel: e.channel,
    event_time: dateTimeSeconds(t, 'eventTimeMs', e.eventTimeMs), event_time_ms: e.eventTimeMs,
    id: e.id, kind: e.kind, msg_id: e.msgId, source_msg_id: e.sourceMsgId ?? '', source_room_id: e.sourceRoomId ?? '',
    user_id: e.userId, login: e.login, display_name: e.displayName, text: e.text ?? '', system_msg: e.systemMsg ?? '',
    received_at_ms: e.receivedAtMs,
    cumulative_months: uint32(t, 'cumulativeMonths', e.cumulativeMonths), streak_months: uint32(t, 'streakMonths', e.streakMonths),
    sub_plan: e.subPlan ?? '', gift_months: uint32(t, 'giftMonths', e.giftMonths),
    mass_gift_count: uint32(t, 'massGiftCount', e.massGiftCount), sender_count: uint32(t, 'senderCount', e.senderCount),
    recipient_id: e.recipientId ?? '', recipient_login: e.recipientLogin ?? '', origin_id: e.originId ?? '',
    viewer_count: uint32(t, 'viewerCount', e.viewerCount), raider_login: e.raiderLogin ?? '',
    bits_threshold: uint32(t, 'bitsThreshold', e.bitsThreshold),
    param_keys: keysOf(e.params), param_values: valuesOf(e.params),
  })),
  mapping<Moderation>('moderation', 'moderation', (m, t) => ({
    room_id: m.roomId, channel: m.channel,
    event_time: dateTimeSeconds(t, 'eventTimeMs', m.eventTimeMs), event_time_ms: m.eventTimeMs,
    kind: m.kind, target_user_id: m.targetUserId ?? '', target_login: m.targetLogin ?? '', target_msg_id: m.targetMsgId ?? '',
    duration_seconds: uint32(t, 'durationSeconds', m.durationSeconds), text: m.text ?? '', received_at_ms: m.receivedAtMs,
  })),
  mapping<ChatRate>('chatRates', 'chat_rates', (r, t) => ({
    room_id: r.roomId, channel: r.channel, size_ms: r.sizeMs,
    window_start: dateTimeSeconds(t, 'windowStartMs', r.windowStartMs), window_start_ms: r.windowStartMs, window_end_ms: r.windowEndMs,
    messages: uint64(t, 'messages', r.messages), chatters: uint64(t, 'chatters', r.chatters),
    first_time_chatters: uint64(t, 'firstTimeChatters', r.firstTimeChatters),
    emote_only_messages: uint64(t, 'emoteOnlyMessages', r.emoteOnlyMessages), bits: uint64(t, 'bits', r.bits),
    top_emote_ids: r.topEmotes.map((e) => e.id), top_emote_counts: r.topEmotes.map((e) => uint64(t, 'topEmotes.count', e.count)),
    is_final: flag(!r.early),
  })),
  mapping<SubActivity>('subActivity', 'sub_activity', (s, t) => ({
    room_id: s.roomId, channel: s.channel, size_ms: s.sizeMs,
    window_start: dateTimeSeconds(t, 'windowStartMs', s.windowStartMs), window_start_ms: s.windowStartMs, window_end_ms: s.windowEndMs,
    subs: uint64(t, 'subs', s.subs), resubs: uint64(t, 'resubs', s.resubs), gifted_subs: uint64(t, 'giftedSubs', s.giftedSubs),
    mass_gifts: uint64(t, 'massGifts', s.massGifts), upgrades: uint64(t, 'upgrades', s.upgrades),
    prime: uint64(t, 'prime', s.prime), tier1: uint64(t, 'tier1', s.tier1), tier2: uint64(t, 'tier2', s.tier2), tier3: uint64(t, 'tier3', s.tier3),
    is_final: flag(!s.early),
  })),
  mapping<SubBurst>('subBursts', 'sub_bursts', (b, t) => ({
    room_id: b.roomId, channel: b.channel,
    begin_time: dateTimeSeconds(t, 'beginMs', b.beginMs), begin_ms: b.beginMs, end_ms: b.endMs,
    contributions: uint64(t, 'contributions', b.contributions), distinct_contributors: uint64(t, 'distinctContributors', b.distinctContributors),
    gifted_subs: uint64(t, 'giftedSubs', b.giftedSubs),
    top_gifter_logins: b.topGifters.map((g) => g.login), top_gifter_gifts: b.topGifters.map((g) => uint64(t, 'topGifters.gifts', g.gifts)),
  })),
  mapping<Hype>('hype', 'hype', (h, t) => ({
    room_id: h.roomId, channel: h.channel,
    begin_time: dateTimeSeconds(t, 'beginMs', h.beginMs), begin_ms: h.beginMs, peak_ms: h.peakMs, end_ms: h.endMs,
    peak_rate_per_min: finite(t, 'peakRatePerMin', h.peakRatePerMin), baseline_rate_per_min: finite(t, 'baselineRatePerMin', h.baselineRatePerMin),
    intensity: finite(t, 'intensity', h.intensity), messages: uint64(t, 'messages', h.messages),
    top_emote_ids: h.topEmotes.map((e) => e.id), top_emote_counts: h.topEmotes.map((e) => uint64(t, 'topEmotes.count', e.count)),
    // Records written before hype.avsc had `alert` decode without it (their writer's schema).
    alert: flag(h.alert ?? false),
  })),
  mapping<HypeStart>('hypeStarts', 'hype_starts', (h, t) => ({
    room_id: h.roomId, channel: h.channel,
    begin_time: dateTimeSeconds(t, 'beginMs', h.beginMs), begin_ms: h.beginMs, messages: uint64(t, 'messages', h.messages),
    rate_per_min: finite(t, 'ratePerMin', h.ratePerMin), baseline_rate_per_min: finite(t, 'baselineRatePerMin', h.baselineRatePerMin),
    z_score: finite(t, 'zScore', h.zScore),
    // The table's version (migration 0007): the announcement with alert = 1 wins over the first.
    alert: flag(h.alert ?? false),
  })),
  mapping<AdWindow>('adWindows', 'ad_windows', (a, t) => ({
    room_id: a.roomId, channel: a.channel,
    start_time: dateTimeSeconds(t, 'startMs', a.startMs), start_ms: a.startMs, end_ms: a.endMs,
    score: finite(t, 'score', a.score), reason: a.reason,
    rate_per_min: finite(t, 'ratePerMin', a.ratePerMin), baseline_rate_per_min: finite(t, 'baselineRatePerMin', a.baselineRatePerMin),
    // `cancelled` is the table's version (migration 0007): the cancellation wins over the window.
    cancelled_at_ms: cancelledAt(t, a.cancelledAtMs), cancelled: flag((a.cancelledAtMs ?? null) !== null),
  })),
  mapping<StreamSnapshot>('streamSnapshots', 'stream_snapshots', (s, t) => ({
    user_id: s.userId, login: s.login, display_name: s.displayName,
    observed_at: dateTimeSeconds(t, 'observedAtMs', s.observedAtMs), observed_at_ms: s.observedAtMs,
    sweep_id: s.sweepId, stream_id: s.streamId, viewer_count: uint32(t, 'viewerCount', s.viewerCount),
    game_id: s.gameId, game_name: s.gameName, title: s.title, language: s.language,
    started_at_ms: s.startedAtMs, is_mature: flag(s.isMature), tags: s.tags, broadcaster_type: s.broadcasterType ?? '',
  })),
  mapping<CategoryChange>('categoryChanges', 'category_changes', (c, t) => ({
    user_id: c.userId, login: c.login, stream_id: c.streamId, title: c.title,
    observed_at: dateTimeSeconds(t, 'observedAtMs', c.observedAtMs), observed_at_ms: c.observedAtMs,
    from_sweep_id: c.fromSweepId, to_sweep_id: c.toSweepId,
    from_game_id: c.fromGameId, from_game_name: c.fromGameName, to_game_id: c.toGameId, to_game_name: c.toGameName,
    viewers_before: uint32(t, 'viewersBefore', c.viewersBefore), viewers_after: uint32(t, 'viewersAfter', c.viewersAfter),
    from_category_viewers: uint64(t, 'fromCategoryViewers', c.fromCategoryViewers), from_category_streams: uint32(t, 'fromCategoryStreams', c.fromCategoryStreams),
    to_category_viewers: uint64(t, 'toCategoryViewers', c.toCategoryViewers), to_category_streams: uint32(t, 'toCategoryStreams', c.toCategoryStreams),
    risk_score: finite(t, 'riskScore', c.riskScore), reasons: c.reasons,
  })),
  mapping<Clip>('clips', 'clips', (c, t) => ({
    broadcaster_id: c.broadcasterId, channel: c.channel, broadcaster_name: c.broadcasterName,
    created_at: dateTimeSeconds(t, 'createdAtMs', c.createdAtMs), created_at_ms: c.createdAtMs, clip_id: c.clipId,
    creator_id: c.creatorId, creator_name: c.creatorName, video_id: c.videoId, game_id: c.gameId, language: c.language, title: c.title,
    view_count: uint64(t, 'viewCount', c.viewCount), duration_seconds: finite(t, 'durationSeconds', c.durationSeconds),
    vod_offset_seconds: c.vodOffsetSeconds === null ? -1 : int32(t, 'vodOffsetSeconds', c.vodOffsetSeconds),
    vod_created_at_ms: c.vodCreatedAtMs ?? -1,
    moment_start_ms: c.momentStartMs, moment_end_ms: c.momentEndMs, moment_from: c.momentFrom,
    url: c.url, is_featured: flag(c.isFeatured), fetched_at_ms: uint64(t, 'fetchedAtMs', c.fetchedAtMs),
  })),
  // A dead letter this sink cannot write becomes a new dead letter stamped now, which it can: no loop.
  mapping<DeadLetter>('deadLetter', 'dead_letters', (d, t) => ({
    occurred_at: dateTimeSeconds(t, 'occurredAtMs', d.occurredAtMs), occurred_at_ms: d.occurredAtMs,
    stage: d.stage, error_code: d.errorCode, reason: d.reason,
    source_topic: d.sourceTopic ?? '', source_partition: d.sourcePartition === null ? -1 : int32(t, 'sourcePartition', d.sourcePartition),
    source_offset: d.sourceOffset ?? '', channel: d.channel ?? '',
    raw_base64: Buffer.from(d.raw).toString('base64'), raw_bytes: uint32(t, 'raw.length', d.raw.length),
  })),
  mapping<LateRecord>('lateRecords', 'late_records', (l, t) => ({
    channel: l.channel, operator: l.operator,
    stream_time: dateTimeSeconds(t, 'streamTimeMs', l.streamTimeMs), stream_time_ms: l.streamTimeMs,
    event_time_ms: l.eventTimeMs, window_start_ms: l.windowStartMs, window_end_ms: l.windowEndMs, grace_ms: l.graceMs,
    source_topic: l.sourceTopic, source_partition: int32(t, 'sourcePartition', l.sourcePartition), source_offset: l.sourceOffset,
  })),
];
