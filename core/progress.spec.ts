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

describe('Progress with a known total', () => {
  it('shows done / total, the share done and the ETA from it, also in plain log lines', () => {
    let now = 0;
    const out: string[] = [];
    const p = new Progress('archive', { tty: false, write: (t) => out.push(t), clock: () => now, logEveryMs: 10_000, unit: 'records' });
    now = 10_000;
    p.update({ done: 2_500, total: 10_000, extra: 'objects 3' });
    assert.deepEqual(out, ['archive  [######..................]  25%  ETA 30.0 s  2,500 / 10,000 records  250 records/s  10.0 s elapsed  objects 3\n']);
  });

  it('lets an explicit fraction win over done / total (records counted in offsets that hold fewer)', () => {
    const p = new Progress('replay', { tty: false, write: () => undefined, clock: () => 0, unit: 'records' });
    assert.match(p.render({ done: 90, total: 100, fraction: 0.5 }, 4_000), /\] {2}50% {2}ETA 4\.0 s {2}90 \/ 100 records/);
  });

  it('is complete for a total of 0 and clamps a count past the total', () => {
    const p = new Progress('x', { tty: false, write: () => undefined, clock: () => 0 });
    assert.match(p.render({ done: 0, total: 0 }, 1_000), /\[#{24}\] 100% {2}ETA 0\.0 s {2}0 \/ 0 items/);
    assert.match(p.render({ done: 12, total: 10 }, 1_000), /100% {2}ETA 0\.0 s {2}12 \/ 10 items/);
  });

  it('writes long ETAs in hours and minutes, and an unknown one as --', () => {
    const p = new Progress('x', { tty: false, write: () => undefined, clock: () => 0 });
    assert.match(p.render({ done: 1, total: 1_000 }, 10_000), /ETA 2 h 46 min/);
    assert.match(p.render({ done: 100, total: 400 }, 100_000), /ETA 5 min 0 s {2}100 \/ 400 items {2}1 items\/s {2}1 min 40 s elapsed/);
    assert.match(p.render({ done: 0, total: 5 }, 1_000), /ETA --/);
  });
});
