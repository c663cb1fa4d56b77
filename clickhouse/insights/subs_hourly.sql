-- Question: how many subscriptions did each hour bring, and which hours were spikes?
-- One row per hour (start, epoch seconds) with chat or subscriptions in the period: new subs,
-- resubs, gifted subs (a mass gift by its count), mass gifts, upgrades, total (subs + resubs
-- + gifted), and sub bursts that began in it. An hour is a spike when its total is above the
-- mean + 2 standard deviations of the channel's hours in the period (every hour with chat
-- counts, an hour without subscriptions as 0), or when a sub burst began in it.
-- Mean and deviation are per channel over the whole period: the hours are collected into
-- arrays with them and unrolled again (no window functions on ClickHouse 18.16).
SELECT
  hour_start, subs, resubs, gifted_subs, mass_gifts, upgrades, total, bursts,
  total > 0 AND total > mean + 2 * deviation AS volume_spike,
  bursts > 0 AS burst_spike,
  volume_spike OR burst_spike AS is_spike,
  round(mean, 2) AS channel_mean_per_hour,
  round(deviation, 2) AS channel_stddev_per_hour
FROM (
  SELECT
    groupArray(h) AS hours, groupArray(s) AS subs_by_hour, groupArray(r) AS resubs_by_hour,
    groupArray(g) AS gifted_by_hour, groupArray(mg) AS mass_gifts_by_hour, groupArray(u) AS upgrades_by_hour,
    groupArray(t) AS totals, groupArray(b) AS bursts_by_hour,
    avg(t) AS mean, stddevPop(t) AS deviation
  FROM (
    SELECT h, sum(s) AS s, sum(r) AS r, sum(g) AS g, sum(mg) AS mg, sum(u) AS u, s + r + g AS t, sum(b) AS b
    FROM (
      SELECT toUInt32(toStartOfHour(window_start, 'UTC')) AS h,
        toUInt64(0) AS s, toUInt64(0) AS r, toUInt64(0) AS g, toUInt64(0) AS mg, toUInt64(0) AS u, toUInt64(0) AS b
      FROM chat_rates FINAL
      WHERE channel = {channel:String} AND size_ms = 60000
        AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
        AND window_start < toDateTime({until_seconds:UInt32})
      UNION ALL
      SELECT toUInt32(toStartOfHour(window_start, 'UTC')), subs, resubs, gifted_subs, mass_gifts, upgrades, toUInt64(0)
      FROM sub_activity FINAL
      WHERE channel = {channel:String} AND size_ms = 60000
        AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
        AND window_start < toDateTime({until_seconds:UInt32})
      UNION ALL
      SELECT toUInt32(toStartOfHour(begin_time, 'UTC')), toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(1)
      FROM sub_bursts FINAL
      WHERE channel = {channel:String}
        AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
        AND begin_time < toDateTime({until_seconds:UInt32})
    )
    GROUP BY h
  )
)
ARRAY JOIN
  hours AS hour_start, subs_by_hour AS subs, resubs_by_hour AS resubs, gifted_by_hour AS gifted_subs,
  mass_gifts_by_hour AS mass_gifts, upgrades_by_hour AS upgrades, totals AS total, bursts_by_hour AS bursts
ORDER BY hour_start
