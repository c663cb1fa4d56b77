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

/** An emote of a result with the text it stands for, or null when no message seen showed it. */
export interface NamedEmote {
  readonly id: string;
  readonly name: string | null;
  readonly count: number;
}

/**
 * The emote names of the messages seen so far, to put beside the ids of results (`analyze`,
 * `demo`): each id keeps the first text it was seen covering. At most `maxIds` ids are kept;
 * past that the book starts afresh (a long log meets new emotes, and results name recent ones).
 *
 * @example
 * const book = new EmoteNameBook();
 * book.learn('@emotes=25:0-4 :u!u@u PRIVMSG #c :Kappa', 'Kappa');
 * book.named([{ id: '25', count: 3 }]) // [{ id: '25', name: 'Kappa', count: 3 }]
 */
export class EmoteNameBook {
  private readonly names = new Map<string, string>();

  constructor(private readonly maxIds = 10_000) {}

  /** Learns the names in one raw line (a PRIVMSG with its tags); other input teaches nothing. */
  learn(rawLine: string | Buffer, text: string): void {
    for (const [id, name] of emoteNames(String(rawLine), text)) {
      if (this.names.has(id)) continue;
      if (this.names.size >= this.maxIds) this.names.clear();
      this.names.set(id, name);
    }
  }

  /** The entries with their names, in the same order. */
  named(emotes: ReadonlyArray<{ readonly id: string; readonly count: number }>): NamedEmote[] {
    return emotes.map((e) => ({ id: e.id, name: this.names.get(e.id) ?? null, count: e.count }));
  }
}
