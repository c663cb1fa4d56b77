-- Question: what came just before each sub spike or sub burst: a raid, a hype, a category change?
-- The moments: every sub burst (at its first contribution), and every spike hour of
-- subs_hourly that has no burst (at its busiest minute for subscriptions, the earliest on a
-- tie). For each, what happened in the {minutes} minutes before it (up to the moment itself):
-- raids (raider, viewers), hypes that were on (intensity in standard deviations above the
-- channel's baseline), category changes (from → to); each with how many minutes before the
-- moment it began. Times are epoch seconds.
-- What preceded is gathered once into arrays by scalar subqueries and filtered per moment
-- (ClickHouse 18.16 has no ASOF or range joins). 18.16 does not count a column that only a
-- lambda uses as needed from the subquery, so moment_ms is also used outside the lambdas.
SELECT
  kind, toUInt32(intDiv(moment_ms, 1000)) AS moment, subs, contributors,
  arrayFilter((login, t) -> t >= moment_ms - {minutes:UInt32} * 60000 AND t <= moment_ms, raid_logins, raid_ms) AS raiders,
  arrayFilter((viewers, t) -> t >= moment_ms - {minutes:UInt32} * 60000 AND t <= moment_ms, raid_viewers, raid_ms) AS raid_viewer_counts,
  arrayMap(t -> round((moment_ms - t) / 60000, 1), arrayFilter(t -> t >= moment_ms - {minutes:UInt32} * 60000 AND t <= moment_ms, raid_ms)) AS raid_minutes_before,
  arrayMap(x -> round(x, 2), arrayFilter((x, b, e) -> e >= moment_ms - {minutes:UInt32} * 60000 AND b <= moment_ms, hype_intensities, hype_begin_ms, hype_end_ms)) AS hype_intensity,
  arrayMap(b -> round((moment_ms - b) / 60000, 1), arrayFilter((b, e) -> e >= moment_ms - {minutes:UInt32} * 60000 AND b <= moment_ms, hype_begin_ms, hype_end_ms)) AS hype_minutes_before,
  arrayFilter((c, t) -> t >= moment_ms - {minutes:UInt32} * 60000 AND t <= moment_ms, category_moves, category_ms) AS category_changes,
  arrayMap(t -> round((moment_ms - t) / 60000, 1), arrayFilter(t -> t >= moment_ms - {minutes:UInt32} * 60000 AND t <= moment_ms, category_ms)) AS category_minutes_before
FROM (
  SELECT
    kind, moment_ms, subs, contributors,
    (SELECT groupArray(raider_login) FROM (
      SELECT raider_login, event_time_ms FROM chat_events FINAL
      WHERE channel = {channel:String} AND kind = 'raid'
        AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60)
        AND event_time < toDateTime({until_seconds:UInt32})
      ORDER BY event_time_ms)) AS raid_logins,
    (SELECT groupArray(viewer_count) FROM (
      SELECT viewer_count, event_time_ms FROM chat_events FINAL
      WHERE channel = {channel:String} AND kind = 'raid'
        AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60)
        AND event_time < toDateTime({until_seconds:UInt32})
      ORDER BY event_time_ms)) AS raid_viewers,
    (SELECT groupArray(event_time_ms) FROM (
      SELECT event_time_ms FROM chat_events FINAL
      WHERE channel = {channel:String} AND kind = 'raid'
        AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60)
        AND event_time < toDateTime({until_seconds:UInt32})
      ORDER BY event_time_ms)) AS raid_ms,
    (SELECT groupArray(intensity) FROM (
      SELECT intensity, begin_ms FROM hype FINAL
      WHERE channel = {channel:String}
        AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60 - 86400)
        AND begin_time < toDateTime({until_seconds:UInt32})
      ORDER BY begin_ms)) AS hype_intensities,
    (SELECT groupArray(begin_ms) FROM (
      SELECT begin_ms FROM hype FINAL
      WHERE channel = {channel:String}
        AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60 - 86400)
        AND begin_time < toDateTime({until_seconds:UInt32})
      ORDER BY begin_ms)) AS hype_begin_ms,
    (SELECT groupArray(end_ms) FROM (
      SELECT end_ms, begin_ms FROM hype FINAL
      WHERE channel = {channel:String}
        AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60 - 86400)
        AND begin_time < toDateTime({until_seconds:UInt32})
      ORDER BY begin_ms)) AS hype_end_ms,
    (SELECT groupArray(concat(from_game_name, ' → ', to_game_name)) FROM (
      SELECT from_game_name, to_game_name, observed_at_ms FROM category_changes FINAL
      WHERE login = {channel:String}
        AND observed_at >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60)
        AND observed_at < toDateTime({until_seconds:UInt32})
      ORDER BY observed_at_ms)) AS category_moves,
    (SELECT groupArray(observed_at_ms) FROM (
      SELECT observed_at_ms FROM category_changes FINAL
      WHERE login = {channel:String}
        AND observed_at >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - {minutes:UInt32} * 60)
        AND observed_at < toDateTime({until_seconds:UInt32})
      ORDER BY observed_at_ms)) AS category_ms
  FROM (
    SELECT 'burst' AS kind, begin_ms AS moment_ms, contributions AS subs, distinct_contributors AS contributors
    FROM sub_bursts FINAL
    WHERE channel = {channel:String}
      AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND begin_time < toDateTime({until_seconds:UInt32})
    UNION ALL
    SELECT 'spike', peak_minute_ms, hour_total, toUInt64(0)
    FROM (
      SELECT groupArray(h) AS hours, groupArray(t) AS totals, groupArray(b) AS bursts_by_hour, groupArray(p) AS peaks,
        avg(t) AS mean, stddevPop(t) AS deviation
      FROM (
        SELECT h, sum(s) AS t, sum(b) AS b, argMax(start_ms, (s, -start_ms)) AS p
        FROM (
          SELECT toUInt32(toStartOfHour(window_start, 'UTC')) AS h, window_start_ms AS start_ms, toUInt64(0) AS s, toUInt64(0) AS b
          FROM chat_rates FINAL
          WHERE channel = {channel:String} AND size_ms = 60000
            AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
            AND window_start < toDateTime({until_seconds:UInt32})
          UNION ALL
          SELECT toUInt32(toStartOfHour(window_start, 'UTC')), window_start_ms, subs + resubs + gifted_subs, toUInt64(0)
          FROM sub_activity FINAL
          WHERE channel = {channel:String} AND size_ms = 60000
            AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
            AND window_start < toDateTime({until_seconds:UInt32})
          UNION ALL
          SELECT toUInt32(toStartOfHour(begin_time, 'UTC')), begin_ms, toUInt64(0), toUInt64(1)
          FROM sub_bursts FINAL
          WHERE channel = {channel:String}
            AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
            AND begin_time < toDateTime({until_seconds:UInt32})
        )
        GROUP BY h
      )
    )
    ARRAY JOIN hours AS hour_start, totals AS hour_total, bursts_by_hour AS hour_bursts, peaks AS peak_minute_ms
    WHERE hour_bursts = 0 AND hour_total > 0 AND hour_total > mean + 2 * deviation
  )
)
ORDER BY moment, kind
