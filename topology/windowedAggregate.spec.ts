import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WindowedAggregate, type ClosedWindow } from './windowedAggregate.ts';
import { tumblingWindows } from './windows.ts';

const counting = () => new WindowedAggregate<number, { n: number }>(tumblingWindows({ sizeMs: 10_000, graceMs: 5_000 }), {
  init: () => ({ n: 0 }),
  add: (a) => { a.n++; },
});
const brief = (ws: readonly ClosedWindow<{ n: number }>[]) => ws.map((w) => `${w.key}@${w.windowStartMs}=${w.aggregate.n}`);

describe('WindowedAggregate', () => {
  it('emits nothing for empty input', () => {
    const agg = counting();
    assert.deepEqual(agg.flush(), []);
    assert.deepEqual(agg.advance(1e12), []);
  });

  it('keeps one record open until completion flushes it', () => {
    const agg = counting();
    assert.deepEqual(agg.add('a', 1_000, 1), { closed: [], late: null });
    assert.deepEqual(brief(agg.flush()), ['a@0=1']);
  });

  it('puts a record at exactly the window end into the next window', () => {
    const agg = counting();
    agg.add('a', 9_999, 1);
    agg.add('a', 10_000, 1);
    assert.deepEqual(brief(agg.flush()), ['a@0=1', 'a@10000=1']);
  });

  it('closes a window only when stream time reaches end + grace ("until window closes")', () => {
    const agg = counting();
    agg.add('a', 1_000, 1);
    assert.deepEqual(agg.add('b', 14_999, 1).closed, []);
    assert.deepEqual(brief(agg.add('b', 15_000, 1).closed), ['a@0=1']);
  });

  it('adds a late record within grace and refuses one beyond it, reporting it', () => {
    const agg = counting();
    agg.add('a', 1_000, 1);
    agg.add('a', 12_000, 1);
    assert.deepEqual(agg.add('a', 2_000, 1), { closed: [], late: null }, 'out of order but within grace');
    agg.add('a', 16_000, 1);
    const { late } = agg.add('a', 3_000, 1);
    assert.deepEqual(late, { key: 'a', timestampMs: 3_000, streamTimeMs: 16_000, windowStartMs: 0, windowEndMs: 10_000 });
    assert.deepEqual(brief(agg.flush()), ['a@10000=2']);
  });

  it('gives out-of-order input the same final results as ordered input', () => {
    const rows = [[1, 'a'], [3_000, 'b'], [12_000, 'a'], [8_000, 'a'], [25_000, 'b'], [21_000, 'b']] as const;
    const run = (order: readonly (readonly [number, string])[]) => {
      const agg = counting();
      const out: string[] = [];
      for (const [ts, key] of order) out.push(...brief(agg.add(key, ts, 1).closed));
      return [...out, ...brief(agg.flush())].sort();
    };
    assert.deepEqual(run(rows), run([...rows].sort((x, y) => x[0] - y[0])));
    assert.deepEqual(run(rows), ['a@0=2', 'a@10000=1', 'b@0=1', 'b@20000=2']);
  });

  it('emits closed windows in window-end then key order', () => {
    const agg = counting();
    agg.add('z', 1_000, 1);
    agg.add('a', 2_000, 1);
    agg.add('m', 11_000, 1);
    assert.deepEqual(brief(agg.advance(40_000)), ['a@0=1', 'z@0=1', 'm@10000=1']);
  });
});
