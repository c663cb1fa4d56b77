import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRate } from '../../topology/chatRate.ts';
import { event } from '../../topology/testkit.ts';
import { WallFeed, type FeedUpdate, type RateUpdate } from './feed.ts';

const T = 1_700_000_000_000;
const HOSTILE = '<img src=x onerror="window.__pwned=1"></script>\u2028\n"\'';

function rate(over: Partial<ChatRate>): ChatRate {
  return {
    channel: 'chan', roomId: '1', windowStartMs: T, windowEndMs: T + 10_000, sizeMs: 10_000, messages: 10, chatters: 4,
    firstTimeChatters: 0, emoteOnlyMessages: 0, bits: 0, topEmotes: [], early: false, ...over,
  };
}

function feedAt(nowMs: number, options = {}) {
  let now = nowMs;
  const feed = new WallFeed(() => now, options);
  return { feed, setNow: (ms: number) => (now = ms) };
}

describe('WallFeed', () => {
  it('has an empty snapshot before any record', () => {
    assert.deepEqual(feedAt(T).feed.snapshot(), []);
  });

  it('rates a final window over its whole size, an open one over its elapsed part (at least 1 s)', () => {
    const { feed, setNow } = feedAt(T + 5_000);
    assert.equal((feed.chatRate(rate({ early: true }))[0] as RateUpdate).ratePerMin, 120);
    setNow(T + 200);
    assert.equal((feed.chatRate(rate({ early: true, messages: 2 }))[0] as RateUpdate).ratePerMin, 120, '2 messages over the 1 s floor');
    setNow(T + 60_000);
    assert.equal((feed.chatRate(rate({ early: true }))[0] as RateUpdate).ratePerMin, 60, 'elapsed is capped at the window size');
    assert.equal((feed.chatRate(rate({}))[0] as RateUpdate).ratePerMin, 60);
  });

  it('never lets an early update replace its window’s final result', () => {
    const { feed } = feedAt(T + 9_000);
    feed.chatRate(rate({ messages: 10 }));
    assert.deepEqual(feed.chatRate(rate({ messages: 9, early: true })), []);
    const points = feed.snapshot().filter((u) => u.type === 'rate') as RateUpdate[];
    assert.deepEqual(points.map((p) => [p.messages, p.early]), [[10, false]]);
  });

  it('keeps the last `points` windows per channel and size, oldest first', () => {
    const { feed } = feedAt(T, { points: 3 });
    for (let i = 0; i < 5; i++) feed.chatRate(rate({ windowStartMs: T + i * 10_000, messages: i }));
    feed.chatRate(rate({ roomId: '2', channel: 'other', sizeMs: 60_000 }));
    const points = feed.snapshot().filter((u) => u.type === 'rate') as RateUpdate[];
    assert.deepEqual(points.map((p) => [p.roomId, p.messages]), [['2', 10], ['1', 2], ['1', 3], ['1', 4]]);
  });

  it('folds the single gifts of a gift bomb into the bomb, shows a lone gift with its recipient, and skips other kinds', () => {
    const { feed } = feedAt(T);
    const bomb = feed.chatEvent(event({ kind: 'submysterygift', eventTimeMs: T, originId: 'o1', massGiftCount: 5, id: 'b' }));
    assert.deepEqual(bomb.map((u) => [(u as FeedUpdate).kind, (u as FeedUpdate).count, (u as FeedUpdate).who]), [['submysterygift', 5, 'Gifter1']]);
    assert.deepEqual(feed.chatEvent(event({ kind: 'subgift', eventTimeMs: T + 1, originId: 'o1', recipientDisplayName: 'r1', id: 'g1' })), []);
    const lone = feed.chatEvent(event({ kind: 'subgift', eventTimeMs: T + 2, originId: 'o2', recipientDisplayName: 'r2', id: 'g2' }));
    assert.equal((lone[0] as FeedUpdate).detail, 'to r2');
    assert.deepEqual(feed.chatEvent(event({ kind: 'announcement', eventTimeMs: T + 3 })), []);
    const raid = feed.chatEvent(event({ kind: 'raid', eventTimeMs: T + 4, raiderLogin: 'raider', viewerCount: 1200, id: 'r' }))[0] as FeedUpdate;
    assert.deepEqual([raid.who, raid.count], ['raider', 1200]);
  });

  it('keeps the last `feedLines` feed lines, oldest first, after the status', () => {
    const { feed } = feedAt(T, { feedLines: 2 });
    for (let i = 0; i < 3; i++) feed.chatEvent(event({ kind: 'sub', eventTimeMs: T + i, id: `s${i}` }));
    feed.setStatus({ mode: 'test', nowMs: T, messagesPerSec: 1, windowsOut: 2, hypes: [] });
    const snap = feed.snapshot();
    assert.equal(snap[0]!.type, 'status');
    assert.deepEqual(snap.filter((u) => u.type === 'feed').map((u) => (u as FeedUpdate).id), ['s1', 's2']);
  });

  it('shows a hype in progress until its final result, and ignores progress of an ended hype', () => {
    const { feed } = feedAt(T);
    const progress = { channel: 'chan', roomId: '1', beginMs: T, ratePerMin: 600, peakRatePerMin: 600, baselineRatePerMin: 60, messages: 100, topEmotes: [{ id: '25', count: 9 }], early: true };
    assert.equal(feed.hypeProgress(progress).length, 1);
    feed.nameEmote('25', 'Kappa');
    const final = feed.hype({ channel: 'chan', roomId: '1', beginMs: T, peakMs: T, endMs: T + 20_000, peakRatePerMin: 720, baselineRatePerMin: 60, intensity: 5, messages: 200, topEmotes: [{ id: '25', count: 20 }] });
    assert.deepEqual(final.map((u) => u.type === 'hype' && [u.endMs, u.topEmotes]), [[T + 20_000, [{ id: '25', name: 'Kappa', count: 20 }]]]);
    assert.deepEqual(feed.hypeProgress(progress), []);
    assert.equal(feed.hypeProgress({ ...progress, beginMs: T + 60_000 }).length, 1, 'a later hype shows again');
  });

  it('shows a hype start from Kafka as a hype in progress, unless its end arrived first', () => {
    const { feed } = feedAt(T + 12_000);
    const start = { channel: 'chan', roomId: '1', beginMs: T, messages: 80, ratePerMin: 480, baselineRatePerMin: 60, zScore: 28 };
    assert.deepEqual(feed.hypeStart(start).map((u) => u.type === 'hype' && [u.beginMs, u.endMs, u.ratePerMin, u.messages]), [[T, null, 480, 80]]);
    feed.hype({ channel: 'chan', roomId: '1', beginMs: T, peakMs: T, endMs: T + 20_000, peakRatePerMin: 720, baselineRatePerMin: 60, intensity: 5, messages: 200, topEmotes: [] });
    assert.deepEqual(feed.hypeStart(start), [], 'a start read after its end changes nothing');
  });

  it('passes untrusted strings on verbatim as data, clipped in length, for the page to set as text', () => {
    const { feed } = feedAt(T);
    const [u] = feed.chatEvent(event({ kind: 'resub', eventTimeMs: T, displayName: HOSTILE, text: HOSTILE + 'x'.repeat(1_000), cumulativeMonths: 3, id: HOSTILE }));
    const line = u as FeedUpdate;
    assert.equal(line.who, HOSTILE);
    assert.ok(line.detail.startsWith(`3 months: ${HOSTILE}`));
    assert.ok(line.detail.length <= 300, `clipped: ${line.detail.length}`);
    feed.nameEmote('e"1', HOSTILE);
    const [r] = feed.chatRate(rate({ channel: HOSTILE, topEmotes: [{ id: 'e"1', count: 2 }, { id: '<b>', count: 1 }] }));
    assert.deepEqual((r as RateUpdate).topEmotes, [{ id: 'e"1', name: HOSTILE, count: 2 }, { id: '<b>', name: '<b>', count: 1 }]);
    assert.equal((r as RateUpdate).channel, HOSTILE);
  });
});
