-- Question: at which hours of the week should the channel run ads?
-- Per hour of week (ISO day of week 1 = Monday .. 7 = Sunday, UTC hour) with chat in the
-- period, from the topology's 1 min chat rates, hypes and ad windows:
--   audience_index  = chatters per active minute ÷ the channel's (1 = the channel's typical
--                     minute; chatters stand in for viewers until Helix snapshots are used)
--   attention_index = messages per chatter ÷ the channel's (how engaged each chatter is), so
--                     audience × attention is chat activity relative to the channel's mean
--   hype_share      = share of the cell's active minutes inside a hype (an ad would interrupt it)
--   ad_window_share = share of the cell's active hours in which the topology suggested an ad window
--                     (a window a hype cancelled does not count: the suggestion was withdrawn)
--   score = audience_index × attention_index × (1 − hype_share) × (1 + ad_window_share / 2)
-- recommended: score ≥ 0.5 (at least half as good as the channel's typical minute), hype_share
-- < 0.5 (not dominated by hype) and at least {min_minutes} active minutes.
-- Ordered best first. Hypes and ad windows are gathered into arrays by scalar subqueries and
-- matched per minute (ClickHouse 18.16 has no range joins). 18.16 does not read a column
-- that only a lambda refers to, so window_start_ms also appears in the WHERE clause.
SELECT
  day_of_week, hour, active_minutes,
  round(messages_total / active_minutes, 2) AS messages_per_minute,
  round(chatters_total / active_minutes, 2) AS chatters_per_minute,
  round((chatters_total / active_minutes) / (all_chatters / all_minutes), 3) AS audience_index,
  round((messages_total / chatters_total) / (all_messages / all_chatters), 3) AS attention_index,
  round(hype_minutes / active_minutes, 3) AS hype_share,
  ads AS ad_windows,
  round(ad_hours / active_hours, 3) AS ad_window_share,
  round(audience_index * attention_index * (1 - hype_share) * (1 + ad_window_share / 2), 3) AS score,
  score >= 0.5 AND hype_share < 0.5 AND active_minutes >= {min_minutes:UInt32} AS recommended
FROM (
  SELECT
    groupArray(dow) AS days, groupArray(hr) AS hours, groupArray(minutes) AS cell_minutes,
    groupArray(messages_sum) AS cell_messages, groupArray(chatters_sum) AS cell_chatters,
    groupArray(hype_sum) AS cell_hype, groupArray(ads_sum) AS cell_ads,
    groupArray(ad_hour_count) AS cell_ad_hours, groupArray(hour_count) AS cell_hours,
    sum(minutes) AS all_minutes, sum(messages_sum) AS all_messages, sum(chatters_sum) AS all_chatters
  FROM (
    SELECT
      dow, hr, count() AS minutes, sum(messages) AS messages_sum, sum(chatters) AS chatters_sum,
      sum(in_hype) AS hype_sum, sum(ads_started) AS ads_sum,
      uniqExactIf(hour_start, hour_has_ad) AS ad_hour_count, uniqExact(hour_start) AS hour_count
    FROM (
      SELECT
        toDayOfWeek(toDate(window_start, 'UTC')) AS dow,
        toHour(window_start, 'UTC') AS hr,
        toUInt32(toStartOfHour(window_start, 'UTC')) AS hour_start,
        messages, chatters,
        arrayExists((b, e) -> b < window_start_ms + 60000 AND e > window_start_ms, hype_begin_ms, hype_end_ms) AS in_hype,
        arrayCount(s -> s >= window_start_ms AND s < window_start_ms + 60000, ad_start_ms) AS ads_started,
        arrayExists(s -> s >= hour_start * 1000 AND s < (hour_start + 3600) * 1000, ad_start_ms) AS hour_has_ad,
        (SELECT groupArray(begin_ms) FROM (
          SELECT begin_ms FROM hype FINAL
          WHERE channel = {channel:String}
            AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - 86400)
            AND begin_time < toDateTime({until_seconds:UInt32})
          ORDER BY begin_ms)) AS hype_begin_ms,
        (SELECT groupArray(end_ms) FROM (
          SELECT end_ms, begin_ms FROM hype FINAL
          WHERE channel = {channel:String}
            AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32} - 86400)
            AND begin_time < toDateTime({until_seconds:UInt32})
          ORDER BY begin_ms)) AS hype_end_ms,
        (SELECT groupArray(start_ms) FROM ad_windows FINAL
          WHERE channel = {channel:String} AND cancelled = 0
            AND start_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
            AND start_time < toDateTime({until_seconds:UInt32})) AS ad_start_ms
      FROM chat_rates FINAL
      WHERE channel = {channel:String} AND size_ms = 60000
        AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
        AND window_start < toDateTime({until_seconds:UInt32})
        AND window_start_ms >= 0
    )
    GROUP BY dow, hr
  )
)
ARRAY JOIN
  days AS day_of_week, hours AS hour, cell_minutes AS active_minutes, cell_messages AS messages_total,
  cell_chatters AS chatters_total, cell_hype AS hype_minutes, cell_ads AS ads,
  cell_ad_hours AS ad_hours, cell_hours AS active_hours
ORDER BY score DESC, day_of_week, hour
