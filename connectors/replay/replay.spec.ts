import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { replay } from './replay.ts';

const line = (ts: number, text: string) => `@id=${text};room-id=1;tmi-sent-ts=${ts} :a!a@a PRIVMSG #c :${text}`;

async function* chunks(...parts: string[]) {
  yield* parts;
}

describe('replay', () => {
  it('replays every line as fast as the sink takes them without --speed', async () => {
    const seen: string[] = [];
    const n = await replay(chunks(`${line(1000, 'a')}\n${line(5000, 'b')}\n`, 'PING :x\n'), { line: (l) => seen.push(l.toString()) });
    assert.equal(n, 3);
    assert.equal(seen[2], 'PING :x');
  });

  it('paces by tmi-sent-ts divided by the speed, in virtual time', async () => {
    let now = 0;
    const at: number[] = [];
    const sleep = async (ms: number) => { now += ms; };
    await replay(chunks(`${line(10_000, 'a')}\n${line(12_000, 'b')}\nPING :x\n${line(20_000, 'c')}\n`),
      { line: (_l, t) => at.push(t) }, { speed: 2, clock: () => now, sleep });
    assert.deepEqual(at, [0, 1_000, 1_000, 5_000]);
  });

  it('skips the lines a resumed replay already delivered, across chunk borders, without pacing them', async () => {
    let now = 0;
    const seen: string[] = [];
    const at: number[] = [];
    const text = `${line(1_000, 'a')}\n${line(50_000, 'b')}\n${line(90_000, 'c')}\n${line(91_000, 'd')}\n`;
    const cut = text.indexOf('PRIVMSG #c :c');
    const n = await replay(chunks(text.slice(0, cut), text.slice(cut)),
      { line: (l, t) => { seen.push(l.toString()); at.push(t); } }, { speed: 1, clock: () => now, sleep: async (ms) => { now += ms; } }, 2);
    assert.equal(n, 2);
    assert.deepEqual(seen, [line(90_000, 'c'), line(91_000, 'd')]);
    // Pacing starts at the first replayed line, not at the skipped ones' timestamps.
    assert.deepEqual(at, [0, 1_000]);
  });

  it('does not wait for lines that are late against the pace', async () => {
    let now = 0;
    const at: number[] = [];
    await replay(chunks(`${line(10_000, 'a')}\n${line(9_000, 'b')}\n`), { line: (_l, t) => at.push(t) },
      { speed: 1, clock: () => now, sleep: async (ms) => { now += ms; } });
    assert.deepEqual(at, [0, 0]);
  });

  it('awaits the sink backpressure once per chunk', async () => {
    let waits = 0;
    await replay(chunks('a\nb\n', 'c\n'), { line: () => undefined, backpressure: async () => { waits++; } });
    assert.equal(waits, 2);
  });

  it('refuses a speed that is not > 0', async () => {
    await assert.rejects(replay(chunks('a\n'), { line: () => undefined }, { speed: 0 }), (e: unknown) => e instanceof ConfigError && /speed must be a number > 0, got 0/.test(e.message));
  });
});
