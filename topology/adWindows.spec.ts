import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdWindowOperator } from './adWindows.ts';
import type { HypeBucket, HypeSignal } from './hype.ts';

const b = (i: number, ratePerMin: number, inHype = false, baselinePerMin = 60): HypeBucket => ({
  type: 'bucket', channel: 'chan', roomId: '1', windowStartMs: i * 10_000, windowEndMs: (i + 1) * 10_000,
  ratePerMin, baselinePerMin, deviationPerMin: 15, inHype, beginsHype: false,
});
const hypeEnd = (endMs: number): HypeSignal => ({ type: 'hype', hype: { channel: 'chan', roomId: '1', beginMs: 0, peakMs: 0, endMs, peakRatePerMin: 600, baselineRatePerMin: 60, intensity: 10, messages: 100, topEmotes: [] } });

describe('AdWindowOperator', () => {
  it('suggests nothing for empty input or flat chat', () => {
    const op = new AdWindowOperator();
    assert.deepEqual([...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((i) => op.process(b(i, 60))), ...op.flush()], []);
  });

  it('suggests a window shortly after a hype while chat holds above baseline, never during the hype', () => {
    const op = new AdWindowOperator();
    const during = [b(0, 600, true), b(1, 500, true)].flatMap((x) => op.process(x));
    assert.deepEqual(during, []);
    op.process(hypeEnd(20_000));
    const after = [b(2, 90), b(3, 80), b(4, 75)].flatMap((x) => op.process(x));
    assert.equal(after.length, 1);
    assert.equal(after[0]!.startMs, 50_000);
    assert.equal(after[0]!.endMs, 170_000);
    assert.match(after[0]!.reason, /hype ended/);
    assert.ok(after[0]!.score > 0.5 && after[0]!.score <= 1);
  });

  it('suggests nothing after a hype when the audience leaves', () => {
    const op = new AdWindowOperator();
    op.process(hypeEnd(20_000));
    assert.deepEqual([b(2, 90), b(3, 20), b(4, 20)].flatMap((x) => op.process(x)), []);
  });

  it('suggests sustained attention after a minute above 1.25 × baseline, then waits the cooldown', () => {
    const op = new AdWindowOperator();
    const out = Array.from({ length: 20 }, (_, i) => b(i, 90)).flatMap((x) => op.process(x));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.startMs, 60_000);
    assert.match(out[0]!.reason, /sustained attention/);
  });
});
