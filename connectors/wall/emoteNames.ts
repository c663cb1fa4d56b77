/**
 * The names of the emotes in one raw PRIVMSG line: each emote id of the `emotes` tag with the
 * text its first range covers in the message. Positions count Unicode code points, not UTF-16
 * units (Twitch's convention), so an emoji before an emote does not shift it. Ranges that fall
 * outside the text are skipped.
 *
 * @example emoteNames('@emotes=25:0-4 :u!u@u PRIVMSG #c :Kappa hi', 'Kappa hi') // [['25', 'Kappa']]
 */
export function emoteNames(rawLine: string, text: string): Array<[string, string]> {
  if (!rawLine.startsWith('@')) return [];
  const tagsEnd = rawLine.indexOf(' ');
  const tags = rawLine.slice(1, tagsEnd === -1 ? undefined : tagsEnd);
  const tag = tags.split(';').find((t) => t.startsWith('emotes='));
  if (!tag || tag.length === 'emotes='.length) return [];
  const chars = Array.from(text);
  const out: Array<[string, string]> = [];
  for (const entry of tag.slice('emotes='.length).split('/')) {
    const colon = entry.indexOf(':');
    if (colon <= 0) continue;
    const match = /^(\d+)-(\d+)/.exec(entry.slice(colon + 1));
    if (!match) continue;
    const start = Number(match[1]);
    const end = Number(match[2]);
    if (end < start || end >= chars.length) continue;
    out.push([entry.slice(0, colon), chars.slice(start, end + 1).join('')]);
  }
  return out;
}
