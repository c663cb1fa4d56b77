import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdWindow } from '../../topology/adWindows.ts';
import type { ChatRate } from '../../topology/chatRate.ts';
import type { HypeStart } from '../../topology/hype.ts';
import { event } from '../../topology/testkit.ts';
import { WallFeed, adState, type AdUpdate, type FeedUpdate, type HypeUpdate, type RateUpdate, type WallUpdate } from './feed.ts';

const T = 1_700_000_000_000;
const HOSTILE = '<img src=x onerror="window.__pwned=1"></script>\u2028\n"\'';

function rate(over: Partial<ChatRate>): ChatRate {
  return {
    channel: 'chan', roomId: '1', windowStartMs: T, windowEndMs: T + 10_000, sizeMs: 10_000, messages: 10, chatters: 4,
    firstTimeChatters: 0, emoteOnlyMessages: 0, bits: 0, topEmotes: [], early: false, ...over,
  };
}

function adWindow(over: Partial<AdWindow>): AdWindow {
  return { channel: 'chan', roomId: '1', startMs: T, endMs: T + 60_000, score: 0.5, reason: 'calm but attended', ratePerMin: 30, baselineRatePerMin: 30, cancelledAtMs: null, ...over };
}

function hypeStart(over: Partial<HypeStart>): HypeStart {
  return { channel: 'chan', roomId: '1', beginMs: T, messages: 80, ratePerMin: 480, baselineRatePerMin: 60, zScore: 8, alert: false, ...over };
}

const ads = (updates: readonly WallUpdate[]) => updates.filter((u): u is AdUpdate => u.type === 'ad').map((u) => [u.startMs, u.state, u.cancelledAtMs]);
const hypes = (updates: readonly WallUpdate[]) => updates.filter((u): u is HypeUpdate => u.type === 'hype').map((u) => [u.beginMs, u.endMs, u.alert]);

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
    const progress = { channel: 'chan', roomId: '1', beginMs: T, ratePerMin: 600, peakRatePerMin: 600, baselineRatePerMin: 60, messages: 100, topEmotes: [{ id: '25', count: 9 }], alert: false, early: true };
    assert.equal(feed.hypeProgress(progress).length, 1);
    feed.nameEmote('25', 'Kappa');
    const final = feed.hype({ channel: 'chan', roomId: '1', beginMs: T, peakMs: T, endMs: T + 20_000, peakRatePerMin: 720, baselineRatePerMin: 60, intensity: 5, messages: 200, topEmotes: [{ id: '25', count: 20 }], alert: false });
    assert.deepEqual(final.map((u) => u.type === 'hype' && [u.endMs, u.topEmotes]), [[T + 20_000, [{ id: '25', name: 'Kappa', count: 20 }]]]);
    assert.deepEqual(feed.hypeProgress(progress), []);
    assert.equal(feed.hypeProgress({ ...progress, beginMs: T + 60_000 }).length, 1, 'a later hype shows again');
  });

  it('shows a hype start from Kafka as a hype in progress, unless its end arrived first', () => {
    const { feed } = feedAt(T + 12_000);
    const start = { channel: 'chan', roomId: '1', beginMs: T, messages: 80, ratePerMin: 480, baselineRatePerMin: 60, zScore: 28, alert: false };
    assert.deepEqual(feed.hypeStart(start).map((u) => u.type === 'hype' && [u.beginMs, u.endMs, u.ratePerMin, u.messages]), [[T, null, 480, 80]]);
    feed.hype({ channel: 'chan', roomId: '1', beginMs: T, peakMs: T, endMs: T + 20_000, peakRatePerMin: 720, baselineRatePerMin: 60, intensity: 5, messages: 200, topEmotes: [], alert: false });
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

  it('decides where an ad window stands: soon, now from its start, passed at its end, held in hype, cancelled', () => {
    const ad = { startMs: T, endMs: T + 60_000, cancelledAtMs: null };
    const rows: Array<[number, boolean, string]> = [
      [T - 1, false, 'soon'], [T, false, 'now'], [T + 59_999, false, 'now'], [T + 60_000, false, 'passed'],
      [T - 1, true, 'soon'], [T, true, 'held'], [T + 59_999, true, 'held'], [T + 60_000, true, 'passed'],
    ];
    for (const [nowMs, inHype, expected] of rows) assert.equal(adState(ad, nowMs, inHype), expected, `${nowMs - T} ms, in hype ${inHype}`);
    assert.equal(adState({ ...ad, cancelledAtMs: T + 20_000 }, T + 30_000, false), 'cancelled');
  });

  it('never shows an ad window as current while its channel is in hype, and shows it again once the hype ends', () => {
    const { feed, setNow } = feedAt(T - 5_000);
    assert.deepEqual(ads(feed.adWindow(adWindow({}))), [[T, 'soon', null]]);
    assert.deepEqual(feed.due(), [], 'nothing changed');
    setNow(T + 10_000);
    assert.deepEqual(ads(feed.due()), [[T, 'now', null]]);
    // The hype starts inside the window; its cancellation comes later (a bucket and its grace).
    const started = feed.hypeStart(hypeStart({ beginMs: T + 5_000 }));
    assert.deepEqual([hypes(started), ads(started)], [[[T + 5_000, null, false]], [[T, 'held', null]]], 'the hype update carries the held window');
    assert.deepEqual(feed.due(), []);
    assert.deepEqual(ads(feed.snapshot()), [[T, 'held', null]]);
    assert.ok(!feed.snapshot().some((u) => u.type === 'ad' && u.state === 'now'));
    const ended = feed.hype({ channel: 'chan', roomId: '1', beginMs: T + 5_000, peakMs: T + 5_000, endMs: T + 20_000, peakRatePerMin: 480, baselineRatePerMin: 60, intensity: 8, messages: 90, topEmotes: [], alert: false });
    assert.deepEqual(ads(ended), [[T, 'now', null]]);
    setNow(T + 60_000);
    assert.deepEqual(ads(feed.due()), [[T, 'passed', null]]);
  });

  it('holds an in-process window while a hype is in progress there, not on another channel', () => {
    const { feed } = feedAt(T + 1_000);
    feed.adWindow(adWindow({}));
    feed.adWindow(adWindow({ channel: 'other', roomId: '2' }));
    const progress = { channel: 'chan', roomId: '1', beginMs: T, ratePerMin: 600, peakRatePerMin: 600, baselineRatePerMin: 60, messages: 100, topEmotes: [], alert: false, early: true };
    assert.deepEqual(ads(feed.hypeProgress(progress)), [[T, 'held', null]]);
    assert.deepEqual(feed.snapshot().filter((u): u is AdUpdate => u.type === 'ad').map((u) => [u.roomId, u.state]), [['1', 'held'], ['2', 'now']]);
  });

  it('replaces a window by its cancellation, and keeps the cancellation over a late copy of the window or an older window', () => {
    const { feed } = feedAt(T + 30_000);
    feed.adWindow(adWindow({}));
    assert.deepEqual(ads(feed.adWindow(adWindow({ cancelledAtMs: T + 20_000 }))), [[T, 'cancelled', T + 20_000]]);
    assert.deepEqual(feed.adWindow(adWindow({})), [], 'the uncancelled window again');
    assert.deepEqual(feed.adWindow(adWindow({ startMs: T - 600_000, endMs: T - 540_000 })), [], 'an older window');
    assert.deepEqual(ads(feed.snapshot()), [[T, 'cancelled', T + 20_000]]);
    assert.deepEqual(ads(feed.adWindow(adWindow({ startMs: T + 600_000, endMs: T + 660_000 }))), [[T + 600_000, 'soon', null]], 'a later window replaces it');
    const { cancelledAtMs: _, ...older } = adWindow({ roomId: '3' });
    assert.deepEqual(ads(feed.adWindow(older as AdWindow)), [[T, 'now', null]], 'a record written before cancelledAtMs existed');
  });

  it('shows a hype that is not an alert as a highlight, and its second announcement as an alert that stays one', () => {
    const { feed } = feedAt(T + 12_000);
    assert.deepEqual(hypes(feed.hypeStart(hypeStart({}))), [[T, null, false]]);
    assert.deepEqual(hypes(feed.hypeStart(hypeStart({ zScore: 16, alert: true }))), [[T, null, true]]);
    assert.deepEqual(hypes(feed.hypeStart(hypeStart({}))), [[T, null, true]], 'the first announcement read again does not undo the alert');
    const progress = { channel: 'chan', roomId: '2', beginMs: T, ratePerMin: 600, peakRatePerMin: 600, baselineRatePerMin: 60, messages: 100, topEmotes: [], alert: false, early: false };
    assert.deepEqual(hypes(feed.hypeProgress(progress)), [[T, null, false]]);
    assert.deepEqual(hypes(feed.hypeProgress({ ...progress, alert: true })), [[T, null, true]]);
    const ended = feed.hype({ channel: 'chan', roomId: '2', beginMs: T, peakMs: T, endMs: T + 30_000, peakRatePerMin: 900, baselineRatePerMin: 60, intensity: 20, messages: 300, topEmotes: [], alert: true });
    assert.deepEqual(hypes(ended), [[T, T + 30_000, true]]);
    const { alert: _, ...older } = { channel: 'chan', roomId: '4', beginMs: T, peakMs: T, endMs: T + 30_000, peakRatePerMin: 900, baselineRatePerMin: 60, intensity: 20, messages: 300, topEmotes: [], alert: true };
    assert.deepEqual(hypes(feed.hype(older as never)), [[T, T + 30_000, false]], 'a record written before alert existed');
  });

  it('labels each rate with what it is over: the chat-rate window (open or closed) and the hype bucket', () => {
    const { feed } = feedAt(T + 4_000);
    assert.equal((feed.chatRate(rate({ early: true }))[0] as RateUpdate).rateLabel, 'msgs/min, open 10 s window so far');
    assert.equal((feed.chatRate(rate({}))[0] as RateUpdate).rateLabel, 'msgs/min, last 10 s window');
    assert.equal((feed.chatRate(rate({ sizeMs: 60_000, windowEndMs: T + 60_000 }))[0] as RateUpdate).rateLabel, 'msgs/min, last 1 min window');
    const progress = { channel: 'chan', roomId: '1', beginMs: T, ratePerMin: 600, peakRatePerMin: 600, baselineRatePerMin: 60, messages: 100, topEmotes: [], alert: false, early: false };
    assert.equal((feed.hypeProgress(progress)[0] as HypeUpdate).rateLabel, 'msgs/min, last closed 10 s bucket');
    assert.equal((feed.hypeStart(hypeStart({ roomId: '2' }))[0] as HypeUpdate).rateLabel, 'msgs/min, the 10 s bucket that began it');
  });
});
