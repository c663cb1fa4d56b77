import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { isLate, parseDurationMs, tumblingWindows, windowStartOf } from './windows.ts';

describe('tumbling windows', () => {
  it('validates size and grace, naming the field and bound', () => {
    assert.throws(() => tumblingWindows({ sizeMs: 10_000, graceMs: -5 }), (e: unknown) => e instanceof ConfigError && e.message === 'grace must be >= 0 ms, got -5');
    assert.throws(() => tumblingWindows({ sizeMs: 0 }), (e: unknown) => e instanceof ConfigError && /^size must be/.test(e.message));
    assert.ok(Object.isFrozen(tumblingWindows({ sizeMs: 1 })));
  });

  it('aligns windows to the epoch, [start, start + size)', () => {
    const rows: Array<{ ts: number; sizeMs: number; start: number }> = [
      { ts: 0, sizeMs: 10_000, start: 0 },
      { ts: 9_999, sizeMs: 10_000, start: 0 },
      { ts: 10_000, sizeMs: 10_000, start: 10_000 },
      { ts: 1_700_000_012_345, sizeMs: 60_000, start: 1_699_999_980_000 },
      { ts: -1, sizeMs: 10_000, start: -10_000 },
    ];
    for (const r of rows) assert.equal(windowStartOf(r.ts, r.sizeMs), r.start, JSON.stringify(r));
  });

  it('calls a record late once stream time reaches its window end + grace', () => {
    const w = tumblingWindows({ sizeMs: 10_000, graceMs: 5_000 });
    const rows: Array<{ ts: number; streamTime: number; late: boolean }> = [
      { ts: 9_000, streamTime: 14_999, late: false },
      { ts: 9_000, streamTime: 15_000, late: true },
      { ts: 10_000, streamTime: 15_000, late: false },
    ];
    for (const r of rows) assert.equal(isLate(r.ts, r.streamTime, w), r.late, JSON.stringify(r));
  });

  it('parses durations with units', () => {
    assert.deepEqual(['60s', '10s', '1m', '500ms', '1500', '1.5s', '1h'].map((t) => parseDurationMs(t, 'window')), [60_000, 10_000, 60_000, 500, 1_500, 1_500, 3_600_000]);
    assert.throws(() => parseDurationMs('soon', 'window'), ConfigError);
  });
});
