-- The moment each hype begins (pulse.hype-starts), written as soon as its first bucket closes,
-- long before the hype itself lands in `hype` when it ends: the Grafana hype alert reads this.
-- Same conventions as 0001-0004: ReplacingMergeTree keyed by identity, read with FINAL.
CREATE TABLE IF NOT EXISTS hype_starts (
  room_id String,
  channel String,
  begin_time DateTime('UTC'),
  begin_ms Int64,
  messages UInt64,
  rate_per_min Float64,
  baseline_rate_per_min Float64,
  z_score Float64
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(begin_time)
ORDER BY (room_id, begin_time, begin_ms);
