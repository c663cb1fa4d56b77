import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainPacer } from './chainPacer.ts';

/**
 * A pacer checked every `everyMs` of virtual time over a bucket whose level follows `levels`
 * (one per check); returns what each check answered.
 */
function checks(levels: readonly number[], options: { everyMs?: number; inFlight?: number; maxChains?: number } = {}): boolean[] {
  let nowMs = 0;
  let i = 0;
  const pacer = new ChainPacer(options.maxChains ?? 8, () => ({ limit: 800, remaining: levels[i]!, inFlight: 0, rateLimited: 0, waitedMs: 0 }), { clock: () => nowMs });
  const out: boolean[] = [];
  for (; i < levels.length; i++, nowMs += options.everyMs ?? 250) out.push(pacer.mayWiden(options.inFlight ?? 1));
  return out;
}

function pacerAt(remaining: number): ChainPacer {
  return new ChainPacer(8, () => ({ limit: 800, remaining, inFlight: 0, rateLimited: 0, waitedMs: 0 }));
}

const widenings = (answers: boolean[]): number[] => answers.flatMap((w, k) => (w ? [k] : []));

describe('ChainPacer', () => {
  it('never widens while the bucket drains', () => {
    // One chain and the lookups at ~27 points/s against a refill of 13.3/s: -3.5 per 250 ms.
    assert.deepEqual(widenings(checks(Array.from({ length: 80 }, (_, k) => 800 - Math.round(3.5 * k)))), []);
  });

  it('widens once the bucket held its level for 2 s, then waits 2 s more before the next', () => {
    assert.deepEqual(widenings(checks(Array(20).fill(800))), [8, 16]);
  });

  it('counts the jitter of answers in flight as holding', () => {
    assert.deepEqual(widenings(checks(Array.from({ length: 20 }, (_, k) => 800 - (k % 5)))), [8, 16]);
  });

  it('does not widen with few points left, nor past the most chains allowed', () => {
    assert.deepEqual(widenings(checks(Array(20).fill(110))), [], '110 of 800 points are spent before the sweep ends anyway');
    assert.deepEqual(widenings(checks(Array(20).fill(800), { inFlight: 3, maxChains: 3 })), []);
  });

  it('lets a chain go once the bucket is nearly empty, but never the last one', () => {
    assert.equal(pacerAt(10).shouldNarrow(3), true);
    assert.equal(pacerAt(10).shouldNarrow(1), false);
    assert.equal(pacerAt(400).shouldNarrow(3), false);
  });
});
