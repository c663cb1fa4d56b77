import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RateUpdate, StatusUpdate, WallUpdate } from './feed.ts';
import { InProcessWall } from './inProcess.ts';

const T = 1_700_000_000_000;
const line = (ts: number, n: number, emotes = '') => `@display-name=u${n};emotes=${emotes};id=m${n};room-id=1;tmi-sent-ts=${ts};user-id=${n} :u${n}!u${n}@u${n}.tmi.twitch.tv PRIVMSG #chan :Kappa hi`;

function setup() {
  let now = T;
  const published: WallUpdate[][] = [];
  const wall = new InProcessWall((u) => published.push(u), { mode: 'test', clock: () => now, eventClock: () => now });
  return { wall, published, advance: (ms: number) => (now += ms), all: () => published.flat() };
}

describe('InProcessWall', () => {
  it('publishes nothing until flushed, then the updates of the lines since', () => {
    const { wall, published, all } = setup();
    wall.line(line(T + 10_000, 1), T);
    assert.deepEqual(published, []);
    wall.flush();
    assert.deepEqual(published, [], 'an open window has no final result yet');
    wall.line(line(T + 25_000, 2), T); // closes [T+10 s, T+20 s) after 5 s of grace
    wall.flush();
    assert.deepEqual(all().map((u) => u.type === 'rate' && [u.windowStartMs, u.messages, u.early]), [[T + 10_000, 1, false]]);
  });

  it('ticks early updates of open windows with emote names learnt from the lines, and a status', () => {
    const { wall, all, advance } = setup();
    wall.line(line(T + 1_000, 1, '25:0-4'), T);
    advance(4_000);
    const status = wall.tick();
    const rates = all().filter((u): u is RateUpdate => u.type === 'rate');
    assert.deepEqual(rates.map((r) => [r.sizeMs, r.messages, r.early, r.ratePerMin, r.topEmotes]), [[10_000, 1, true, 15, [{ id: '25', name: 'Kappa', count: 1 }]]]);
    assert.deepEqual([status.mode, status.nowMs, status.windowsOut, status.hypes], ['test', T + 4_000, 0, []]);
    assert.equal(all().at(-1), status, 'the status goes out with the tick');
  });

  it('counts messages per second over the last seconds, not over a backlog that came before the first tick', () => {
    const { wall, advance } = setup();
    for (let i = 0; i < 5_000; i++) wall.line(line(T - 300_000 + i * 10, i), T);
    assert.equal(wall.tick().messagesPerSec, 0, 'one sample: no rate yet');
    advance(10);
    wall.line(line(T, 9_999), T);
    assert.equal(wall.tick().messagesPerSec, 0, 'a tick 10 ms later is too short to tell');
    let last: StatusUpdate | undefined;
    for (let s = 0; s < 8; s++) {
      advance(1_000);
      for (let i = 0; i < 20; i++) wall.line(line(T + s * 1_000 + i, 10_000 + s * 100 + i), T);
      last = wall.tick();
    }
    assert.equal(last!.messagesPerSec, 20);
  });
});
