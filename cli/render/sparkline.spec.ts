import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SPARK_BLOCKS, sparkline } from './sparkline.ts';

describe('sparkline', () => {
  it('is empty for no values', () => {
    assert.equal(sparkline([]), '');
  });

  it('scales counts from 0 to the largest, one block per value', () => {
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), SPARK_BLOCKS);
    assert.equal(sparkline([0, 4, 8]), '▁▅█');
    assert.equal(sparkline([10]), '█');
    assert.equal(sparkline([5, 5]), '██', 'equal counts are equal bars, full height');
  });

  it('keeps proportions: a small count next to a large one stays low', () => {
    assert.equal(sparkline([1, 105, 5]), '▁█▁');
  });

  it('shows all-zero input as the lowest blocks', () => {
    assert.equal(sparkline([0, 0, 0]), '▁▁▁');
  });

  it('starts the scale at the smallest value when one is negative', () => {
    assert.equal(sparkline([-7, 0, 7]), '▁▅█');
  });

  it('takes a fixed scale, clamping values outside it, so several lines compare', () => {
    assert.equal(sparkline([0, 50, 100, 200], { min: 0, max: 100 }), '▁▅██');
    assert.equal(sparkline([1, 2], { min: 0, max: 0 }), '▁▁');
  });

  it('leaves a gap for values that are not finite numbers', () => {
    assert.equal(sparkline([0, Number.NaN, 8, Number.POSITIVE_INFINITY]), '▁ █ ');
    assert.equal(sparkline([Number.NaN, Number.NaN]), '  ');
  });
});
