import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import type { ChatRate } from './chatRate.ts';
import { HypeOperator, hypeSettings, hypeStartOf, type Hype, type HypeBucket, type HypeSignal } from './hype.ts';

// A 10 s bucket with `messages` messages at bucket index i.
const bucket = (i: number, messages: number, emotes: ChatRate['topEmotes'] = []): ChatRate => ({
  channel: 'chan', roomId: '1', windowStartMs: i * 10_000, windowEndMs: (i + 1) * 10_000, sizeMs: 10_000,
  messages, chatters: messages, firstTimeChatters: 0, emoteOnlyMessages: 0, bits: 0, topEmotes: emotes, early: false,
});
const hypes = (signals: HypeSignal[]) => signals.filter((s): s is { type: 'hype'; hype: Hype } => s.type === 'hype').map((s) => s.hype);

function run(counts: number[]): { signals: HypeSignal[]; hypes: Hype[] } {
  const op = new HypeOperator();
  const signals = counts.flatMap((n, i) => op.process(bucket(i, n, n > 50 ? [{ id: 'PogChamp', count: n }] : [])));
  signals.push(...op.flush());
  return { signals, hypes: hypes(signals) };
}

describe('HypeOperator', () => {
  it('emits nothing for empty input and no hype for steady chat', () => {
    assert.deepEqual(new HypeOperator().flush(), []);
    assert.deepEqual(run([10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9]).hypes, []);
  });

  it('calls one hype for a spike with a dip inside it (hysteresis), with begin, peak, end and emotes', () => {
    const { hypes: found } = run([10, 10, 10, 10, 10, 10, 10, 10, 80, 120, 15, 90, 10, 10, 10, 10]);
    assert.equal(found.length, 1);
    const h = found[0]!;
    assert.deepEqual([h.beginMs, h.peakMs, h.endMs], [80_000, 90_000, 120_000]);
    assert.equal(h.peakRatePerMin, 720);
    assert.equal(h.baselineRatePerMin, 60);
    assert.equal(h.messages, 80 + 120 + 15 + 90, 'messages from begin to the last bucket above the exit threshold');
    assert.equal(h.topEmotes[0]!.id, 'PogChamp');
    assert.ok(h.intensity > 3);
  });

  it('announces each hype start at the bucket that begins it, long before the hype ends', () => {
    const { signals, hypes: found } = run([10, 10, 10, 10, 10, 10, 10, 10, 80, 120, 15, 90, 10, 10, 10, 10, 10, 10, 90, 100, 10, 10, 10]);
    const buckets = signals.filter((s): s is HypeBucket => s.type === 'bucket');
    const starts = buckets.map(hypeStartOf).filter((s) => s !== null);
    assert.equal(found.length, 2);
    assert.deepEqual(starts.map((s) => s.beginMs), found.map((h) => h.beginMs));
    assert.deepEqual(starts[0], { channel: 'chan', roomId: '1', beginMs: 80_000, messages: 80, ratePerMin: 480, baselineRatePerMin: 60, zScore: 28 });
    // The start comes with its own bucket; the hype only once the rate has stayed below the exit threshold.
    const startAt = signals.findIndex((s) => s.type === 'bucket' && s.beginsHype);
    const hypeAt = signals.findIndex((s) => s.type === 'hype');
    assert.equal((signals[startAt] as HypeBucket).windowStartMs, 80_000);
    assert.ok(hypeAt > startAt + 3, 'the hype record follows several buckets later');
    assert.equal(buckets.filter((b) => b.beginsHype).length, 2, 'one start per hype, none for the buckets inside it');
  });

  it('does not call hype before the baseline has warmed up', () => {
    assert.deepEqual(run([10, 200, 10, 10]).hypes, []);
  });

  it('counts missing buckets as silence and flushes a hype still running at completion', () => {
    const op = new HypeOperator();
    const signals = [bucket(0, 10), bucket(1, 10), bucket(2, 10), bucket(3, 10), bucket(4, 10), bucket(5, 10), bucket(6, 10), bucket(9, 100)].flatMap((b) => op.process(b));
    assert.deepEqual(signals.filter((s) => s.type === 'bucket').map((s) => (s as { ratePerMin: number }).ratePerMin), [60, 60, 60, 60, 60, 60, 60, 0, 0, 600]);
    const [h] = hypes(op.flush());
    assert.deepEqual([h!.beginMs, h!.endMs], [90_000, 100_000]);
  });

  it('validates its settings', () => {
    assert.throws(() => hypeSettings({ enterZ: 1, exitZ: 2 }), ConfigError);
    assert.throws(() => hypeSettings({ alpha: 0 }), ConfigError);
  });
});
