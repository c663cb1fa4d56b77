import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SMALL_TALLY_LIMIT, Tally } from './tally.ts';

describe('Tally', () => {
  it('sums counts per key in first-added order, below and past the small limit', () => {
    for (const keys of [1, SMALL_TALLY_LIMIT, SMALL_TALLY_LIMIT + 1, 4 * SMALL_TALLY_LIMIT]) {
      const tally = new Tally();
      const reference = new Map<string, number>();
      for (let i = 0; i < 3 * keys; i++) {
        const key = `e${(i * 7) % keys}`;
        tally.add(key, i + 1);
        reference.set(key, (reference.get(key) ?? 0) + i + 1);
      }
      assert.deepEqual(tally.entries(), [...reference], `${keys} keys`);
      assert.deepEqual([...tally], [...reference]);
      assert.equal(tally.size, reference.size);
    }
  });

  it('is empty until something is added', () => {
    assert.deepEqual(new Tally().entries(), []);
    assert.equal(new Tally().size, 0);
  });
});
