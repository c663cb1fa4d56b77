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

  it('follows a hype in progress with its emotes, early on ticks, until the final hype', () => {
    const { live, out } = run();
    let t = T;
    // Warm-up: 8 buckets of 6 messages (36/min), then a burst of 60 per bucket with an emote.
    for (let b = 0; b < 8; b++, t += 10_000) for (let i = 0; i < 6; i++) live.message(message({ eventTimeMs: t + i * 1_000, userId: `u${i}` }));
    for (let b = 0; b < 2; b++, t += 10_000) {
      for (let i = 0; i < 60; i++) live.message(message({ eventTimeMs: t + i * 150, userId: `u${i}`, emotes: [{ id: '25', count: 1 }] }));
    }
    live.message(message({ eventTimeMs: t + 100, emotes: [{ id: '88', count: 3 }] })); // closes the second burst bucket
    const progress = out.filter((r) => r.kind === 'hype_progress').map((r) => r.value);
    assert.ok(progress.length >= 2, 'one progress per bucket in hype');
    const last = progress[progress.length - 1]!;
    assert.deepEqual([last.beginMs, last.messages, last.early, last.topEmotes], [T + 80_000, 120, false, [{ id: '25', count: 120 }]]);
    assert.equal(live.hypesInProgress.length, 1);
    live.tick();
    const early = out.filter((r) => r.kind === 'hype_progress').map((r) => r.value).pop()!;
    assert.deepEqual([early.messages, early.early, early.topEmotes], [121, true, [{ id: '25', count: 120 }, { id: '88', count: 3 }]]);
    // Quiet again: two buckets below the exit threshold end it.
    for (let b = 0; b < 3; b++, t += 10_000) live.message(message({ eventTimeMs: t + 10_000 }));
    const hypes = out.filter((r) => r.kind === 'hype').map((r) => r.value);
    assert.equal(hypes.length, 1);
    assert.equal(hypes[0]!.beginMs, T + 80_000);
    assert.deepEqual(live.hypesInProgress, [], 'no hype in progress once it ended');
  });
});
