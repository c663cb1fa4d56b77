/**
 * A chat message of at most this many characters (UTF-16 code units) counts as short: reactions
 * to a moment ("LUL", "POG", "what", an emote or two) are short, and a share of them rising
 * marked labelled highlights better than the message count alone in the hype detector's tuning.
 */
export const SHORT_MESSAGE_MAX_CHARS = 12;
