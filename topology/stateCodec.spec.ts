import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HypeOperator } from './hype.ts';
import { decodeState, encodeState } from './stateCodec.ts';

describe('state codec', () => {
  it('round-trips Maps, Sets and infinities', () => {
    const state = { m: new Map([['a', new Set([1, 2])]]), low: -Infinity, high: Infinity, n: 3, list: [new Map([[1, 'x']])] };
    assert.deepEqual(decodeState(encodeState(state)), state);
  });

  it('restores an operator to behave exactly as the original from there on', () => {
    const rate = (i: number, messages: number) => ({ channel: 'c', roomId: '1', windowStartMs: i * 10_000, windowEndMs: (i + 1) * 10_000, sizeMs: 10_000, messages, chatters: 1, firstTimeChatters: 0, emoteOnlyMessages: 0, bits: 0, topEmotes: [{ id: 'e', count: messages }], early: false });
    const counts = [10, 10, 10, 10, 10, 10, 10, 90, 100, 10, 10, 10];
    const original = new HypeOperator();
    const copy = new HypeOperator();
    const a: unknown[] = [];
    const b: unknown[] = [];
    counts.forEach((n, i) => {
      a.push(...original.process(rate(i, n)));
      if (i === 8) copy.restore(decodeState(encodeState(original.snapshot())));
      if (i > 8) b.push(...copy.process(rate(i, n)));
    });
    assert.deepEqual(b, a.slice(a.length - b.length));
    assert.ok(a.some((s) => (s as { type: string }).type === 'hype'));
  });
});
