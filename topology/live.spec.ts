import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRate } from './chatRate.ts';
import { LiveTopology, type LiveRecord } from './live.ts';
import { event, message } from './testkit.ts';

const T = 1_700_000_000_000; // a multiple of 10 s

function run(options = { graceMs: 0 }) {
  const out: LiveRecord[] = [];
  const live = new LiveTopology((r) => out.push(r), options);
  return { live, out, rates: () => out.filter((r) => r.kind === 'chat_rate').map((r) => r.value as ChatRate) };
}

describe('LiveTopology', () => {
  it('emits nothing for no input, not even on a tick', () => {
    const { live, out } = run();
    live.tick();
    assert.deepEqual(out, []);
    assert.equal(live.windowsOut, 0);
  });

  it('gives the running count of an open bucket as an early update on each tick, and the final once it closes', () => {
    const { live, out, rates } = run();
    live.message(message({ eventTimeMs: T + 1_000 }));
    assert.deepEqual(out, [], 'nothing final while the window is open');
    live.tick();
    live.message(message({ eventTimeMs: T + 2_000, userId: 'u2' }));
    live.tick();
    assert.deepEqual(rates().map((r) => [r.windowStartMs, r.messages, r.chatters, r.early]), [[T, 1, 1, true], [T, 2, 2, true]]);
    live.message(message({ eventTimeMs: T + 10_000 })); // exactly at the bucket's end: grace 0 closes it
    const finals = rates().filter((r) => !r.early);
    assert.deepEqual(finals.map((r) => [r.windowStartMs, r.sizeMs, r.messages]), [[T, 10_000, 2]]);
    assert.equal(live.windowsOut, 1);
  });

  it('counts late records and leaves them out of every window', () => {
    const { live, rates } = run();
    live.message(message({ eventTimeMs: T + 15_000 }));
    live.message(message({ eventTimeMs: T + 5_000 }));
    assert.equal(live.late, 1);
    live.tick();
    assert.deepEqual(rates().map((r) => [r.windowStartMs, r.messages, r.early]), [[T + 10_000, 1, true]]);
  });

  it('passes chat events on as they come', () => {
    const { live, out } = run();
    live.event(event({ kind: 'resub', eventTimeMs: T }));
    assert.deepEqual(out.map((r) => r.kind), ['chat_event']);
  });

  it('follows a hype in progress with its emotes, alert and reaction-lead begin, early on ticks, until the final hype', () => {
    const { live, out } = run();
    const progress = () => out.filter((r) => r.kind === 'hype_progress').map((r) => r.value);
    let t = T;
    // Warm-up: 18 buckets of 6 messages. Every testkit message says 'hi' (short, weight 1 + 2), so
    // the baseline is 18 weighted messages, deviation √(18 + (0.2·18)²) = √30.96 = 5.564.
    for (let b = 0; b < 18; b++, t += 10_000) for (let i = 0; i < 6; i++) live.message(message({ eventTimeMs: t + i * 1_000, userId: `u${i}` }));
    // Bucket 18: 20 messages, weighted 60, score (60 − 18) / 5.564 = 7.55: a hype, no alert yet.
    // Bucket 19: 60 messages, weighted 180, score 29.1: the alert.
    for (const [b, n] of [[18, 20], [19, 60]] as const) {
      for (let i = 0; i < n; i++) live.message(message({ eventTimeMs: T + b * 10_000 + i * 150, userId: `u${i}`, emotes: [{ id: '25', count: 1 }] }));
    }
    t = T + 200_000;
    live.message(message({ eventTimeMs: t + 100, emotes: [{ id: '88', count: 3 }] })); // closes bucket 19
    // Per bucket in hype: its own progress, then the start announcement's (begin moved back by
    // the 10 s reaction lead), and at bucket 19 the alert's.
    assert.deepEqual(progress().map((p) => [p.beginMs, p.messages, p.alert, p.early]), [
      [T + 180_000, 20, false, false], [T + 170_000, 20, false, false],
      [T + 170_000, 80, false, false], [T + 170_000, 80, true, false],
    ]);
    const last = progress().pop()!;
    assert.deepEqual([last.ratePerMin, last.peakRatePerMin, last.baselineRatePerMin, last.topEmotes], [360, 360, 36, [{ id: '25', count: 80 }]]);
    assert.deepEqual(live.hypesInProgress, [last]);
    live.tick();
    const early = progress().pop()!;
    assert.deepEqual([early.beginMs, early.messages, early.alert, early.early, early.topEmotes], [T + 170_000, 81, true, true, [{ id: '25', count: 80 }, { id: '88', count: 3 }]]);
    // Quiet again: buckets 20 and 21 (one message each, score < 3.3) end it when 22 begins.
    for (let b = 0; b < 3; b++, t += 10_000) live.message(message({ eventTimeMs: t + 10_000 }));
    const hypes = out.filter((r) => r.kind === 'hype').map((r) => r.value);
    assert.deepEqual(hypes.map((h) => [h.beginMs, h.endMs, h.messages, h.alert]), [[T + 170_000, T + 200_000, 80, true]]);
    assert.deepEqual(live.hypesInProgress, [], 'no hype in progress once it ended');
  });
});
