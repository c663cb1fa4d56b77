import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import type { ChatRate } from './chatRate.ts';
import { HypeOperator, hypeSettings, type HypeBucket, type HypeSettings, type HypeSignal, type HypeStart } from './hype.ts';
import { decodeState, encodeState } from './stateCodec.ts';

/** A final 10 s chat-rate bucket at index i (window [i·10 s, (i+1)·10 s)). */
const rate = (i: number, messages: number, over: Partial<ChatRate> = {}): ChatRate => ({
  channel: 'chan', roomId: '1', windowStartMs: i * 10_000, windowEndMs: (i + 1) * 10_000, sizeMs: 10_000,
  messages, chatters: messages, firstTimeChatters: 0, emoteOnlyMessages: 0, shortMessages: 0, bits: 0, topEmotes: [], early: false, ...over,
});

/**
 * Settings that make the arithmetic simple: the baseline moves halfway to each bucket (alpha 0.5),
 * the deviation is pure counting noise √b (no relative spread), short messages weigh nothing
 * extra, and two buckets warm it up. Enter 5.5, exit 3.3 for 2 buckets, alert 15, lead 10 s are
 * the defaults. A baseline of 16 messages per bucket has deviation 4, so a bucket of x scores
 * (x − 16) / 4: enter at x ≥ 38, below exit at x < 29.2, alert at x ≥ 76.
 */
const simple = hypeSettings({ alpha: 0.5, relativeSpread: 0, shortMessageWeight: 0, warmupBuckets: 2 });

const bucketsOf = (signals: HypeSignal[]) => signals.filter((s): s is HypeBucket => s.type === 'bucket');
const startsOf = (signals: HypeSignal[]) => signals.flatMap((s) => (s.type === 'start' ? [s.start] : []));
const hypesOf = (signals: HypeSignal[]) => signals.flatMap((s) => (s.type === 'hype' ? [s.hype] : []));

/** Runs bucket counts (index = bucket) through a fresh operator, flushing at the end. */
function run(counts: number[], settings: HypeSettings = simple, over: (i: number) => Partial<ChatRate> = () => ({})) {
  const op = new HypeOperator(settings);
  const signals = counts.flatMap((n, i) => op.process(rate(i, n, over(i))));
  signals.push(...op.flush());
  return { signals, buckets: bucketsOf(signals), starts: startsOf(signals), hypes: hypesOf(signals) };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

describe('HypeOperator', () => {
  it('emits nothing for empty input', () => {
    const op = new HypeOperator();
    assert.deepEqual(op.flush(), []);
    assert.deepEqual(op.snapshot(), new Map());
  });

  it('reports one record as one bucket still in warm-up, against no baseline yet', () => {
    const [only, ...rest] = new HypeOperator().process(rate(0, 16));
    assert.deepEqual(rest, []);
    const b = only as HypeBucket;
    assert.deepEqual(
      [b.type, b.channel, b.roomId, b.windowStartMs, b.windowEndMs, b.ratePerMin, b.chatters, b.baselinePerMin, b.warmedUp, b.inHype, b.beginsHype],
      ['bucket', 'chan', '1', 0, 10_000, 96, 16, 0, false, false, false],
    );
  });

  it('calls no hype for steady chat with the default settings, long after warm-up', () => {
    const jitter = [10, 12, 8, 11, 9, 14, 7, 10, 13, 9];
    const counts = Array.from({ length: 60 }, (_, i) => jitter[i % jitter.length]!);
    const { buckets, starts, hypes } = run(counts, hypeSettings());
    assert.equal(buckets.length, 60);
    assert.deepEqual([starts, hypes], [[], []]);
    assert.ok(buckets.slice(18).every((b) => b.warmedUp && !b.inHype));
    // The loudest bucket, 14 against a baseline near 10 (deviation √(10 + 2²) ≈ 3.7), scores about 1.
    assert.ok(Math.max(...buckets.slice(18).map((b) => b.score)) < 2);
  });

  it('calls no hype before the 18 warm-up buckets with the default settings, and one at the 19th', () => {
    // Bucket 17 is the 18th: the baseline has learned 17 buckets, one short of warm-up.
    const early = run([...Array<number>(17).fill(16), 200, 16, 16, 16], hypeSettings());
    assert.deepEqual(early.hypes, []);
    assert.deepEqual([early.buckets[17]!.warmedUp, early.buckets[18]!.warmedUp], [false, true]);
    // Bucket 18 has 18 buckets of 16 behind it. The default deviation at b = 16 is
    // √(16 + (0.2·16)²) = √26.24 = 5.1225, so 200 scores (200 − 16) / 5.1225 = 35.92: a hype
    // and an alert (≥ 15), whose begin is the bucket's start less the 10 s reaction lead.
    const late = run([...Array<number>(18).fill(16), 200, 16, 16], hypeSettings());
    assert.deepEqual(late.hypes, [{
      channel: 'chan', roomId: '1', beginMs: 170_000, peakMs: 180_000, endMs: 190_000, peakRatePerMin: 1_200,
      baselineRatePerMin: 96, intensity: 35.92, messages: 200, topEmotes: [], alert: true,
    }]);
  });

  it('calls one hype for a spike after warm-up, with begin (onset − 10 s), peak, end, messages, intensity and emotes worked by hand', () => {
    // Buckets 0-3: 16 each, baseline 16 (96/min), deviation 4.
    // Bucket 4 (40 s): 40 scores (40 − 16) / 4 = 6 ≥ 5.5, the onset: beginMs 40 s − 10 s = 30 s.
    // Bucket 5 (50 s): 64 scores 12, the peak (384/min), no alert (< 15).
    // Bucket 6: 20 scores 1 < 3.3, bucket 7: 0 < 3.3 again, so the hype ends at the end of the
    // last bucket at or above the exit score, 60 s, with that far 40 + 64 = 104 messages.
    const emotes = (i: number): Partial<ChatRate> =>
      i === 4 ? { topEmotes: [{ id: 'PogChamp', count: 30 }, { id: 'LUL', count: 5 }] } : i === 5 ? { topEmotes: [{ id: 'PogChamp', count: 50 }, { id: 'KEKW', count: 10 }] } : {};
    const op = new HypeOperator(simple);
    const perBucket = [16, 16, 16, 16, 40, 64, 20, 16, 16].map((n, i) => op.process(rate(i, n, emotes(i))));
    assert.deepEqual(perBucket.map((s) => s.map((x) => x.type)), [
      ['bucket'], ['bucket'], ['bucket'], ['bucket'], ['bucket', 'start'], ['bucket'], ['bucket'], ['bucket', 'hype'], ['bucket'],
    ]);
    assert.deepEqual(hypesOf(perBucket.flat()), [{
      channel: 'chan', roomId: '1', beginMs: 30_000, peakMs: 50_000, endMs: 60_000, peakRatePerMin: 384, baselineRatePerMin: 96,
      intensity: 12, messages: 104, topEmotes: [{ id: 'PogChamp', count: 80 }, { id: 'KEKW', count: 10 }, { id: 'LUL', count: 5 }], alert: false,
    }]);
    const buckets = bucketsOf(perBucket.flat());
    assert.deepEqual(buckets.slice(1).map((b) => b.score), [0, 0, 0, 6, 12, 1, 0, 0]);
    assert.deepEqual(buckets.map((b) => b.inHype), [false, false, false, false, true, true, true, true, false]);
    assert.deepEqual(buckets.map((b) => b.beginsHype), [false, false, false, false, true, false, false, false, false]);
    assert.deepEqual([buckets[4]!.baselinePerMin, buckets[4]!.deviationPerMin], [96, 24]);
  });

  it('enters at exactly the enter score, not below it, and stays in at exactly the exit score', () => {
    assert.deepEqual(run([16, 16, 16, 37, 16, 16]).hypes, [], '37 scores 5.25');
    // exitScore 3: 38 scores 5.5 (enters), 28 scores exactly 3 (not below), 27 scores 2.75 (below).
    const { hypes } = run([16, 16, 16, 38, 28, 28, 27, 16, 16], hypeSettings({ ...simple, exitScore: 3 }));
    assert.deepEqual(hypes.map((h) => [h.beginMs, h.endMs, h.intensity, h.messages]), [[20_000, 60_000, 5.5, 38 + 28 + 28]]);
  });

  it('keeps one hype across a dip shorter than exitBuckets (hysteresis)', () => {
    // 40 (6), 30 (3.5: at or above exit), 20 (1: one bucket below), 40 (6 again), 16, 16.
    const counts = [16, 16, 16, 16, 40, 30, 20, 40, 16, 16];
    const { hypes } = run(counts);
    assert.deepEqual(hypes.map((h) => [h.beginMs, h.peakMs, h.endMs, h.messages]), [[30_000, 40_000, 80_000, 40 + 30 + 20 + 40]]);
    // With a single bucket below enough to leave, the same chat is two hypes.
    const split = run(counts, hypeSettings({ ...simple, exitBuckets: 1 }));
    assert.deepEqual(split.hypes.map((h) => [h.beginMs, h.endMs, h.messages]), [[30_000, 60_000, 70], [60_000, 80_000, 40]]);
  });

  it('does not learn during a hype: after a whole busy minute of it, a second burst is still a hype', () => {
    // Buckets 3-8: 100 each (score 21, an alert). Had the baseline learned them it would be near
    // 100 and 40 would score below 0; frozen at 16, bucket 11's 40 scores 6 again.
    const { buckets, hypes } = run([16, 16, 16, 100, 100, 100, 100, 100, 100, 16, 16, 40, 16, 16]);
    assert.deepEqual(buckets.slice(1).map((b) => b.baselinePerMin), Array<number>(13).fill(96));
    assert.deepEqual(hypes.map((h) => [h.beginMs, h.endMs, h.intensity, h.alert]), [[20_000, 90_000, 21, true], [100_000, 120_000, 6, false]]);
  });

  it('moves the baseline at most clipDeviations deviations per bucket, so a busy stretch does not hide the next burst', () => {
    // Buckets 3 and 4: 36 each, score 5 and then 3.58, busy but no hype, so the baseline learns:
    //   16 + 0.5·clip(36 − 16, 2·4) = 16 + 4 = 20 (120/min), deviation √20 = 4.4721;
    //   20 + 0.5·clip(36 − 20, 2·4.4721) = 20 + 4.4721 = 24.4721 (146.83/min), deviation 4.9469.
    // Bucket 5: 56 scores (56 − 24.4721) / 4.9469 = 6.37, a hype.
    const counts = [16, 16, 16, 36, 36, 56, 16, 16];
    const clipped = run(counts);
    assert.deepEqual(clipped.buckets.slice(3, 6).map((b) => r2(b.baselinePerMin)), [96, 120, 146.83]);
    assert.deepEqual(clipped.hypes.map((h) => [h.beginMs, h.intensity]), [[40_000, 6.37]]);
    // An unclipped EWMA follows halfway to 36 twice, 16 → 26 → 31, and 56 scores 25 / √31 = 4.49: missed.
    const unclipped = run(counts, hypeSettings({ ...simple, clipDeviations: 1e9 }));
    assert.deepEqual(unclipped.hypes, []);
    // The same with the default settings over a whole busy minute (6 buckets of 36, scores 3.9
    // down to 3.0, no hype): clipped, each step is at most 0.05·2·√(b + (0.2b)²) ≈ 0.51-0.56 and
    // the baseline reaches 19.25, where 53 scores 5.78; unclipped it reaches 21.30 (16 + 20·(1 −
    // 0.95⁶)), where the same burst scores 5.05: missed.
    const minute = [...Array<number>(20).fill(16), ...Array<number>(6).fill(36), 53, 16, 16];
    assert.equal(run(minute, hypeSettings()).hypes.length, 1);
    assert.equal(run(minute, hypeSettings({ clipDeviations: 1e9 })).hypes.length, 0);
  });

  it('weighs short messages more: the same message count with more short messages is a hype', () => {
    // shortMessageWeight 1: weighted = messages + shortMessages. Baseline 16 (no short messages).
    const weighted = hypeSettings({ ...simple, shortMessageWeight: 1 });
    const long = run([16, 16, 16, 30, 16, 16], weighted);
    assert.deepEqual(long.hypes, [], '30 scores (30 − 16) / 4 = 3.5');
    // 30 messages, 10 of them short: weighted 40 scores 6. Rates are reported in plain messages.
    const short = run([16, 16, 16, 30, 16, 16], weighted, (i) => (i === 3 ? { shortMessages: 10 } : {}));
    assert.deepEqual(short.hypes.map((h) => [h.beginMs, h.intensity, h.peakRatePerMin, h.baselineRatePerMin, h.messages]), [[20_000, 6, 180, 96, 30]]);
    // A record written before shortMessages existed counts none.
    const op = new HypeOperator(weighted);
    for (let i = 0; i < 3; i++) op.process(rate(i, 16));
    const { shortMessages: _, ...old } = rate(3, 30);
    assert.equal(bucketsOf(op.process(old))[0]!.score, 3.5);
  });

  it('needs a bigger relative jump in a busy channel once relativeSpread is set, and barely changes a quiet one', () => {
    // relativeSpread 0.12. Busy, b = 400: deviation √(400 + 48²) = √2704 = 52 (312/min), where
    // counting noise alone is √400 = 20. A jump to 600 (×1.5) scores 200 / 52 = 3.85: no hype
    // (200 / 20 = 10 without the spread); 700 (×1.75) scores 300 / 52 = 5.77.
    const spread = hypeSettings({ ...simple, relativeSpread: 0.12 });
    const busy = run([400, 400, 400, 600, 400, 400], spread);
    assert.deepEqual(busy.hypes, []);
    assert.equal(busy.buckets[3]!.deviationPerMin, 312);
    assert.deepEqual(run([400, 400, 400, 700, 400, 400], spread).hypes.map((h) => h.intensity), [5.77]);
    assert.deepEqual(run([400, 400, 400, 600, 400, 400]).hypes.map((h) => h.intensity), [10]);
    // Quiet, b = 16: deviation √(16 + 1.92²) = 4.4369 instead of 4; 42 scores 26 / 4.4369 = 5.86.
    assert.deepEqual(run([16, 16, 16, 42, 16, 16], spread).hypes.map((h) => h.intensity), [5.86]);
  });

  it('announces a hype with a start at its first bucket, and again with alert: true when its peak crosses alertScore', () => {
    // 40 scores 6 (start, no alert), 76 scores exactly 15 (the alert), 90 scores 18.5 (no third start).
    const op = new HypeOperator(simple);
    const signals = [16, 16, 16, 40, 76, 90, 16, 16].map((n, i) => op.process(rate(i, n)));
    const first: HypeStart = { channel: 'chan', roomId: '1', beginMs: 20_000, messages: 40, ratePerMin: 240, baselineRatePerMin: 96, zScore: 6, alert: false };
    assert.deepEqual(signals[3]!.map((s) => s.type), ['bucket', 'start']);
    assert.deepEqual(startsOf(signals[3]!), [first]);
    assert.deepEqual(signals[4]!.map((s) => s.type), ['bucket', 'start']);
    assert.deepEqual(startsOf(signals[4]!), [{ ...first, zScore: 15, alert: true }], 'same identity (roomId, beginMs), first bucket figures');
    assert.deepEqual(startsOf(signals.slice(5).flat()), []);
    assert.deepEqual(hypesOf(signals.flat()).map((h) => [h.beginMs, h.peakMs, h.endMs, h.intensity, h.alert]), [[20_000, 50_000, 60_000, 18.5, true]]);
    // A hype whose first bucket is already an alert is announced once.
    assert.deepEqual(run([16, 16, 16, 80, 16, 16]).starts.map((s) => [s.zScore, s.alert]), [[16, true]]);
  });

  it('alerts at most once per alertCooldownMs per channel, counted from the bucket that alerted', () => {
    // 80 scores 16 (≥ 15). Bucket 3 alerts (30 s); bucket 10's hype is within 10 min of it, so no
    // alert, and it does not restart the cooldown; bucket 63 is exactly 600 s after bucket 3.
    const spikes = (at: number[]) => Array.from({ length: 66 }, (_, i) => (at.includes(i) ? 80 : 16));
    const alerts = (at: number[]) => run(spikes(at)).hypes.map((h) => [h.beginMs, h.alert]);
    assert.deepEqual(alerts([3, 10, 63]), [[20_000, true], [90_000, false], [620_000, true]]);
    assert.deepEqual(alerts([3, 10, 62]), [[20_000, true], [90_000, false], [610_000, false]]);
    // The announcements agree: bucket 10's hype is announced once, without alert.
    assert.deepEqual(run(spikes([3, 10, 63])).starts.map((st) => st.alert), [true, false, true]);
    assert.deepEqual(run(spikes([3, 10]), hypeSettings({ ...simple, alertCooldownMs: 0 })).hypes.map((h) => h.alert), [true, true]);
  });

  it('ends a hype still open at completion on flush, at the last bucket at or above the exit score', () => {
    const op = new HypeOperator(simple);
    [16, 16, 16, 40, 64, 20].forEach((n, i) => op.process(rate(i, n)));
    assert.deepEqual(hypesOf(op.flush()).map((h) => [h.beginMs, h.peakMs, h.endMs, h.messages]), [[20_000, 40_000, 50_000, 104]]);
    assert.deepEqual(op.flush(), [], 'flushed once');
  });

  it('counts buckets missing from the input as empty', () => {
    // clipDeviations 100 (no clipping): the two missing buckets halve the baseline twice, 16 → 8
    // → 4 (deviation 2), so 16 in bucket 6 scores (16 − 4) / 2 = 6: a hype, beginMs 60 s − 10 s.
    const op = new HypeOperator(hypeSettings({ ...simple, clipDeviations: 100 }));
    [0, 1, 2, 3].forEach((i) => op.process(rate(i, 16)));
    const signals = op.process(rate(6, 16));
    assert.deepEqual(bucketsOf(signals).map((b) => [b.windowStartMs, b.ratePerMin, b.chatters, b.baselinePerMin, b.score, b.beginsHype]), [
      [40_000, 0, 0, 96, -4, false], [50_000, 0, 0, 48, -2.83, false], [60_000, 96, 16, 24, 6, true],
    ]);
    assert.deepEqual(startsOf(signals).map((s) => s.beginMs), [50_000]);
    // Without the gap, 16 after 16 is nothing.
    assert.deepEqual(run([16, 16, 16, 16, 16]).hypes, []);
  });

  it('ignores early results and buckets at or before the last one seen (out of order, duplicates)', () => {
    const op = new HypeOperator(simple);
    [0, 1, 2, 3].forEach((i) => op.process(rate(i, 16)));
    assert.deepEqual(op.process(rate(4, 500, { early: true })), []);
    assert.deepEqual(op.process(rate(3, 500)), []);
    assert.deepEqual(op.process(rate(1, 500)), []);
    // Bucket 4 comes next, against the unchanged baseline of 16.
    assert.deepEqual(bucketsOf(op.process(rate(4, 16))).map((b) => [b.windowStartMs, b.score, b.inHype]), [[40_000, 0, false]]);
  });

  it('keeps channels apart', () => {
    const op = new HypeOperator(simple);
    const other = (i: number, n: number) => rate(i, n, { channel: 'other', roomId: '2' });
    const signals = [16, 16, 16, 40, 16, 16].flatMap((n, i) => [...op.process(rate(i, n)), ...op.process(other(i, 400))]);
    assert.deepEqual(hypesOf(signals).map((h) => [h.roomId, h.beginMs]), [['1', 20_000]]);
    assert.ok(bucketsOf(signals).filter((b) => b.roomId === '2').slice(1).every((b) => b.baselinePerMin === 2_400 && b.score === 0));
  });

  it('continues identically after a snapshot is restored (through the state codec), mid-hype', () => {
    // Bucket 4 begins an alert (80 scores 16); bucket 10's hype is within the alert cooldown.
    const counts = [16, 16, 16, 16, 80, 64, 20, 16, 16, 16, 80, 16, 16];
    const emotes = (i: number): Partial<ChatRate> => ({ topEmotes: counts[i]! >= 40 ? [{ id: 'e', count: counts[i]! }] : [] });
    const original = new HypeOperator(simple);
    const copy = new HypeOperator(simple);
    copy.process(rate(0, 40, { channel: 'other', roomId: '2' })); // replaced by the restore
    const a: HypeSignal[] = [];
    const b: HypeSignal[] = [];
    counts.forEach((n, i) => {
      a.push(...original.process(rate(i, n, emotes(i))));
      if (i === 4) copy.restore(decodeState(encodeState(original.snapshot())));
      if (i > 4) b.push(...copy.process(rate(i, n, emotes(i))));
    });
    a.push(...original.flush());
    b.push(...copy.flush());
    assert.deepEqual(b, a.slice(a.length - b.length));
    // The restored copy finishes the hype that began before the snapshot, emotes and all, and
    // remembers its alert: the second hype is no alert.
    assert.deepEqual(hypesOf(b).map((h) => [h.beginMs, h.messages, h.topEmotes, h.alert]), [
      [30_000, 80 + 64, [{ id: 'e', count: 80 + 64 }], true], [90_000, 80, [{ id: 'e', count: 80 }], false],
    ]);
    assert.ok(bucketsOf(b).every((x) => x.roomId === '1'), "the copy's own channel is gone");
  });

  it('starts afresh a channel restored from the old format (mean/variance), keeping channels in the new one', () => {
    const current = new HypeOperator(simple);
    [0, 1, 2].forEach((i) => current.process(rate(i, 16, { channel: 'other', roomId: '2' })));
    const state = decodeState<Map<string, unknown>>(encodeState(current.snapshot()));
    state.set('1', { channel: 'chan', roomId: '1', mean: 96, variance: 400, seen: 500, lastStartMs: 20_000, sizeMs: 10_000, hype: null });
    const op = new HypeOperator(simple);
    op.restore(state);
    // Channel 1: no baseline, no warm-up, no missing buckets filled in from the old lastStartMs.
    const fresh = bucketsOf(op.process(rate(6, 200)));
    assert.deepEqual(fresh.map((b) => [b.windowStartMs, b.baselinePerMin, b.warmedUp, b.inHype]), [[60_000, 0, false, false]]);
    // Channel 2 carries on, warmed up: 40 scores 6.
    assert.deepEqual(startsOf(op.process(rate(3, 40, { channel: 'other', roomId: '2' }))).map((s) => [s.roomId, s.beginMs, s.zScore]), [['2', 20_000, 6]]);
  });

  it('restores a channel saved before alertCooldownMs existed as never having alerted', () => {
    const before = new HypeOperator(simple);
    [16, 16, 16, 80].forEach((n, i) => before.process(rate(i, n)));
    assert.equal(hypesOf(before.flush())[0]!.alert, true);
    const state = decodeState<Map<string, Record<string, unknown>>>(encodeState(before.snapshot()));
    delete state.get('1')!.lastAlertMs;
    const op = new HypeOperator(simple);
    op.restore(state);
    assert.deepEqual(startsOf(op.process(rate(4, 80))).map((s) => [s.beginMs, s.alert]), [[30_000, true]]);
  });

  it('validates its settings, naming the field', () => {
    const bad: Array<[Partial<HypeSettings>, keyof HypeSettings]> = [
      [{ alpha: 0 }, 'alpha'], [{ alpha: 1.01 }, 'alpha'], [{ alpha: NaN }, 'alpha'],
      [{ clipDeviations: 0 }, 'clipDeviations'],
      [{ relativeSpread: -0.01 }, 'relativeSpread'],
      [{ shortMessageWeight: -1 }, 'shortMessageWeight'],
      [{ enterScore: 3.3 }, 'enterScore'], [{ enterScore: 4, exitScore: 5 }, 'enterScore'],
      [{ exitBuckets: 0 }, 'exitBuckets'], [{ exitBuckets: 1.5 }, 'exitBuckets'],
      [{ warmupBuckets: -1 }, 'warmupBuckets'], [{ warmupBuckets: 2.5 }, 'warmupBuckets'],
      [{ reactionLeadMs: -1 }, 'reactionLeadMs'],
      [{ alertScore: 5 }, 'alertScore'],
      [{ alertCooldownMs: -1 }, 'alertCooldownMs'],
    ];
    for (const [over, field] of bad) {
      assert.throws(() => hypeSettings(over), (e: unknown) => e instanceof ConfigError && e.context.field === field && e.message.startsWith(`${field} must be`), JSON.stringify(over));
    }
    // The bounds themselves are allowed.
    assert.doesNotThrow(() => hypeSettings({ alpha: 1, relativeSpread: 0, shortMessageWeight: 0, exitBuckets: 1, warmupBuckets: 0, reactionLeadMs: 0, alertScore: 5.5, alertCooldownMs: 0 }));
    const s = hypeSettings();
    assert.ok(Object.isFrozen(s));
    assert.deepEqual({ ...s }, {
      alpha: 0.05, clipDeviations: 2, relativeSpread: 0.2, shortMessageWeight: 2, enterScore: 5.5, exitScore: 3.3, exitBuckets: 2,
      warmupBuckets: 18, reactionLeadMs: 10_000, alertScore: 15, alertCooldownMs: 600_000,
    });
  });
});
