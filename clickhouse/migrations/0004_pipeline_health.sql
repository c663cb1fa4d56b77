-- Pipeline health: what did not make it through (dead letters, late records) and how far each
-- consumer group is behind (consumer lag, written by the lag probe of `sink clickhouse`).
-- Same conventions as 0001-0003: ReplacingMergeTree keyed by the row's identity (read with
-- FINAL), partitions by day, '' and -1 instead of Nullable in sorting keys (18.16).

-- One row per record on pulse.dead-letter. A dead letter that did not come from Kafka (a
-- malformed IRC line) has source_topic '' and source_partition -1; its identity then rests on
-- the time, reason and a hash of the raw bytes (kept base64-encoded: they need not be UTF-8).
CREATE TABLE IF NOT EXISTS dead_letters (
  occurred_at DateTime('UTC'),
  occurred_at_ms Int64,
  stage String,
  error_code String,
  reason String,
  source_topic String,
  source_partition Int32,
  source_offset String,
  channel String,
  raw_base64 String,
  raw_bytes UInt32
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(occurred_at)
ORDER BY (stage, occurred_at, occurred_at_ms, source_topic, source_partition, source_offset, error_code, cityHash64(raw_base64));

-- One row per record on pulse.late-records: a record that arrived after its window closed.
-- Partitioned and ordered by stream time (when it arrived), not by its own event time, which
-- may be arbitrarily old.
CREATE TABLE IF NOT EXISTS late_records (
  channel String,
  operator String,
  stream_time DateTime('UTC'),
  stream_time_ms Int64,
  event_time_ms Int64,
  window_start_ms Int64,
  window_end_ms Int64,
  grace_ms Int64,
  source_topic String,
  source_partition Int32,
  source_offset String
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(stream_time)
ORDER BY (channel, stream_time, source_topic, source_partition, source_offset, operator);

-- One row per consumer group, topic and partition each time the lag probe runs.
-- committed_offset is -1 where the group has committed nothing; lag then counts from the
-- partition's first offset.
CREATE TABLE IF NOT EXISTS consumer_lag (
  observed_at DateTime('UTC'),
  observed_at_ms Int64,
  group_id String,
  topic String,
  partition Int32,
  committed_offset Int64,
  end_offset Int64,
  lag Int64
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(observed_at)
ORDER BY (group_id, topic, partition, observed_at, observed_at_ms);
