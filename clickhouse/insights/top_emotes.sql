-- Question: which emotes does the channel's chat use the most?
-- The {limit} emotes (Twitch emote ids) with the most uses in the period: uses (every
-- occurrence), messages containing it, distinct chatters using it, and a name when chat shows
-- it: the text of a message that is this one emote and nothing else (empty when none was).
SELECT
  emote_id,
  anyIf(text, emote_only = 1 AND emote_count = 1 AND length(emote_ids) = 1 AND position(text, ' ') = 0) AS name,
  sum(uses_in_message) AS uses,
  count() AS messages,
  uniqExact(if(user_id = '', login, user_id)) AS chatters
FROM chat_messages FINAL
ARRAY JOIN emote_ids AS emote_id, emote_counts AS uses_in_message
WHERE channel = {channel:String}
  AND event_time >= toDateTime({until_seconds:UInt32} - {since_seconds:UInt32})
  AND event_time < toDateTime({until_seconds:UInt32})
GROUP BY emote_id
ORDER BY uses DESC, emote_id ASC
LIMIT {limit:UInt32}
