import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { AdWindowOperator, adWindowSettings, type AdWindow, type AdWindowSettings } from './adWindows.ts';
import type { ChatRate } from './chatRate.ts';
import { HypeOperator, type HypeBucket, type HypeSignal } from './hype.ts';
import { decodeState, encodeState } from './stateCodec.ts';

/**
 * The hype detector's view of the 10 s bucket at index i: by default calm (score 0), attended
 * (60/min against a 60/min baseline, 3 chatters), warmed up and not in hype.
 */
const bucket = (i: number, over: Partial<HypeBucket> = {}): HypeBucket => ({
  type: 'bucket', channel: 'chan', roomId: '1', windowStartMs: i * 10_000, windowEndMs: (i + 1) * 10_000, ratePerMin: 60, chatters: 3,
  baselinePerMin: 60, deviationPerMin: 19, score: 0, warmedUp: true, inHype: false, beginsHype: false, ...over,
});
const hype = (i: number, begins = false) => bucket(i, { ratePerMin: 600, score: 12, inHype: true, beginsHype: begins });

/** Buckets 0..n−1, `over(i)` changing some; returns each bucket's output by index. */
function run(n: number, over: (i: number) => Partial<HypeBucket> | HypeBucket = () => ({}), op = new AdWindowOperator()) {
  const out = Array.from({ length: n }, (_, i) => {
    const o = over(i);
    return op.process('type' in o ? (o as HypeBucket) : bucket(i, o));
  });
  return { op, out, windows: out.flat(), at: out.flatMap((w, i) => (w.length ? [i] : [])) };
}

/** The first calm window of a channel with no hype, from the default calm minute: buckets 0-5 at 60/min. */
const firstWindow: AdWindow = {
  channel: 'chan', roomId: '1', startMs: 60_000, endMs: 120_000, score: 0.5, ratePerMin: 60, baselineRatePerMin: 60,
  reason: 'calm but attended: 60/min for 60 s against a 60/min baseline, no hype so far', cancelledAtMs: null,
};

describe('AdWindowOperator', () => {
  it('suggests nothing for empty input, and ignores hype announcements and ended hypes', () => {
    const op = new AdWindowOperator();
    assert.deepEqual(op.flush(), []);
    const start: HypeSignal = { type: 'start', start: { channel: 'chan', roomId: '1', beginMs: 0, messages: 10, ratePerMin: 60, baselineRatePerMin: 6, zScore: 8, alert: false } };
    const ended: HypeSignal = {
      type: 'hype',
      hype: { channel: 'chan', roomId: '1', beginMs: 0, peakMs: 0, endMs: 10_000, peakRatePerMin: 60, baselineRatePerMin: 6, intensity: 8, messages: 10, topEmotes: [], alert: false },
    };
    assert.deepEqual([...op.process(start), ...op.process(ended)], []);
    assert.deepEqual(op.snapshot(), new Map());
  });

  it('suggests nothing before the baseline has warmed up; warm-up buckets do not count towards the calm minute', () => {
    const { windows, at } = run(40, (i) => ({ warmedUp: i >= 30 }));
    assert.equal(windows.length, 1);
    assert.deepEqual(at, [35], 'buckets 30-35 are the first calm minute');
    assert.equal(windows[0]!.startMs, 360_000);
  });

  it('suggests one 60 s window at the end of a calm attended stretch at least 4 min after the last hype', () => {
    // Buckets 0-2 are a hype: the last hype bucket ends at 30 s. Buckets 3-20 are just calm
    // (score 0.99 < 1) and just attended (30/min = 0.5 × 60/min); 21 on are at 60/min.
    // Bucket 25 ends 230 s after the hype, bucket 26 at 270 s is 240 s after: the window, [270 s, 330 s).
    // The calm stretch, buckets 3-26, is 24 buckets (240 s) at (18·30 + 6·60) / 24 = 37.5/min,
    // attendance 37.5 / 60 = 0.625, score 0.5 · 0.625 = 0.3125 → 0.31.
    const { out, windows, at } = run(40, (i) => (i <= 2 ? hype(i, i === 0) : i <= 20 ? { ratePerMin: 30, score: 0.99 } : {}));
    assert.deepEqual(at, [26]);
    assert.deepEqual(out[26], [{
      channel: 'chan', roomId: '1', startMs: 270_000, endMs: 330_000, score: 0.31, ratePerMin: 37.5, baselineRatePerMin: 60,
      reason: 'calm but attended: 38/min for 240 s against a 60/min baseline, 4 min after the last hype', cancelledAtMs: null,
    }]);
    assert.equal(windows.length, 1);
  });

  it('suggests the first calm attended minute of a channel that has had no hype', () => {
    const { out, at } = run(8);
    assert.deepEqual(at, [5]);
    assert.deepEqual(out[5], [firstWindow]);
  });

  it('needs chat at attendedRatio × baseline and a chatter in every bucket of the minute (attended)', () => {
    // A bucket that is not attended starts the minute again: buckets 4-9, ending at 100 s.
    assert.deepEqual(run(12, (i) => (i === 3 ? { ratePerMin: 29 } : {})).at, [9], '29/min < 0.5 × 60/min');
    assert.deepEqual(run(12, (i) => (i === 3 ? { chatters: 0 } : {})).at, [9], 'no chatters');
    assert.deepEqual(run(12, (i) => (i === 3 ? { ratePerMin: 30 } : {})).at, [5], '30/min is attended');
    assert.deepEqual(run(40, () => ({ ratePerMin: 20 })).windows, [], 'an audience that has left');
    assert.deepEqual(run(12, () => ({ ratePerMin: 0, chatters: 0, baselinePerMin: 0 })).windows, [], 'silence is not attention');
  });

  it('needs every bucket of the minute to score below calmScore', () => {
    assert.deepEqual(run(12, (i) => (i === 3 ? { score: 1 } : {})).at, [9], 'a score of exactly calmScore is not calm');
    assert.deepEqual(run(12, (i) => (i === 3 ? { score: 0.99 } : {})).at, [5]);
    assert.deepEqual(run(40, () => ({ score: 2 })).windows, []);
  });

  it('waits cooldownMs after a suggestion before the next', () => {
    // First at 60 s; the next once a bucket ends 600 s later, at 660 s (bucket 65), not at 650 s.
    const { windows, at } = run(80);
    assert.deepEqual(at, [5, 65]);
    assert.deepEqual(windows.map((w) => [w.startMs, w.endMs]), [[60_000, 120_000], [660_000, 720_000]]);
    assert.match(windows[1]!.reason, /for 600 s/, 'the calm stretch since the first suggestion, buckets 6-65');
  });

  it('cancels an open window when a hype begins inside it: an update, same startMs, cancelledAtMs at the hype bucket', () => {
    for (const [begin, cancelledAtMs] of [[6, 60_000], [8, 80_000], [11, 110_000]] as const) {
      const { out, windows } = run(14, (i) => (i >= begin ? hype(i, i === begin) : {}));
      assert.deepEqual(out[begin], [{ ...firstWindow, cancelledAtMs }], `hype beginning in bucket ${begin}`);
      assert.equal(windows.length, 2, 'the window and one update, nothing for the buckets that follow in hype');
    }
  });

  it('leaves a window alone when a hype begins after it ended', () => {
    // The window is [60 s, 120 s); bucket 12 starts exactly at its end.
    const { windows } = run(16, (i) => (i >= 12 ? hype(i, i === 12) : {}));
    assert.deepEqual(windows, [firstWindow]);
  });

  it('keeps channels apart', () => {
    const op = new AdWindowOperator();
    const out = Array.from({ length: 8 }, (_, i) => [
      ...op.process(bucket(i)),
      ...op.process(bucket(i, { channel: 'other', roomId: '2', ...(i === 3 ? { score: 3 } : {}) })),
    ]).flat();
    assert.deepEqual(out.map((w) => [w.roomId, w.startMs]), [['1', 60_000]]);
  });

  it('continues identically after a snapshot is restored (through the state codec), cancelling a window opened before it', () => {
    const over = (i: number) => (i === 7 || i === 8 ? hype(i, i === 7) : {});
    const original = new AdWindowOperator();
    const copy = new AdWindowOperator();
    copy.process(bucket(0, { roomId: '2' })); // replaced by the restore
    const a: AdWindow[] = [];
    const b: AdWindow[] = [];
    for (let i = 0; i < 80; i++) {
      const x = 'type' in over(i) ? (over(i) as HypeBucket) : bucket(i);
      a.push(...original.process(x));
      if (i === 6) copy.restore(decodeState(encodeState(original.snapshot())));
      if (i > 6) b.push(...copy.process(x));
    }
    assert.deepEqual(b, a.slice(a.length - b.length));
    // The cancellation of the window opened at 60 s, then the next after the cooldown: at 660 s,
    // 570 s (9.5 min, said as 10) after the hype's last bucket ended at 90 s, calm since then.
    assert.deepEqual(b.map((w) => [w.startMs, w.cancelledAtMs]), [[60_000, 70_000], [660_000, null]]);
    assert.equal(b[1]!.reason, 'calm but attended: 60/min for 570 s against a 60/min baseline, 10 min after the last hype');
  });

  it('starts afresh a channel restored from the old format', () => {
    const op = new AdWindowOperator();
    op.restore(decodeState(encodeState(new Map([['1', { afterHype: null, sustained: [], lastSuggestedMs: 0 }]]))));
    assert.deepEqual(run(8, () => ({}), op).windows, [firstWindow], 'no cooldown from the old state');
  });

  it('validates its settings, naming the field', () => {
    const bad: Array<[Partial<AdWindowSettings>, keyof AdWindowSettings]> = [
      [{ calmBuckets: 0 }, 'calmBuckets'], [{ calmBuckets: 1.5 }, 'calmBuckets'],
      [{ attendedRatio: -0.1 }, 'attendedRatio'], [{ calmScore: Number.NaN }, 'calmScore'],
      [{ sinceHypeMs: -1 }, 'sinceHypeMs'],
      [{ cooldownMs: -1 }, 'cooldownMs'],
      [{ windowMs: 0 }, 'windowMs'],
    ];
    for (const [over, field] of bad) {
      assert.throws(() => adWindowSettings(over), (e: unknown) => e instanceof ConfigError && e.context.field === field && e.message.startsWith(`${field} must be`), JSON.stringify(over));
    }
    assert.deepEqual({ ...adWindowSettings() }, { calmBuckets: 6, calmScore: 1, attendedRatio: 0.5, sinceHypeMs: 240_000, cooldownMs: 600_000, windowMs: 60_000 });
  });

  it('reads the hype operator: nothing during its 18 warm-up buckets, then the first calm attended minute', () => {
    const hypeOp = new HypeOperator();
    const ads = new AdWindowOperator();
    const rate = (i: number): ChatRate => ({
      channel: 'chan', roomId: '1', windowStartMs: i * 10_000, windowEndMs: (i + 1) * 10_000, sizeMs: 10_000, messages: 16, chatters: 5,
      firstTimeChatters: 0, emoteOnlyMessages: 0, shortMessages: 0, bits: 0, topEmotes: [], early: false,
    });
    const out = Array.from({ length: 30 }, (_, i) => hypeOp.process(rate(i)).flatMap((s) => ads.process(s)));
    // Buckets 18-23 are the first warmed-up minute: the window starts at 240 s.
    assert.deepEqual(out.flatMap((w, i) => (w.length ? [i] : [])), [23]);
    assert.deepEqual(out[23], [{
      channel: 'chan', roomId: '1', startMs: 240_000, endMs: 300_000, score: 0.5, ratePerMin: 96, baselineRatePerMin: 96,
      reason: 'calm but attended: 96/min for 60 s against a 96/min baseline, no hype so far', cancelledAtMs: null,
    }]);
  });
});
