import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { chanceOverlapping } from './chance.ts';
import { IntervalSet } from './intervals.ts';
import { seededUniform } from './random.ts';

/** A "random" source that cycles through the given numbers. */
function cycle(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('chanceOverlapping', () => {
  it('places each window at firstMs + u × (lastMs − firstMs), one u per window and draw', () => {
    // Span [0, 100 s], highlight [45 s, 55 s], one 0 ms window, three draws with u = 0, 0.5, 0.99:
    // starts 0, 50,000 and 99,000 ms; only 50,000 is in the highlight, so 1 of 3 draws = 1/3.
    assert.equal(chanceOverlapping([0], [0, 100_000], new IntervalSet([[45_000, 55_000]]), cycle(0, 0.5, 0.99), 3), 1 / 3);
    // Two windows (0 ms and 10 s) and two draws use u = 0, 0.5 then 0.99, 0 again:
    // draw 1: [0, 0] no, [50,000, 60,000] yes; draw 2: [99,000, 99,000] no, [0, 10,000] no.
    // 1 overlapping window over 2 draws = 0.5 per draw.
    assert.equal(chanceOverlapping([0, 10_000], [0, 100_000], new IntervalSet([[45_000, 55_000]]), cycle(0, 0.5, 0.99), 2), 0.5);
  });

  it('is 0 without highlights and for no windows', () => {
    assert.equal(chanceOverlapping([120_000], [0, 100_000], new IntervalSet([]), seededUniform(1), 200), 0);
    assert.equal(chanceOverlapping([], [0, 100_000], new IntervalSet([[0, 100_000]]), seededUniform(1), 200), 0);
  });

  it('is certain when every placement must overlap, and never when none can', () => {
    // A span of one instant puts every window at 100: 2 windows overlap [100, 100] every draw.
    assert.equal(chanceOverlapping([0, 5], [100, 100], new IntervalSet([[100, 100]]), seededUniform(1), 200), 2);
    // 200 s windows starting in [0, 100 s] always reach 150 s; a highlight before the span never.
    assert.equal(chanceOverlapping([200_000], [0, 100_000], new IntervalSet([[150_000, 160_000]]), seededUniform(1), 200), 1);
    assert.equal(chanceOverlapping([200_000], [0, 100_000], new IntervalSet([[-50_000, -1]]), seededUniform(1), 200), 0);
  });

  it('converges on the share of starts that overlap', () => {
    // Span [0, 100 s], highlight [50 s, 60 s]. A 10 s window overlaps when its start is in
    // [40 s, 60 s] (p = 20/100 = 0.2), a 0 ms one when it is in [50 s, 60 s] (p = 0.1):
    // 0.3 overlapping windows per draw. One draw's count has variance 0.2 × 0.8 + 0.1 × 0.9 =
    // 0.25; over 20,000 draws σ = √(0.25 / 20000) ≈ 0.0035, so 0.02 is over 5 σ.
    const mean = chanceOverlapping([10_000, 0], [0, 100_000], new IntervalSet([[50_000, 60_000]]), seededUniform(1), 20_000);
    assert.ok(Math.abs(mean - 0.3) < 0.02, `mean ${mean}`);
  });

  it('refuses a draw count that is not a positive integer', () => {
    for (const draws of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => chanceOverlapping([0], [0, 1], new IntervalSet([]), seededUniform(1), draws), ConfigError);
    }
  });
});
