-- Raw chat as ingested: one row per PRIVMSG, USERNOTICE and CLEARCHAT/CLEARMSG.
-- Every table is a ReplacingMergeTree whose sorting key is the record's identity, so a row the
-- sink writes twice (replay, restart, kill -9 mid-batch) collapses to one; queries read with
-- FINAL. Partitions are days of event time; the sorting key starts with the channel so one
-- channel's time range is one contiguous read. Nullable columns stay out of sorting keys
-- (ClickHouse 18.16 cannot sort by them), so missing strings are ''.

CREATE TABLE IF NOT EXISTS chat_messages (
  room_id String,
  channel String,
  event_time DateTime('UTC'),
  event_time_ms Int64,
  id String,
  user_id String,
  login String,
  display_name String,
  text String,
  received_at_ms Int64,
  badge_names Array(String),
  badge_versions Array(String),
  subscriber_months UInt32,
  bits UInt32,
  emote_ids Array(String),
  emote_counts Array(UInt32),
  emote_count UInt32,
  emote_only UInt8,
  first_msg UInt8,
  returning_chatter UInt8,
  is_mod UInt8,
  is_vip UInt8,
  is_subscriber UInt8,
  reply_parent_msg_id String,
  reply_parent_user_login String,
  source_room_id String
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (room_id, event_time, id);

CREATE TABLE IF NOT EXISTS chat_events (
  room_id String,
  channel String,
  event_time DateTime('UTC'),
  event_time_ms Int64,
  id String,
  kind String,
  msg_id String,
  source_msg_id String,
  source_room_id String,
  user_id String,
  login String,
  display_name String,
  text String,
  system_msg String,
  received_at_ms Int64,
  cumulative_months UInt32,
  streak_months UInt32,
  sub_plan String,
  gift_months UInt32,
  mass_gift_count UInt32,
  sender_count UInt32,
  recipient_id String,
  recipient_login String,
  origin_id String,
  viewer_count UInt32,
  raider_login String,
  bits_threshold UInt32,
  param_keys Array(String),
  param_values Array(String)
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (room_id, event_time, id);

CREATE TABLE IF NOT EXISTS moderation (
  room_id String,
  channel String,
  event_time DateTime('UTC'),
  event_time_ms Int64,
  kind String,
  target_user_id String,
  target_login String,
  target_msg_id String,
  duration_seconds UInt32,
  text String,
  received_at_ms Int64
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(event_time)
ORDER BY (room_id, event_time, event_time_ms, kind, target_user_id, target_msg_id);
