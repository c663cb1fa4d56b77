import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { Pacer, sentTimestamp } from './pacer.ts';

const T = 1_700_000_000_000;
const at = (ms: number, n: number) => `@id=${n};tmi-sent-ts=${ms} :u!u@u PRIVMSG #c :${n}`;

function delivered(pacer: Pacer, nowMs: number): string[] {
  const out: string[] = [];
  pacer.pump(nowMs, (l) => out.push(l.split(' :').pop()!));
  return out;
}

describe('Pacer', () => {
  it('reads tmi-sent-ts wherever the tag is', () => {
    assert.equal(sentTimestamp(at(T, 1)), T);
    assert.equal(sentTimestamp('@tmi-sent-ts=5;id=1 :x'), 5);
    assert.equal(sentTimestamp(':x PRIVMSG #c :tmi-sent-ts=5;'), undefined);
  });

  it('delivers nothing from no lines and is done', () => {
    const pacer = new Pacer([][Symbol.iterator]());
    assert.deepEqual(delivered(pacer, 0), []);
    assert.ok(pacer.done);
  });

  it('delivers each line once its event time is due in wall time, starting at the first line', () => {
    const pacer = new Pacer([at(T, 1), at(T + 1_000, 2), at(T + 1_000, 3), at(T + 2_500, 4)][Symbol.iterator]());
    assert.deepEqual(delivered(pacer, 50_000), ['1']);
    assert.deepEqual(delivered(pacer, 50_999), []);
    assert.deepEqual(delivered(pacer, 51_000), ['2', '3'], 'exactly at its time');
    assert.equal(pacer.eventTimeAt(51_000), T + 1_000);
    assert.deepEqual(delivered(pacer, 60_000), ['4']);
    assert.ok(pacer.done);
  });

  it('runs `speed` times faster, and lines without a timestamp go at once', () => {
    const pacer = new Pacer([at(T, 1), 'PING :tmi.twitch.tv', at(T + 10_000, 2)][Symbol.iterator](), { speed: 10, startWallMs: 0 });
    assert.deepEqual(delivered(pacer, 0), ['1', 'tmi.twitch.tv']);
    assert.deepEqual(delivered(pacer, 999), []);
    assert.deepEqual(delivered(pacer, 1_000), ['2']);
  });

  it('delivers lines before the start event time at once, as history, then paces the rest', () => {
    const pacer = new Pacer([at(T - 60_000, 1), at(T - 1, 2), at(T + 500, 3)][Symbol.iterator](), { startEventMs: T, startWallMs: 0 });
    assert.deepEqual(delivered(pacer, 0), ['1', '2']);
    assert.deepEqual(delivered(pacer, 500), ['3']);
  });

  it('refuses a speed that is not a positive number', () => {
    for (const speed of [0, -1, Number.NaN, Infinity]) assert.throws(() => new Pacer([][Symbol.iterator](), { speed }), ConfigError);
  });
});
