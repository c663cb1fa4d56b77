-- What the topology derives from chat. Each row's identity is the channel plus its window (or
-- its begin), which the exact topology produces deterministically. chat_rates and sub_activity
-- may also receive early updates of a window; `is_final` is the ReplacingMergeTree version, so
-- the final result replaces them.

CREATE TABLE IF NOT EXISTS chat_rates (
  room_id String,
  channel String,
  size_ms Int64,
  window_start DateTime('UTC'),
  window_start_ms Int64,
  window_end_ms Int64,
  messages UInt64,
  chatters UInt64,
  first_time_chatters UInt64,
  emote_only_messages UInt64,
  bits UInt64,
  top_emote_ids Array(String),
  top_emote_counts Array(UInt64),
  is_final UInt8
) ENGINE = ReplacingMergeTree(is_final)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (room_id, size_ms, window_start, window_start_ms);

CREATE TABLE IF NOT EXISTS sub_activity (
  room_id String,
  channel String,
  size_ms Int64,
  window_start DateTime('UTC'),
  window_start_ms Int64,
  window_end_ms Int64,
  subs UInt64,
  resubs UInt64,
  gifted_subs UInt64,
  mass_gifts UInt64,
  upgrades UInt64,
  prime UInt64,
  tier1 UInt64,
  tier2 UInt64,
  tier3 UInt64,
  is_final UInt8
) ENGINE = ReplacingMergeTree(is_final)
PARTITION BY toYYYYMMDD(window_start)
ORDER BY (room_id, size_ms, window_start, window_start_ms);

CREATE TABLE IF NOT EXISTS sub_bursts (
  room_id String,
  channel String,
  begin_time DateTime('UTC'),
  begin_ms Int64,
  end_ms Int64,
  contributions UInt64,
  distinct_contributors UInt64,
  gifted_subs UInt64,
  top_gifter_logins Array(String),
  top_gifter_gifts Array(UInt64)
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(begin_time)
ORDER BY (room_id, begin_time, begin_ms);

CREATE TABLE IF NOT EXISTS hype (
  room_id String,
  channel String,
  begin_time DateTime('UTC'),
  begin_ms Int64,
  peak_ms Int64,
  end_ms Int64,
  peak_rate_per_min Float64,
  baseline_rate_per_min Float64,
  intensity Float64,
  messages UInt64,
  top_emote_ids Array(String),
  top_emote_counts Array(UInt64)
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(begin_time)
ORDER BY (room_id, begin_time, begin_ms);

CREATE TABLE IF NOT EXISTS ad_windows (
  room_id String,
  channel String,
  start_time DateTime('UTC'),
  start_ms Int64,
  end_ms Int64,
  score Float64,
  reason String,
  rate_per_min Float64,
  baseline_rate_per_min Float64
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(start_time)
ORDER BY (room_id, start_time, start_ms);
