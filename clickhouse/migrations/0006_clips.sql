-- Viewer clips of a channel (twitch.helix.clips, `twitch-pulse helix clips`) with the broadcast
-- moment each shows. One row per clip: the sorting key ends with the clip id, and a clip fetched
-- again (its view count grew) replaces the older row by `fetched_at_ms`, the ReplacingMergeTree
-- version (18.16 takes only unsigned integers and dates as a version). Read with FINAL.
-- A missing VOD offset is -1 and a VOD start that is unknown (no offset, VOD deleted) is -1:
-- 18.16 stores a JSON null as 0, which would be a real offset.
CREATE TABLE IF NOT EXISTS clips (
  broadcaster_id String,
  channel String,
  broadcaster_name String,
  created_at DateTime('UTC'),
  created_at_ms Int64,
  clip_id String,
  creator_id String,
  creator_name String,
  video_id String,
  game_id String,
  language String,
  title String,
  view_count UInt64,
  duration_seconds Float64,
  vod_offset_seconds Int32,
  vod_created_at_ms Int64,
  moment_start_ms Int64,
  moment_end_ms Int64,
  moment_from String,
  url String,
  is_featured UInt8,
  fetched_at_ms UInt64
) ENGINE = ReplacingMergeTree(fetched_at_ms)
PARTITION BY toYYYYMMDD(created_at)
ORDER BY (broadcaster_id, created_at, clip_id);
