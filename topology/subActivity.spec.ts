import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubActivityOperator } from './subActivity.ts';
import { event } from './testkit.ts';
import { tumblingWindows } from './windows.ts';

const w60 = tumblingWindows({ sizeMs: 60_000, graceMs: 5_000 });

describe('SubActivityOperator', () => {
  it('emits nothing for empty input or events that are not subscriptions', () => {
    const op = new SubActivityOperator(w60);
    op.process(event({ kind: 'raid', eventTimeMs: 1 }));
    op.process(event({ kind: 'announcement', eventTimeMs: 2 }));
    assert.deepEqual(op.flush(), []);
  });

  it('counts a mass gift once by its count, not again through its subgift lines', () => {
    const op = new SubActivityOperator(w60);
    op.process(event({ kind: 'submysterygift', eventTimeMs: 1_000, massGiftCount: 3, originId: 'o1', subPlan: '1000' }));
    for (let i = 0; i < 3; i++) op.process(event({ kind: 'subgift', eventTimeMs: 1_001 + i, originId: 'o1', subPlan: '1000' }));
    op.process(event({ kind: 'subgift', eventTimeMs: 2_000, originId: 'single', subPlan: '2000' }));
    op.process(event({ kind: 'sub', eventTimeMs: 3_000, subPlan: 'Prime' }));
    op.process(event({ kind: 'resub', eventTimeMs: 4_000, subPlan: '3000' }));
    op.process(event({ kind: 'giftpaidupgrade', eventTimeMs: 5_000, subPlan: null }));
    const [r] = op.flush();
    assert.deepEqual(
      { subs: r!.subs, resubs: r!.resubs, giftedSubs: r!.giftedSubs, massGifts: r!.massGifts, upgrades: r!.upgrades, prime: r!.prime, tier1: r!.tier1, tier2: r!.tier2, tier3: r!.tier3 },
      { subs: 1, resubs: 1, giftedSubs: 4, massGifts: 1, upgrades: 1, prime: 1, tier1: 3, tier2: 1, tier3: 1 },
    );
  });

  it('does not count the subgift lines of a mass gift even when they fall into the next window', () => {
    const op = new SubActivityOperator(w60);
    op.process(event({ kind: 'submysterygift', eventTimeMs: 59_999, massGiftCount: 2, originId: 'o2' }));
    op.process(event({ kind: 'subgift', eventTimeMs: 60_000, originId: 'o2' }));
    op.process(event({ kind: 'subgift', eventTimeMs: 60_001, originId: 'o2' }));
    op.process(event({ kind: 'sub', eventTimeMs: 61_000 }));
    assert.deepEqual(op.flush().map((r) => [r.windowStartMs, r.giftedSubs, r.subs]), [[0, 2, 0], [60_000, 0, 1]]);
  });

  it('ignores shared-chat echoes of another channel', () => {
    const op = new SubActivityOperator(w60);
    op.process(event({ kind: 'sharedchatnotice', eventTimeMs: 1, sourceMsgId: 'sub', sourceRoomId: '999' }));
    op.process(event({ kind: 'sub', eventTimeMs: 2, sourceRoomId: '999' }));
    op.process(event({ kind: 'sub', eventTimeMs: 3, sourceRoomId: '1' }));
    assert.deepEqual(op.flush().map((r) => r.subs), [1]);
  });

  it('emits a window when stream time passes its end + grace, reporting later events as late', () => {
    const late: number[] = [];
    const op = new SubActivityOperator(w60, (_n, v) => late.push(v.timestampMs));
    op.process(event({ kind: 'sub', eventTimeMs: 10_000 }));
    assert.deepEqual(op.process(event({ kind: 'raid', eventTimeMs: 64_999 })), []);
    assert.deepEqual(op.process(event({ kind: 'raid', eventTimeMs: 65_000 })).map((r) => r.subs), [1]);
    op.process(event({ kind: 'sub', eventTimeMs: 30_000 }));
    assert.deepEqual(late, [30_000]);
  });
});
