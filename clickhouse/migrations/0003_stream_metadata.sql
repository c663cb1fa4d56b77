-- Stream metadata from Helix: one row per live stream per sweep, and the category switches
-- derived from consecutive sweeps. Keyed by the broadcaster's user id (chat's room id).

CREATE TABLE IF NOT EXISTS stream_snapshots (
  user_id String,
  login String,
  display_name String,
  observed_at DateTime('UTC'),
  observed_at_ms Int64,
  sweep_id String,
  stream_id String,
  viewer_count UInt32,
  game_id String,
  game_name String,
  title String,
  language String,
  started_at_ms Int64,
  is_mature UInt8,
  tags Array(String),
  broadcaster_type String
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(observed_at)
ORDER BY (user_id, observed_at, sweep_id);

CREATE TABLE IF NOT EXISTS category_changes (
  user_id String,
  login String,
  stream_id String,
  title String,
  observed_at DateTime('UTC'),
  observed_at_ms Int64,
  from_sweep_id String,
  to_sweep_id String,
  from_game_id String,
  from_game_name String,
  to_game_id String,
  to_game_name String,
  viewers_before UInt32,
  viewers_after UInt32,
  from_category_viewers UInt64,
  from_category_streams UInt32,
  to_category_viewers UInt64,
  to_category_streams UInt32,
  risk_score Float64,
  reasons Array(String)
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(observed_at)
ORDER BY (user_id, observed_at, to_sweep_id);
