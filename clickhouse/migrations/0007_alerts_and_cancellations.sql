-- Issue #19: a hype says whether it is an alert, and an ad window whether a hype cancelled it.
--
-- hype: a hype is written once, when it ends, so `alert` is a plain column (0 for older rows).
--
-- hype_starts and ad_windows hold updates: a hype is announced with alert = 0 at its begin and
-- again, same identity, with alert = 1 once it crosses the alert severity; an ad window is
-- written again with cancelled_at_ms once a hype cancels the rest of it. Without a version the
-- row inserted last wins under FINAL. The sink inserts one partition's records in order (and
-- 18.16 keeps the last of equal keys within one insert), but a second group replaying the
-- topic, or a consumer that lost its partitions in a rebalance and still finishes an insert,
-- writes an original after its update. So both tables get a version that only grows along an
-- identity's updates: `alert` for hype_starts, `cancelled` (1 when cancelled_at_ms is set) for
-- ad_windows; whatever the insert order, the update wins.
--
-- A ReplacingMergeTree's version cannot be added by ALTER, so each table is rebuilt: created
-- under a new name, filled from the old one (older rows: alert 0, not cancelled), and swapped
-- in. 18.16 has no ADD COLUMN IF NOT EXISTS and no EXCHANGE TABLES, so the in-place steps are
-- guarded (`-- skip if:`, see clickhouse/migrations.ts) by what they leave behind: run again
-- after a crash, this file does only what is left. Run it with the sink stopped, as every
-- migration (a row written between the copy and the swap would stay in the old table).

-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'hype' AND name = 'alert'
ALTER TABLE hype ADD COLUMN alert UInt8;

-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'hype_starts' AND name = 'alert'
CREATE TABLE IF NOT EXISTS hype_starts_0007 (
  room_id String,
  channel String,
  begin_time DateTime('UTC'),
  begin_ms Int64,
  messages UInt64,
  rate_per_min Float64,
  baseline_rate_per_min Float64,
  z_score Float64,
  alert UInt8
) ENGINE = ReplacingMergeTree(alert)
PARTITION BY toYYYYMMDD(begin_time)
ORDER BY (room_id, begin_time, begin_ms);

-- A copy run twice leaves duplicate rows, which FINAL collapses like any replayed insert.
-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'hype_starts' AND name = 'alert'
INSERT INTO hype_starts_0007 (room_id, channel, begin_time, begin_ms, messages, rate_per_min, baseline_rate_per_min, z_score, alert)
SELECT room_id, channel, begin_time, begin_ms, messages, rate_per_min, baseline_rate_per_min, z_score, 0 FROM hype_starts;

-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'hype_starts' AND name = 'alert'
RENAME TABLE hype_starts TO hype_starts_0005, hype_starts_0007 TO hype_starts;

DROP TABLE IF EXISTS hype_starts_0005;

-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'ad_windows' AND name = 'cancelled'
CREATE TABLE IF NOT EXISTS ad_windows_0007 (
  room_id String,
  channel String,
  start_time DateTime('UTC'),
  start_ms Int64,
  end_ms Int64,
  score Float64,
  reason String,
  rate_per_min Float64,
  baseline_rate_per_min Float64,
  cancelled_at_ms Nullable(Int64),
  cancelled UInt8
) ENGINE = ReplacingMergeTree(cancelled)
PARTITION BY toYYYYMMDD(start_time)
ORDER BY (room_id, start_time, start_ms);

-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'ad_windows' AND name = 'cancelled'
INSERT INTO ad_windows_0007 (room_id, channel, start_time, start_ms, end_ms, score, reason, rate_per_min, baseline_rate_per_min, cancelled_at_ms, cancelled)
SELECT room_id, channel, start_time, start_ms, end_ms, score, reason, rate_per_min, baseline_rate_per_min, NULL, 0 FROM ad_windows;

-- skip if: SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = 'ad_windows' AND name = 'cancelled'
RENAME TABLE ad_windows TO ad_windows_0002, ad_windows_0007 TO ad_windows;

DROP TABLE IF EXISTS ad_windows_0002;
