import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HypeOperator } from './hype.ts';
import { decodeState, encodeState } from './stateCodec.ts';

describe('state codec', () => {
  it('round-trips Maps, Sets and infinities', () => {
    const state = { m: new Map([['a', new Set([1, 2])]]), low: -Infinity, high: Infinity, n: 3, list: [new Map([[1, 'x']])] };
    assert.deepEqual(decodeState(encodeState(state)), state);
  });

  it('writes the tagged forms where they are nested, leaves the state itself untouched and plain JSON as JSON.stringify does', () => {
    const inner = new Map([['k', { at: -Infinity, tags: new Set(['x']) }]]);
    const state = { list: [1, inner], plain: { a: 'b', n: [1.5, null] }, when: new Date(0) };
    assert.equal(encodeState(state), '{"list":[1,{"$map":[["k",{"at":{"$num":"-Infinity"},"tags":{"$set":["x"]}}]]}],"plain":{"a":"b","n":[1.5,null]},"when":"1970-01-01T00:00:00.000Z"}');
    assert.ok(state.list[1] === inner && inner.get('k')!.at === -Infinity, 'nothing replaced in place');
    const json = { a: [1, { b: 'c' }], d: null, e: 2.25 };
    assert.equal(encodeState(json), JSON.stringify(json));
  });

  it('restores an operator to behave exactly as the original from there on', () => {
    const rate = (i: number, messages: number) => ({ channel: 'c', roomId: '1', windowStartMs: i * 10_000, windowEndMs: (i + 1) * 10_000, sizeMs: 10_000, messages, chatters: 1, firstTimeChatters: 0, emoteOnlyMessages: 0, bits: 0, topEmotes: [{ id: 'e', count: messages }], early: false });
    // 20 buckets of 10 warm the detector up (18 needed); bucket 20 begins a hype, restored mid-way.
    const counts = [...Array<number>(20).fill(10), 90, 100, 10, 10, 10];
    const original = new HypeOperator();
    const copy = new HypeOperator();
    const a: unknown[] = [];
    const b: unknown[] = [];
    counts.forEach((n, i) => {
      a.push(...original.process(rate(i, n)));
      if (i === 20) copy.restore(decodeState(encodeState(original.snapshot())));
      if (i > 20) b.push(...copy.process(rate(i, n)));
    });
    assert.deepEqual(b, a.slice(a.length - b.length));
    assert.ok(b.some((s) => (s as { type: string }).type === 'hype'), 'the copy ends the hype the original began');
  });
});
