/**
 * Every language Twitch lets a broadcaster pick (ISO 639-1, plus `other`), as the `language`
 * filter of Get Streams takes them, most streamed first. Splitting a full sweep by these is
 * disjoint and exhaustive because a stream has exactly one of them.
 */
export const TWITCH_STREAM_LANGUAGES: readonly string[] = Object.freeze([
  'en', 'es', 'de', 'pt', 'fr', 'ru', 'ja', 'ko', 'it', 'zh', 'tr', 'pl', 'ar', 'nl', 'sv', 'cs', 'th', 'uk', 'hu', 'da',
  'fi', 'no', 'el', 'vi', 'id', 'ro', 'bg', 'sk', 'hi', 'ms', 'tl', 'ca', 'he', 'asl', 'other',
]);

/**
 * Before any sweep has counted them, the languages of {@link TWITCH_STREAM_LANGUAGES} up to this
 * rank are assumed to fill pages on their own; the rest are assumed small.
 */
export const LANGUAGES_ASSUMED_LARGE = 14;

/**
 * Groups `languages` into the chains of a sweep, the largest first.
 *
 * A chain per language keeps each cursor chain short, which matters because a stream that
 * climbs past a chain's cursor while the chain pages is on none of its pages. But a chain costs
 * at least one request, and its last page is usually partial, so languages expected to hold
 * less than a page share a chain (Get Streams takes up to 100 `language` values, matched as
 * "any of"), packed first-fit by decreasing size into about a page each.
 *
 * @param expectedStreams streams each language held in the previous sweep of the same filter,
 *   or `undefined` before the first one (then the rank in {@link TWITCH_STREAM_LANGUAGES} decides).
 * @example
 * languageChains(['en', 'sv', 'da'], new Map([['en', 3000], ['sv', 40], ['da', 20]])) // [['en'], ['sv', 'da']]
 */
export function languageChains(
  languages: readonly string[],
  expectedStreams: ReadonlyMap<string, number> | undefined,
  pageSize = 100,
): string[][] {
  const expected = (language: string): number => {
    if (expectedStreams) return expectedStreams.get(language) ?? 0;
    const rank = TWITCH_STREAM_LANGUAGES.indexOf(language);
    return rank >= 0 && rank < LANGUAGES_ASSUMED_LARGE ? pageSize * (LANGUAGES_ASSUMED_LARGE - rank) : 0;
  };
  const bySize = [...new Set(languages)].map((language) => ({ language, streams: expected(language) }))
    .sort((a, b) => b.streams - a.streams);
  const alone = bySize.filter((l) => l.streams >= pageSize).map((l) => ({ languages: [l.language], streams: l.streams }));
  const shared: Array<{ languages: string[]; streams: number }> = [];
  for (const small of bySize.filter((l) => l.streams < pageSize)) {
    const bin = shared.find((b) => b.streams + small.streams <= pageSize) ?? (shared[shared.push({ languages: [], streams: 0 }) - 1]!);
    bin.languages.push(small.language);
    bin.streams += small.streams;
  }
  return [...alone, ...shared].map((c) => c.languages);
}
