import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LANGUAGES_ASSUMED_LARGE, TWITCH_STREAM_LANGUAGES, languageChains } from './chainPlan.ts';

describe('languageChains', () => {
  it('before any count: the commonest languages alone in rank order, every other one in one chain', () => {
    const chains = languageChains(TWITCH_STREAM_LANGUAGES, undefined);
    assert.deepEqual(chains.slice(0, LANGUAGES_ASSUMED_LARGE), TWITCH_STREAM_LANGUAGES.slice(0, LANGUAGES_ASSUMED_LARGE).map((l) => [l]));
    assert.deepEqual(chains.slice(LANGUAGES_ASSUMED_LARGE), [TWITCH_STREAM_LANGUAGES.slice(LANGUAGES_ASSUMED_LARGE)]);
  });

  it('from counts: a page or more alone, largest first; the rest packed first-fit into about a page each', () => {
    const counts = new Map([['en', 900], ['de', 250], ['es', 100], ['sv', 70], ['da', 40], ['fi', 35], ['no', 20], ['el', 0]]);
    assert.deepEqual(languageChains([...counts.keys(), 'hu'], counts), [['en'], ['de'], ['es'], ['sv', 'no', 'el', 'hu'], ['da', 'fi']]);
  });

  it('covers every language exactly once, so the chains stay disjoint and exhaustive', () => {
    const counts = new Map(TWITCH_STREAM_LANGUAGES.map((l, i) => [l, (i * 37) % 160]));
    const chains = languageChains(TWITCH_STREAM_LANGUAGES, counts);
    assert.deepEqual(chains.flat().sort(), [...TWITCH_STREAM_LANGUAGES].sort());
    for (const chain of chains.filter((c) => c.length > 1)) {
      assert.ok(chain.reduce((a, l) => a + counts.get(l)!, 0) <= 100, `shared chain ${chain} holds at most a page`);
    }
  });
});
