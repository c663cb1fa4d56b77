import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DistinctCount, SMALL_DISTINCT_LIMIT } from './distinctCount.ts';

describe('DistinctCount', () => {
  it('counts each value once, numbers and strings apart, below and past the small limit', () => {
    for (const n of [0, 1, SMALL_DISTINCT_LIMIT - 1, SMALL_DISTINCT_LIMIT, SMALL_DISTINCT_LIMIT + 1, 5 * SMALL_DISTINCT_LIMIT]) {
      const count = new DistinctCount<number | string>();
      const reference = new Set<number | string>();
      for (let i = 0; i < 3 * n; i++) {
        const value = i % 3 === 2 ? String(i % n) : i % n;
        count.add(value);
        reference.add(value);
      }
      assert.equal(count.size, reference.size, `${n} distinct numbers and their strings`);
    }
  });

  it('counts equal strings made separately as one value', () => {
    const count = new DistinctCount<string>();
    for (const s of ['12345', ['123', '45'].join(''), (12345).toString()]) count.add(s);
    assert.equal(count.size, 1);
  });
});
