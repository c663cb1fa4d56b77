-- Retention of the raw tables: a row is deleted once its time is older than
-- CLICKHOUSE_RAW_RETENTION_DAYS (default 90), which `migrate` sends as the query parameter
-- {raw_retention_days:UInt16}. Derived tables (rates, bursts, hypes, ad windows) and the Helix
-- tables keep their rows: they are small and the insights read them over long periods.
-- ClickHouse deletes expired rows in background merges; with daily partitions a day's parts go
-- whole once all their rows have expired. Re-runnable: MODIFY TTL sets the same TTL again.
ALTER TABLE chat_messages MODIFY TTL event_time + INTERVAL {raw_retention_days:UInt16} DAY;
ALTER TABLE chat_events MODIFY TTL event_time + INTERVAL {raw_retention_days:UInt16} DAY;
ALTER TABLE moderation MODIFY TTL event_time + INTERVAL {raw_retention_days:UInt16} DAY;
ALTER TABLE dead_letters MODIFY TTL occurred_at + INTERVAL {raw_retention_days:UInt16} DAY;
ALTER TABLE late_records MODIFY TTL stream_time + INTERVAL {raw_retention_days:UInt16} DAY;
ALTER TABLE consumer_lag MODIFY TTL observed_at + INTERVAL {raw_retention_days:UInt16} DAY;
