import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DetectorRun } from './collect.ts';

describe('DetectorRun', () => {
  it('keeps only the scored fields of hype and ad-window records, and ignores other kinds', () => {
    const run = new DetectorRun();
    run.record({ kind: 'chat_rate', channel: 'a', messages: 3 });
    run.record({ kind: 'hype', channel: 'a', beginMs: 10, endMs: 20, intensity: 7.5, alert: true, peakMs: 15 });
    run.record({ kind: 'hype', channel: 'a', beginMs: 30, endMs: 40, intensity: 6 }); // written before alert existed
    run.record({ kind: 'ad_window', channel: 'a', startMs: 50, endMs: 110, cancelledAtMs: 70, score: 0.5 });
    run.record({ kind: 'ad_window', channel: 'a', startMs: 200, endMs: 260 });
    assert.deepEqual(run.hypes, [
      { channel: 'a', beginMs: 10, endMs: 20, intensity: 7.5, alert: true },
      { channel: 'a', beginMs: 30, endMs: 40, intensity: 6, alert: false },
    ]);
    assert.deepEqual(run.adWindows, [
      { channel: 'a', startMs: 50, endMs: 110, cancelledAtMs: 70 },
      { channel: 'a', startMs: 200, endMs: 260, cancelledAtMs: null },
    ]);
  });

  it('spans each channel from its earliest to its latest message, in any order', () => {
    const run = new DetectorRun();
    assert.equal(run.spans.size, 0);
    for (const [channel, t] of [['a', 500], ['b', 7], ['a', 100], ['a', 900], ['a', 300]] as const) run.message(channel, t);
    assert.deepEqual([...run.spans], [['a', [100, 900]], ['b', [7, 7]]]);
  });
});
