import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, CorruptPayloadError, UnavailableError } from './errors.ts';
import { createLogger } from './log.ts';
import { retryWithBackoff } from './retry.ts';

function virtualTime() {
  let now = 0;
  const waits: number[] = [];
  return { now: () => now, waits, sleep: async (ms: number) => { waits.push(ms); now += ms; } };
}

function captured() {
  const lines: Array<{ level: string; msg: string }> = [];
  return { lines, log: createLogger('test', 'debug', (l) => lines.push(JSON.parse(l) as { level: string; msg: string })) };
}

describe('retryWithBackoff', () => {
  it('returns at once when the first attempt succeeds, without waiting or logging', async () => {
    const t = virtualTime();
    const { lines, log } = captured();
    assert.equal(await retryWithBackoff(async () => 7, { what: 'x', log, ...t }), 7);
    assert.deepEqual(t.waits, []);
    assert.deepEqual(lines, []);
  });

  it('retries retriable errors with doubling backoff up to the cap, logs the outage and the recovery', async () => {
    const t = virtualTime();
    const { lines, log } = captured();
    let calls = 0;
    const result = await retryWithBackoff(async () => {
      if (++calls <= 6) throw new UnavailableError('minio', 'connection refused');
      return 'done';
    }, { what: 'upload', log, initialBackoffMs: 100, maxBackoffMs: 1_000, ...t });
    assert.equal(result, 'done');
    assert.equal(calls, 7);
    assert.deepEqual(t.waits, [100, 200, 400, 800, 1_000, 1_000]);
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['warn', 'upload failed; retrying with backoff'], ['info', 'upload succeeded again']]);
  });

  it('throws a non-retriable error at once', async () => {
    const t = virtualTime();
    const { log } = captured();
    await assert.rejects(retryWithBackoff(async () => { throw new CorruptPayloadError(1, new Error('bad')); }, { what: 'x', log, ...t }), CorruptPayloadError);
    await assert.rejects(retryWithBackoff(async () => { throw new Error('plain'); }, { what: 'x', log, ...t }), /plain/);
    assert.deepEqual(t.waits, []);
  });

  it('stops when beforeWait throws (the consumer lost its partitions)', async () => {
    const t = virtualTime();
    const { log } = captured();
    let heartbeats = 0;
    await assert.rejects(retryWithBackoff(async () => { throw new UnavailableError('minio', 'down'); }, {
      what: 'x', log, ...t,
      beforeWait: async () => { if (++heartbeats === 3) throw new Error('rebalancing'); },
    }), /rebalancing/);
    assert.equal(t.waits.length, 2);
  });

  it('refuses backoff settings out of bounds', async () => {
    const { log } = captured();
    await assert.rejects(retryWithBackoff(async () => 1, { what: 'x', log, initialBackoffMs: 0 }), ConfigError);
    await assert.rejects(retryWithBackoff(async () => 1, { what: 'x', log, initialBackoffMs: 10, maxBackoffMs: 5 }), ConfigError);
  });
});
