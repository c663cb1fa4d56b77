import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import type { StreamSnapshot } from '../schemas/types.ts';
import { CategorySwitches, type SweepView } from './categorySwitches.ts';

const GAMES: Record<string, string> = { '509658': 'Just Chatting', '27471': 'Minecraft', '900001': 'Indie Game 1', '900002': 'Indie Game 2' };

function snap(userId: string, gameId: string, viewerCount: number, extra: Partial<StreamSnapshot> = {}): StreamSnapshot {
  return {
    sweepId: '', observedAtMs: 0, streamId: `s${userId}`, userId, login: `user${userId}`, displayName: `User${userId}`,
    viewerCount, gameId, gameName: GAMES[gameId] ?? gameId, title: 'playing', language: 'en', startedAtMs: 0,
    isMature: false, thumbnailUrl: '', tags: [], broadcasterType: null, boxArtUrl: null, ...extra,
  };
}

/** A sweep at virtual time `atMs` with category totals computed from its snapshots. */
function sweep(id: string, atMs: number, snapshots: StreamSnapshot[]): SweepView {
  const categories = new Map<string, { gameId: string; viewerCount: number; streams: number }>();
  const stamped = snapshots.map((s) => ({ ...s, sweepId: id, observedAtMs: atMs }));
  for (const s of stamped) {
    const t = categories.get(s.gameId) ?? { gameId: s.gameId, viewerCount: 0, streams: 0 };
    t.viewerCount += s.viewerCount;
    t.streams++;
    categories.set(s.gameId, t);
  }
  return { sweepId: id, snapshots: stamped, categories };
}

const crowd = (n: number, gameId: string, viewers: number) => Array.from({ length: n }, (_, i) => snap(`c${gameId}-${i}`, gameId, viewers));

describe('CategorySwitches', () => {
  it('emits nothing for no sweeps, an empty sweep, or a first sweep', () => {
    const op = new CategorySwitches();
    assert.deepEqual(op.push(sweep('a', 0, [])), []);
    assert.deepEqual(op.push(sweep('b', 60_000, [snap('1', '509658', 500)])), []);
  });

  it('emits nothing when the category stays the same', () => {
    const op = new CategorySwitches();
    op.push(sweep('a', 0, [snap('1', '509658', 500)]));
    assert.deepEqual(op.push(sweep('b', 60_000, [snap('1', '509658', 700)])), []);
  });

  it('reports a popular → obscure switch while viewers hold with a high score, both categories\' totals and reasons', () => {
    const op = new CategorySwitches();
    op.push(sweep('a', 0, [snap('1', '509658', 3_000), ...crowd(10, '509658', 1_000), snap('9', '900001', 5)]));
    const [c, ...rest] = op.push(sweep('b', 60_000, [snap('1', '900001', 2_900), ...crowd(10, '509658', 1_000), snap('9', '900001', 5)]));
    assert.equal(rest.length, 0);
    assert.deepEqual({ ...c!, reasons: c!.reasons.length }, {
      userId: '1', login: 'user1', streamId: 's1', title: 'playing', fromSweepId: 'a', toSweepId: 'b', observedAtMs: 60_000,
      fromGameId: '509658', fromGameName: 'Just Chatting', toGameId: '900001', toGameName: 'Indie Game 1',
      viewersBefore: 3_000, viewersAfter: 2_900,
      fromCategoryViewers: 10_000, fromCategoryStreams: 10, toCategoryViewers: 2_905, toCategoryStreams: 2,
      // 1 − (1 − 0.797)(1 − 0.3)(1 − 0.2): obscure move, viewers held, most of the new category.
      riskScore: 0.886, reasons: 3,
    });
    assert.match(c!.reasons[0]!, /^popular → obscure: Just Chatting has 10000 viewers, Indie Game 1 5 besides this stream \(0\.1 %\)/);
    assert.match(c!.reasons[1]!, /own viewers held: 3000 → 2900/);
    assert.match(c!.reasons[2]!, /100 % of Indie Game 1's viewers/);
  });

  it('sees no risk in a move to a category about as watched as the old one', () => {
    const op = new CategorySwitches();
    op.push(sweep('a', 0, [snap('1', '509658', 300), ...crowd(10, '509658', 1_000), ...crowd(10, '27471', 900)]));
    const [c] = op.push(sweep('b', 60_000, [snap('1', '27471', 300), ...crowd(10, '509658', 1_000), ...crowd(10, '27471', 900)]));
    assert.deepEqual([c!.riskScore, c!.reasons], [0, []]);
  });

  it('scores a hold into a nearly empty category higher than a switch where the audience left', () => {
    const hold = new CategorySwitches();
    hold.push(sweep('a', 0, [snap('1', '509658', 800), ...crowd(20, '509658', 1_000)]));
    const [held] = hold.push(sweep('b', 60_000, [snap('1', '900001', 800), ...crowd(20, '509658', 1_000)]));
    const left = new CategorySwitches();
    left.push(sweep('a', 0, [snap('1', '509658', 800), ...crowd(20, '509658', 1_000), ...crowd(5, '900001', 1_000)]));
    const [gone] = left.push(sweep('b', 60_000, [snap('1', '900001', 100), ...crowd(20, '509658', 1_000), ...crowd(1, '900001', 1_000)]));
    assert.ok(held!.riskScore > 0.85, `held ${held!.riskScore}`);
    assert.ok(gone!.riskScore < held!.riskScore, `left ${gone!.riskScore}`);
    assert.ok(!gone!.reasons.some((r) => r.startsWith('own viewers held')));
  });

  it('flags titles that suggest rebroadcast content, whatever the categories', () => {
    const op = new CategorySwitches();
    op.push(sweep('a', 0, [snap('1', '509658', 100), snap('2', '509658', 100), snap('3', '509658', 100)]));
    const out = op.push(sweep('b', 60_000, [
      snap('1', '27471', 100, { title: 'WATCH PARTY El Clásico' }),
      snap('2', '27471', 100, { title: 'Full Match replay: finals' }),
      snap('3', '27471', 100, { title: 'building a castle' }),
    ]));
    assert.deepEqual(out.map((c) => [c.userId, c.riskScore, c.reasons]), [
      ['1', 0.5, ['title suggests rebroadcast content: "WATCH PARTY"']],
      ['2', 0.5, ['title suggests rebroadcast content: "Full Match"']],
      ['3', 0, []],
    ]);
  });

  it('compares only the same broadcast (stream id), across a sweep that missed the stream', () => {
    const op = new CategorySwitches();
    op.push(sweep('a', 0, [snap('1', '509658', 100)]));
    op.push(sweep('b', 60_000, []));
    assert.equal(op.push(sweep('c', 120_000, [snap('1', '27471', 100)])).length, 1, 'back after a miss: compared with sweep a');
    assert.deepEqual(op.push(sweep('d', 180_000, [snap('1', '509658', 100, { streamId: 'new-broadcast' })])), []);
  });

  it('orders changes by user id, whatever order the sweep found them in', () => {
    const op = new CategorySwitches();
    op.push(sweep('a', 0, [snap('3', '509658', 1), snap('1', '509658', 1), snap('2', '509658', 1)]));
    const out = op.push(sweep('b', 60_000, [snap('2', '27471', 1), snap('3', '27471', 1), snap('1', '27471', 1)]));
    assert.deepEqual(out.map((c) => c.userId), ['1', '2', '3']);
  });

  it('validates its options', () => {
    assert.throws(() => new CategorySwitches({ obscureRatio: 1 }), ConfigError);
    assert.throws(() => new CategorySwitches({ holdRatio: 0 }), ConfigError);
  });
});
