import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntervalSet } from './intervals.ts';

describe('IntervalSet', () => {
  it('counts shared instants, touching ends included', () => {
    const set = new IntervalSet([[10, 20]]);
    assert.equal(set.overlapsAny([0, 10]), true);
    assert.equal(set.overlapsAny([20, 30]), true);
    assert.equal(set.overlapsAny([0, 9]), false);
    assert.equal(set.overlapsAny([21, 30]), false);
    assert.equal(set.overlapsAny([15, 15]), true);
    assert.equal(set.overlapsAny([0, 100]), true);
  });

  it('answers false when empty', () => {
    assert.equal(new IntervalSet([]).overlapsAny([0, 1e15]), false);
  });

  it('merges overlapping intervals given out of order and finds each gap', () => {
    // [40, 50], [0, 10] and [5, 20] merge into the runs [0, 20] and [40, 50].
    const set = new IntervalSet([[40, 50], [0, 10], [5, 20]]);
    const rows: Array<[[number, number], boolean]> = [
      [[-5, -1], false], // before everything
      [[-5, 0], true], // touches the first run's start
      [[12, 15], true], // inside [5, 20], beyond [0, 10]
      [[20, 20], true], // the first run's end exactly
      [[21, 39], false], // the gap
      [[21, 40], true], // touches the second run's start
      [[45, 100], true],
      [[51, 60], false], // after everything
      [[-100, 100], true], // covers both
    ];
    for (const [query, expected] of rows) assert.equal(set.overlapsAny(query), expected, JSON.stringify(query));
  });
});
