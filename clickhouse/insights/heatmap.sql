-- Question: when during the week is the channel's chat busiest?
-- Engagement heatmap by hour of week (ISO day of week 1 = Monday .. 7 = Sunday, hour 0..23,
-- UTC): one row per cell that had chat in the period, with its messages, distinct chatters
-- (user id, else login, as chat_rates counts them), minutes with chat and messages per such
-- minute. Cells without chat have no row. From chat_messages, so chatters are exact per cell.
SELECT
  toDayOfWeek(toDate(event_time, 'UTC')) AS day_of_week,
  toHour(event_time, 'UTC') AS hour,
  count() AS messages,
  uniqExact(if(user_id = '', login, user_id)) AS chatters,
  uniqExact(toStartOfMinute(event_time)) AS active_minutes,
  round(messages / active_minutes, 2) AS messages_per_minute
FROM chat_messages FINAL
WHERE channel = {channel:String}
  AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
  AND event_time < toDateTime({until_seconds:UInt32})
GROUP BY day_of_week, hour
ORDER BY day_of_week, hour
