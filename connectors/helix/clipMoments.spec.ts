import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { clipLabels, clipMoment, formatClipLabels, mergeMoments } from './clipMoments.ts';

const T = (iso: string) => Date.parse(iso);

describe('clipMoment', () => {
  it('places a clip on its VOD: VOD start + vod_offset, lasting the duration (tenths of seconds kept)', () => {
    // VOD created 18:00:00, offset 3,600 s → 19:00:00; 12.9 s long → 19:00:12.900.
    assert.deepEqual(
      clipMoment({ createdAtMs: T('2024-05-06T19:00:40Z'), durationSeconds: 12.9, vodOffsetSeconds: 3600 }, T('2024-05-06T18:00:00Z')),
      { startMs: T('2024-05-06T19:00:00Z'), endMs: T('2024-05-06T19:00:12.900Z'), from: 'vod' },
    );
  });

  it('without vod_offset, ends at created_at and lasts the duration', () => {
    assert.deepEqual(
      clipMoment({ createdAtMs: T('2024-05-06T21:30:00Z'), durationSeconds: 20, vodOffsetSeconds: null }, T('2024-05-06T18:00:00Z')),
      { startMs: T('2024-05-06T21:29:40Z'), endMs: T('2024-05-06T21:30:00Z'), from: 'created_at' },
    );
  });

  it('with an offset but the VOD gone (Get Videos did not return it), ends at created_at too', () => {
    assert.deepEqual(
      clipMoment({ createdAtMs: T('2024-05-07T20:10:00Z'), durationSeconds: 28, vodOffsetSeconds: 5000 }, undefined),
      { startMs: T('2024-05-07T20:09:32Z'), endMs: T('2024-05-07T20:10:00Z'), from: 'created_at' },
    );
  });

  it('an offset of 0 is the VOD\'s first second, not a missing offset', () => {
    assert.deepEqual(clipMoment({ createdAtMs: 99_000, durationSeconds: 5, vodOffsetSeconds: 0 }, 1_000), { startMs: 1_000, endMs: 6_000, from: 'vod' });
  });
});

describe('mergeMoments', () => {
  it('returns nothing for no moments, and one moment as it is', () => {
    assert.deepEqual(mergeMoments([]), []);
    assert.deepEqual(mergeMoments([{ startMs: 10, endMs: 20, views: 3, title: 'one' }]), [{ startMs: 10, endMs: 20, views: 3, clips: 1, title: 'one' }]);
  });

  it('merges overlapping moments whatever their order: span, views summed, clips counted, most viewed title', () => {
    // [0,30] and [15,40.5] overlap → [0,40.5]; [100,130] stands alone; [110,120] lies inside it.
    const merged = mergeMoments([
      { startMs: 100_000, endMs: 130_000, views: 50, title: 'c' },
      { startMs: 15_000, endMs: 40_500, views: 300, title: 'b' },
      { startMs: 110_000, endMs: 120_000, views: 40, title: 'd' },
      { startMs: 0, endMs: 30_000, views: 1_200, title: 'a' },
    ]);
    assert.deepEqual(merged, [
      { startMs: 0, endMs: 40_500, views: 1_500, clips: 2, title: 'a' },
      { startMs: 100_000, endMs: 130_000, views: 90, clips: 2, title: 'c' },
    ]);
  });

  it('merges moments that only touch (closed intervals), and chains: a-b and b-c make one', () => {
    assert.deepEqual(mergeMoments([
      { startMs: 0, endMs: 10, views: 1, title: 'a' },
      { startMs: 10, endMs: 20, views: 1, title: 'b' },
      { startMs: 19, endMs: 30, views: 5, title: 'c' },
      { startMs: 31, endMs: 40, views: 1, title: 'd' },
    ]), [
      { startMs: 0, endMs: 30, views: 7, clips: 3, title: 'c' },
      { startMs: 31, endMs: 40, views: 1, clips: 1, title: 'd' },
    ]);
  });
});

describe('clipLabels', () => {
  const merged = [
    { startMs: 100, endMs: 200, views: 90, clips: 2, title: 'c' },
    { startMs: 0, endMs: 40, views: 1_500, clips: 2, title: 'a' },
    { startMs: 500, endMs: 545, views: 9, clips: 1, title: 'e' },
  ];

  it('keeps merged moments with at least --min-views views (the bound included), sorted by start', () => {
    const labels = clipLabels('chewiemelodies', merged, 90);
    assert.deepEqual(labels.highlights, [[0, 40], [100, 200]]);
    assert.deepEqual(labels.moments.map((m) => m.title), ['a', 'c']);
    assert.deepEqual(clipLabels('chewiemelodies', merged).highlights, [[0, 40], [100, 200], [500, 545]]);
    assert.deepEqual(clipLabels('chewiemelodies', merged, 1_501).highlights, []);
  });

  it('refuses a negative or fractional --min-views', () => {
    assert.throws(() => clipLabels('x', merged, -1), ConfigError);
    assert.throws(() => clipLabels('x', merged, 1.5), ConfigError);
  });

  it('writes the labels file as a JSON array that parses back to the same entries', () => {
    const labels = [clipLabels('chewiemelodies', merged, 10)];
    const text = formatClipLabels(labels);
    assert.deepEqual(JSON.parse(text), [{
      channel: 'chewiemelodies',
      highlights: [[0, 40], [100, 200]],
      moments: [{ startMs: 0, endMs: 40, views: 1_500, clips: 2, title: 'a' }, { startMs: 100, endMs: 200, views: 90, clips: 2, title: 'c' }],
    }]);
    assert.deepEqual(JSON.parse(formatClipLabels([])), []);
  });
});
