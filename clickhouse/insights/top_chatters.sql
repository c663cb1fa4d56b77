-- Question: who chats the most in the channel?
-- The {limit} chatters with the most messages in the period (a chatter is a user id, else a
-- login; shown by the latest login it used), with their share of all messages, the days they
-- chatted on, emotes used, bits cheered, whether they were subscribed, and first and last
-- message time (epoch seconds).
SELECT
  argMax(login, event_time_ms) AS chatter,
  count() AS messages,
  round(messages / (
    SELECT count() FROM chat_messages FINAL
    WHERE channel = {channel:String}
      AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND event_time < toDateTime({until_seconds:UInt32})
  ), 4) AS share,
  uniqExact(toDate(event_time, 'UTC')) AS active_days,
  sum(emote_count) AS emotes,
  sum(bits) AS bits,
  max(is_subscriber) AS subscriber,
  toUInt32(min(event_time)) AS first_seen,
  toUInt32(max(event_time)) AS last_seen
FROM chat_messages FINAL
WHERE channel = {channel:String}
  AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
  AND event_time < toDateTime({until_seconds:UInt32})
GROUP BY if(user_id = '', login, user_id)
ORDER BY messages DESC, chatter ASC
LIMIT {limit:UInt32}
