import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkpointRecords, checkpointsFromRecords } from './checkpointRecords.ts';
import { encodeState } from './stateCodec.ts';
import type { TaskCheckpoint } from './tasks.ts';

const at = (position: number, hype: Map<string, number>): TaskCheckpoint => ({ position, low: { offset: position - 3, streamTimeBefore: 1_000 }, streamTime: 2_000, snapshots: { hype } });

// The compacted topic keeps the latest value per key.
function compact(records: Array<{ key: string; value: Buffer }>): Map<string, Buffer> {
  return new Map(records.map((r) => [r.key, r.value]));
}

describe('checkpointRecords', () => {
  it('round-trips a checkpoint written with its snapshots', () => {
    const checkpoint = at(10, new Map([['ch', 1]]));
    assert.deepEqual(checkpointsFromRecords(compact(checkpointRecords('t:0', checkpoint, true))).get('t:0'), checkpoint);
  });

  it('writes only the position while the snapshots are unchanged, and reads the latest of both', () => {
    const history = [
      ...checkpointRecords('t:0', at(10, new Map([['ch', 1]])), true),
      ...checkpointRecords('t:1', at(4, new Map([['other', 9]])), true),
      ...checkpointRecords('t:0', at(20, new Map([['ch', 1]])), false),
    ];
    assert.equal(history.length, 5, 'the unchanged snapshots were not written again');
    const restored = checkpointsFromRecords(compact(history));
    assert.deepEqual(restored.get('t:0'), at(20, new Map([['ch', 1]])));
    assert.deepEqual(restored.get('t:1'), at(4, new Map([['other', 9]])));
    assert.equal(restored.size, 2);
  });

  it('reads a checkpoint stored whole by an earlier version', () => {
    const whole = at(7, new Map([['ch', 2]]));
    assert.deepEqual(checkpointsFromRecords(new Map([['t:0', Buffer.from(encodeState(whole))]])).get('t:0'), whole);
  });
});
