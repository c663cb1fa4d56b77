-- Question: what does the database hold for the channel in the period?
-- One row: chat messages, distinct chatters, chat events (USERNOTICE), minutes with chat (from
-- the topology's 1 min chat rates), and the first and last message (epoch seconds, 0 when
-- none). All zero: the channel has no data in the period.
SELECT
  (SELECT count() FROM chat_messages FINAL
    WHERE channel = {channel:String}
      AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND event_time < toDateTime({until_seconds:UInt32})) AS messages,
  (SELECT uniqExact(if(user_id = '', login, user_id)) FROM chat_messages FINAL
    WHERE channel = {channel:String}
      AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND event_time < toDateTime({until_seconds:UInt32})) AS chatters,
  (SELECT count() FROM chat_events FINAL
    WHERE channel = {channel:String}
      AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND event_time < toDateTime({until_seconds:UInt32})) AS events,
  (SELECT count() FROM chat_rates FINAL
    WHERE channel = {channel:String} AND size_ms = 60000
      AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND window_start < toDateTime({until_seconds:UInt32})) AS active_minutes,
  (SELECT toUInt32(min(event_time)) FROM chat_messages FINAL
    WHERE channel = {channel:String}
      AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND event_time < toDateTime({until_seconds:UInt32})) AS first_message,
  (SELECT toUInt32(max(event_time)) FROM chat_messages FINAL
    WHERE channel = {channel:String}
      AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
      AND event_time < toDateTime({until_seconds:UInt32})) AS last_message
