import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, UnavailableError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { LagProbeLoop, lagRows, probeConsumerLag, type LagAdmin, type LagProbeClock, type LagRow } from './lagProbe.ts';

const ends = new Map([
  ['t', [{ partition: 0, low: '0', high: '100' }, { partition: 1, low: '40', high: '50' }, { partition: 2, low: '5', high: '5' }]],
]);

describe('lagRows', () => {
  it('is empty without groups', () => {
    assert.deepEqual(lagRows(1_000, [], ends), []);
  });

  it('counts from the committed offset, from the first offset where nothing was committed, never below 0', () => {
    const rows = lagRows(1_700_000_000_250, [{ groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0, offset: '60' }, { partition: 1, offset: '-1' }, { partition: 2, offset: '9' }] }] }], ends);
    assert.deepEqual(rows.map((r) => [r.partition, r.committed_offset, r.end_offset, r.lag]), [[0, 60, 100, 40], [1, -1, 50, 10], [2, 9, 5, 0]]);
    assert.ok(rows.every((r) => r.observed_at === 1_700_000_000 && r.observed_at_ms === 1_700_000_000_250 && r.group_id === 'g' && r.topic === 't'));
  });

  it('skips topics that no longer exist and orders rows by group, topic, partition', () => {
    const rows = lagRows(0, [
      { groupId: 'b', topics: [{ topic: 't', partitions: [{ partition: 1, offset: '45' }] }, { topic: 'gone', partitions: [{ partition: 0, offset: '1' }] }] },
      { groupId: 'a', topics: [{ topic: 't', partitions: [] }] },
    ], ends);
    assert.deepEqual(rows.map((r) => `${r.group_id}/${r.topic}/${r.partition}`), ['a/t/0', 'a/t/1', 'a/t/2', 'b/t/0', 'b/t/1', 'b/t/2']);
  });
});

describe('probeConsumerLag', () => {
  const admin = (fail = false): LagAdmin => ({
    listGroups: async () => {
      if (fail) throw new Error('connection refused');
      return { groups: [{ groupId: 'sink', protocolType: 'consumer' }, { groupId: 'connect', protocolType: 'connect' }, { groupId: 'other', protocolType: 'consumer' }] };
    },
    fetchOffsets: (async ({ groupId }: { groupId: string }) => [{ topic: 't', partitions: [{ partition: 0, offset: groupId === 'sink' ? '70' : '10', metadata: null }] }]) as LagAdmin['fetchOffsets'],
    fetchTopicOffsets: (async () => [...ends.get('t')!].map((e) => ({ ...e, offset: e.high }))) as LagAdmin['fetchTopicOffsets'],
  });

  it('probes consumer groups only, those the filter accepts, at the given time', async () => {
    const rows = await probeConsumerLag(admin(), 5_000, (g) => g !== 'other');
    assert.deepEqual(rows.map((r) => [r.group_id, r.partition, r.lag, r.observed_at_ms]), [['sink', 0, 30, 5_000], ['sink', 1, 10, 5_000], ['sink', 2, 0, 5_000]]);
  });

  it('reports an unreachable Kafka as UnavailableError', async () => {
    await assert.rejects(probeConsumerLag(admin(true), 0), UnavailableError);
  });
});

/** Virtual time: timers fire only when the test advances the clock. */
function virtualClock(): LagProbeClock & { advance(ms: number): Promise<void>; pending(): number } {
  let now = 1_000_000;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 0;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.push({ at: now + ms, fn, id: ++next });
      return next;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
    pending: () => timers.length,
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await new Promise((r) => setImmediate(r));
        const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = until;
      await new Promise((r) => setImmediate(r));
    },
  };
}

const row = (observedAtMs: number): LagRow => ({ observed_at: Math.floor(observedAtMs / 1000), observed_at_ms: observedAtMs, group_id: 'g', topic: 't', partition: 0, committed_offset: 1, end_offset: 2, lag: 1 });

describe('LagProbeLoop (virtual time)', () => {
  it('probes at once and then every everyMs after the previous probe, writing the rows stamped with the clock', async () => {
    const clock = virtualClock();
    const written: number[] = [];
    const loop = new LagProbeLoop({ everyMs: 15_000, clock, log: createLogger('test', 'error'), probe: async (at) => [row(at)], write: async (rows) => void written.push(...rows.map((r) => r.observed_at_ms)) });
    loop.start();
    await clock.advance(0);
    assert.deepEqual(written, [1_000_000]);
    await clock.advance(14_999);
    assert.deepEqual(written, [1_000_000]);
    await clock.advance(1);
    await clock.advance(30_000);
    assert.deepEqual(written, [1_000_000, 1_015_000, 1_030_000, 1_045_000]);
    await loop.stop();
    assert.equal(clock.pending(), 0);
    await clock.advance(60_000);
    assert.equal(written.length, 4, 'nothing after stop');
    assert.deepEqual(loop.stats, { probes: 4, failures: 0, rows: 4 });
  });

  it('keeps going after a failed probe or write, and writes nothing for an empty probe', async () => {
    const clock = virtualClock();
    let calls = 0;
    const written: number[] = [];
    const loop = new LagProbeLoop({
      everyMs: 1_000, clock, log: createLogger('test', 'error'),
      probe: async (at) => {
        calls += 1;
        if (calls === 2) throw new UnavailableError('kafka', 'down');
        return calls === 3 ? [] : [row(at)];
      },
      write: async (rows) => {
        if (calls === 4) throw new Error('clickhouse down');
        written.push(...rows.map((r) => r.observed_at_ms));
      },
    });
    loop.start();
    await clock.advance(4_000);
    await loop.stop();
    assert.deepEqual(written, [1_000_000, 1_004_000]);
    assert.deepEqual(loop.stats, { probes: 3, failures: 2, rows: 2 });
  });

  it('refuses a period below 100 ms', () => {
    assert.throws(() => new LagProbeLoop({ everyMs: 0, log: createLogger('test', 'error'), probe: async () => [], write: async () => undefined }), ConfigError);
  });
});
