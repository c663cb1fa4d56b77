-- Question: what were the peak chat moments of each stream, and which emotes drove them?
-- Without Helix stream data a stream is a run of chat activity: {gap_minutes} or more whole
-- minutes without a message start a new one. For each stream (start and end, epoch seconds;
-- its messages and average messages per minute), the {top} one-minute windows with the most
-- messages, with that minute's chatters, its ratio to the stream's average minute, and its
-- top emotes (ids and counts, from the topology's 1 min chat rates).
-- ClickHouse 18.16 has no window functions: the minutes are collected into arrays, in which
-- a running sum of "starts a stream" flags numbers the streams.
SELECT
  stream_starts[stream] AS stream_start,
  stream_ends[stream] + 60 AS stream_end,
  stream_messages[stream] AS stream_total_messages,
  round(stream_total_messages / ((stream_end - stream_start) / 60), 2) AS stream_messages_per_minute,
  minute_start,
  messages,
  chatters,
  round(messages / stream_messages_per_minute, 2) AS vs_stream_average,
  arraySlice(emote_ids, 1, 3) AS top_emote_ids,
  arraySlice(emote_counts, 1, 3) AS top_emote_counts
FROM (
  SELECT
    starts, message_counts, chatter_counts, emote_id_lists, emote_count_lists, stream_ids,
    arrayFilter((s, first) -> first, starts, is_first) AS stream_starts,
    arrayFilter((s, last) -> last, starts, is_last) AS stream_ends,
    arrayMap(k -> arraySum(arrayFilter((m, id) -> id = k, message_counts, stream_ids)), arrayEnumerate(stream_starts)) AS stream_messages
  FROM (
    SELECT
      arraySort(raw_starts) AS starts,
      arraySort((v, s) -> s, raw_messages, raw_starts) AS message_counts,
      arraySort((v, s) -> s, raw_chatters, raw_starts) AS chatter_counts,
      arraySort((v, s) -> s, raw_emote_ids, raw_starts) AS emote_id_lists,
      arraySort((v, s) -> s, raw_emote_counts, raw_starts) AS emote_count_lists,
      arrayMap((s, previous) -> previous = 0 OR s - previous >= ({gap_minutes:UInt32} + 1) * 60, starts, arrayPopBack(arrayPushFront(starts, 0))) AS is_first,
      arrayMap((s, next) -> next = 0 OR next - s >= ({gap_minutes:UInt32} + 1) * 60, starts, arrayPopFront(arrayPushBack(starts, 0))) AS is_last,
      arrayCumSum(is_first) AS stream_ids
    FROM (
      SELECT
        groupArray(toUInt32(window_start)) AS raw_starts,
        groupArray(messages) AS raw_messages,
        groupArray(chatters) AS raw_chatters,
        groupArray(top_emote_ids) AS raw_emote_ids,
        groupArray(top_emote_counts) AS raw_emote_counts
      FROM chat_rates FINAL
      WHERE channel = {channel:String} AND size_ms = 60000
        AND window_start >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
        AND window_start < toDateTime({until_seconds:UInt32})
    )
  )
)
ARRAY JOIN
  starts AS minute_start, message_counts AS messages, chatter_counts AS chatters,
  emote_id_lists AS emote_ids, emote_count_lists AS emote_counts, stream_ids AS stream
ORDER BY stream_start, messages DESC, minute_start
LIMIT {top:UInt32} BY stream_start
