-- Question: how many subscriptions and gifts did each day bring?
-- One row per UTC day (ISO date) with chat or subscriptions in the period: new subs, resubs,
-- gifted subs (a mass gift by its count), mass gifts, upgrades, total (subs + resubs + gifted)
-- and the sub bursts that began that day. The hours and their spikes: subs_hourly.
SELECT toString(day) AS date, sum(s) AS subs, sum(r) AS resubs, sum(g) AS gifted_subs, sum(mg) AS mass_gifts,
  sum(u) AS upgrades, subs + resubs + gifted_subs AS total, sum(b) AS bursts
FROM (
  SELECT toDate(window_start, 'UTC') AS day,
    toUInt64(0) AS s, toUInt64(0) AS r, toUInt64(0) AS g, toUInt64(0) AS mg, toUInt64(0) AS u, toUInt64(0) AS b
  FROM chat_rates FINAL
  WHERE channel = {channel:String} AND size_ms = 60000
    AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
    AND window_start < toDateTime({until_seconds:UInt32})
  UNION ALL
  SELECT toDate(window_start, 'UTC'), subs, resubs, gifted_subs, mass_gifts, upgrades, toUInt64(0)
  FROM sub_activity FINAL
  WHERE channel = {channel:String} AND size_ms = 60000
    AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
    AND window_start < toDateTime({until_seconds:UInt32})
  UNION ALL
  SELECT toDate(begin_time, 'UTC'), toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(1)
  FROM sub_bursts FINAL
  WHERE channel = {channel:String}
    AND begin_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
    AND begin_time < toDateTime({until_seconds:UInt32})
)
GROUP BY day
ORDER BY day
