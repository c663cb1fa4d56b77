import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainPacer } from './chainPacer.ts';

/** A pacer over a bucket whose `remaining` follows `levels`, one per check. */
function pacerOver(levels: number[], maxChains = 8): { check: (inFlight: number) => boolean } {
  let i = 0;
  const pacer = new ChainPacer(maxChains, () => ({ limit: 800, remaining: levels[Math.min(i++, levels.length - 1)]!, inFlight: 0, rateLimited: 0, waitedMs: 0 }));
  return { check: (inFlight) => pacer.mayWiden(inFlight) };
}

function pacerAt(remaining: number): ChainPacer {
  return new ChainPacer(8, () => ({ limit: 800, remaining, inFlight: 0, rateLimited: 0, waitedMs: 0 }));
}

describe('ChainPacer', () => {
  it('never widens while the bucket drains', () => {
    const { check } = pacerOver(Array.from({ length: 50 }, (_, k) => 800 - 2 * k));
    assert.ok(Array.from({ length: 50 }, () => check(1)).every((w) => !w));
  });

  it('widens after the bucket held its level for five checks, then waits five more', () => {
    const { check } = pacerOver(Array(20).fill(800));
    assert.deepEqual(Array.from({ length: 12 }, () => check(1)), [false, false, false, false, false, true, false, false, false, false, true, false]);
  });

  it('does not widen on one answer\'s jitter during a drain', () => {
    const { check } = pacerOver([800, 798, 797, 798, 796, 795, 796, 794, 793, 794]);
    assert.ok(Array.from({ length: 10 }, () => check(1)).every((w) => !w));
  });

  it('does not widen with the bucket nearly empty, nor past the most chains allowed', () => {
    const empty = pacerOver(Array(20).fill(30));
    assert.ok(Array.from({ length: 12 }, () => empty.check(1)).every((w) => !w));
    const full = pacerOver(Array(20).fill(800), 3);
    assert.ok(Array.from({ length: 12 }, () => full.check(3)).every((w) => !w));
  });

  it('lets a chain go once the bucket is nearly empty, but never the last one', () => {
    assert.equal(pacerAt(10).shouldNarrow(3), true);
    assert.equal(pacerAt(10).shouldNarrow(1), false);
    assert.equal(pacerAt(400).shouldNarrow(3), false);
  });
});
