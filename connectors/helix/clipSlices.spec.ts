import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { planSlices, splitSlice, walkSlices, type TimeSlice } from './clipSlices.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2024-05-06T00:00:00Z');

describe('planSlices', () => {
  it('cuts a range into slices of at most sliceMs, widened to whole minutes', () => {
    // 00:00:30 .. 2 days + 00:00:10 → 00:00 .. 2 days + 00:01: two whole days and one minute.
    assert.deepEqual(planSlices(T0 + 30_000, T0 + 2 * DAY + 10_000, DAY), [
      { startMs: T0, endMs: T0 + DAY },
      { startMs: T0 + DAY, endMs: T0 + 2 * DAY },
      { startMs: T0 + 2 * DAY, endMs: T0 + 2 * DAY + MIN },
    ]);
  });

  it('refuses an empty range and a slice that is not whole minutes', () => {
    assert.throws(() => planSlices(T0, T0, DAY), ConfigError);
    assert.throws(() => planSlices(T0, T0 + DAY, 90_000), ConfigError);
  });
});

describe('splitSlice', () => {
  it('halves at a whole minute, the odd minute going to the second half; a minute does not split', () => {
    assert.deepEqual(splitSlice({ startMs: 0, endMs: 4 * MIN }), [{ startMs: 0, endMs: 2 * MIN }, { startMs: 2 * MIN, endMs: 4 * MIN }]);
    assert.deepEqual(splitSlice({ startMs: 0, endMs: 3 * MIN }), [{ startMs: 0, endMs: MIN }, { startMs: MIN, endMs: 3 * MIN }]);
    assert.equal(splitSlice({ startMs: 0, endMs: MIN }), null);
  });
});

describe('walkSlices', () => {
  // A fake Get Clips over clips made at these minutes: a slice answers its clips, at most `cap`
  // of them, as Helix stops paging at the cap.
  function fakeHelix(minutes: readonly number[], cap: number) {
    const asked: TimeSlice[] = [];
    const fetch = async (s: TimeSlice) => {
      asked.push(s);
      return minutes.filter((m) => m * MIN >= s.startMs && m * MIN < s.endMs).slice(0, cap);
    };
    return { asked, fetch };
  }

  it('returns nothing and asks once for an empty slice', async () => {
    const helix = fakeHelix([], 3);
    assert.deepEqual(await walkSlices([{ startMs: 0, endMs: 8 * MIN }], helix.fetch, { cap: 3 }), { items: [], stats: { slices: 1, splits: 0, truncated: 0 } });
  });

  it('keeps a slice under the cap as it is', async () => {
    const helix = fakeHelix([1, 5], 3);
    const walk = await walkSlices([{ startMs: 0, endMs: 8 * MIN }], helix.fetch, { cap: 3 });
    assert.deepEqual(walk.items, [1, 5]);
    assert.deepEqual(walk.stats, { slices: 1, splits: 0, truncated: 0 });
  });

  it('splits a slice that hits the cap into halves until each is under it', async () => {
    // Clips at minutes 0,1,2,3,6 in [0,8): 5 ≥ cap 3 → [0,4) has 4 (≥ 3, split again) and [4,8)
    // has 1; [0,2) has 2 and [2,4) has 2. Slices asked: [0,8) [0,4) [4,8) [0,2) [2,4) = 5, 2 splits.
    const helix = fakeHelix([0, 1, 2, 3, 6], 3);
    const walk = await walkSlices([{ startMs: 0, endMs: 8 * MIN }], helix.fetch, { cap: 3, concurrency: 1 });
    assert.deepEqual(walk.items, [0, 1, 2, 3, 6]);
    assert.deepEqual(walk.stats, { slices: 5, splits: 2, truncated: 0 });
    assert.deepEqual(helix.asked.map((s) => [s.startMs / MIN, s.endMs / MIN]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!), [[0, 2], [0, 4], [0, 8], [2, 4], [4, 8]]);
  });

  it('keeps a one-minute slice at the cap and counts it as truncated', async () => {
    // Four clips in minute 1: [0,2) → [0,1) has 0, [1,2) has 3 of 4 (capped, cannot split).
    const helix = fakeHelix([1, 1, 1, 1], 3);
    const truncated: TimeSlice[] = [];
    const walk = await walkSlices([{ startMs: 0, endMs: 2 * MIN }], helix.fetch, { cap: 3, onTruncated: (s) => truncated.push(s) });
    assert.deepEqual(walk.items, [1, 1, 1]);
    assert.deepEqual(walk.stats, { slices: 3, splits: 1, truncated: 1 });
    assert.deepEqual(truncated, [{ startMs: MIN, endMs: 2 * MIN }]);
  });

  it('returns items in slice order whatever order the slices answered in, and rethrows a failure', async () => {
    const slow = async (s: TimeSlice) => {
      await new Promise((r) => setImmediate(r));
      if (s.startMs === 0) await new Promise((r) => setImmediate(r));
      return [s.startMs / MIN];
    };
    const walk = await walkSlices([{ startMs: 0, endMs: MIN }, { startMs: MIN, endMs: 2 * MIN }, { startMs: 2 * MIN, endMs: 3 * MIN }], slow, { cap: 3 });
    assert.deepEqual(walk.items, [0, 1, 2]);
    await assert.rejects(walkSlices([{ startMs: 0, endMs: MIN }], async () => {
      throw new Error('helix down');
    }), /helix down/);
  });
});
