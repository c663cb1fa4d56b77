import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubBurstOperator } from './subBursts.ts';
import { event } from './testkit.ts';

const MIN = 60_000;

describe('SubBurstOperator', () => {
  it('emits nothing for empty input or too few distinct contributors', () => {
    const op = new SubBurstOperator();
    op.process(event({ kind: 'sub', eventTimeMs: 0, login: 'a' }));
    op.process(event({ kind: 'resub', eventTimeMs: 1_000, login: 'a' }));
    op.process(event({ kind: 'sub', eventTimeMs: 2_000, login: 'b' }));
    assert.deepEqual(op.flush(), []);
  });

  it('finds a burst of distinct contributors within 5 minutes and closes it 5 minutes after the last', () => {
    const op = new SubBurstOperator();
    op.process(event({ kind: 'sub', eventTimeMs: 0, login: 'a' }));
    op.process(event({ kind: 'submysterygift', eventTimeMs: 1 * MIN, login: 'gifter', massGiftCount: 5, originId: 'o' }));
    for (let i = 0; i < 5; i++) op.process(event({ kind: 'subgift', eventTimeMs: 1 * MIN + 1 + i, login: 'gifter', originId: 'o' }));
    op.process(event({ kind: 'resub', eventTimeMs: 2 * MIN, login: 'c' }));
    op.process(event({ kind: 'subgift', eventTimeMs: 3 * MIN, login: 'd', originId: 'x' }));
    assert.deepEqual(op.process(event({ kind: 'raid', eventTimeMs: 8 * MIN })), [], 'not closed at exactly last + span');
    const [burst] = op.process(event({ kind: 'raid', eventTimeMs: 8 * MIN + 1 }));
    assert.deepEqual(burst, {
      channel: 'chan', roomId: '1', beginMs: 0, endMs: 3 * MIN, contributions: 8, distinctContributors: 4, giftedSubs: 6,
      topGifters: [{ login: 'gifter', gifts: 5 }, { login: 'd', gifts: 1 }],
    });
  });

  it('does not join contributions further apart than the span, and flushes an open burst', () => {
    const op = new SubBurstOperator();
    op.process(event({ kind: 'sub', eventTimeMs: 0, login: 'a' }));
    op.process(event({ kind: 'sub', eventTimeMs: 6 * MIN, login: 'b' }));
    op.process(event({ kind: 'sub', eventTimeMs: 7 * MIN, login: 'c' }));
    op.process(event({ kind: 'sub', eventTimeMs: 8 * MIN, login: 'd' }));
    const [burst] = op.flush();
    assert.deepEqual([burst!.beginMs, burst!.endMs, burst!.distinctContributors], [6 * MIN, 8 * MIN, 3]);
  });
});
