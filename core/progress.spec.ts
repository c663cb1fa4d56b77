import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from './progress.ts';

describe('Progress', () => {
  it('shows rate, totals, a bar and ETA on a terminal, redrawn in place no more often than asked', () => {
    let now = 1_000;
    const out: string[] = [];
    const p = new Progress('replay', { tty: true, write: (t) => out.push(t), clock: () => now, redrawEveryMs: 200, unit: 'lines' });
    now += 2_000;
    p.update({ done: 10_000, fraction: 0.5 });
    p.update({ done: 10_001, fraction: 0.5 });
    assert.equal(out.length, 1);
    assert.match(out[0]!, /^\rreplay {2}\[#{12}\.{12}\] {2}50% {2}ETA 2\.0 s {2}10,000 lines {2}5,000 lines\/s {2}2\.0 s elapsed\x1b\[K$/);
    now += 200;
    p.finish({ done: 20_000, fraction: 1 });
    assert.match(out[1]!, /100%.*\n$/);
  });

  it('writes plain periodic lines elsewhere', () => {
    let now = 0;
    const out: string[] = [];
    const p = new Progress('ingest', { tty: false, write: (t) => out.push(t), clock: () => now, logEveryMs: 10_000, unit: 'lines' });
    p.update({ done: 0 });
    now = 5_000;
    p.update({ done: 50 });
    now = 10_000;
    p.update({ done: 100, extra: 'kafka buffered 3' });
    assert.deepEqual(out, ['ingest  0 lines  0 lines/s  0.0 s elapsed\n', 'ingest  100 lines  10 lines/s  10.0 s elapsed  kafka buffered 3\n']);
  });
});
