import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingCommit } from './pendingCommit.ts';
import { decodeState } from './stateCodec.ts';
import type { TaskCheckpoint } from './tasks.ts';

/** A task whose state is one counter, checkpointed as it is when asked. */
function counter() {
  const task = { count: 0, checkpoint: (position: number): TaskCheckpoint => ({ position, low: null, streamTime: 0, snapshots: { count: task.count } }) };
  return task;
}

const value = (s: string) => Buffer.from(s);

describe('pending commit', () => {
  it('is empty with nothing added, and take gives null', () => {
    const pending = new PendingCommit();
    assert.equal(pending.empty, true);
    assert.equal(pending.take('cp'), null);
  });

  it('takes results in order, one checkpoint and one offset per task at its latest position', () => {
    const pending = new PendingCommit();
    const a = counter();
    pending.add('rates', 'k1', value('r1'));
    pending.advance('in:0', a, 'in', 0, 10, 10);
    pending.add('rates', 'k2', value('r2'));
    pending.add('dlq', '', value('bad'), true);
    pending.advance('in:0', a, 'in', 0, 25, 15);
    pending.advance('in:3', counter(), 'in', 3, 7, 7);
    assert.equal(pending.records, 32);
    const work = pending.take('cp')!;
    assert.deepEqual(work.topicMessages.map((t) => [t.topic, t.messages.map((m) => m.key)]), [['rates', ['k1', 'k2']], ['dlq', ['']]]);
    assert.deepEqual([work.checkpoints.topic, work.checkpoints.messages.map((m) => m.key)], ['cp', ['in:0', 'in:3']]);
    assert.deepEqual(work.offsets, [{ topic: 'in', partitions: [{ partition: 0, offset: '25' }, { partition: 3, offset: '7' }] }]);
    assert.equal(work.outputs, 2);
    assert.equal(work.deadLetters, 1);
    assert.equal(decodeState<TaskCheckpoint>(work.checkpoints.messages[0]!.value.toString()).position, 25);
    assert.equal(pending.empty, true);
    assert.equal(pending.records, 0);
  });

  it('snapshots a checkpoint when taken, not when the task changes later', () => {
    const pending = new PendingCommit();
    const a = counter();
    a.count = 1;
    pending.advance('in:0', a, 'in', 0, 1, 1);
    const work = pending.take('cp')!;
    a.count = 2;
    assert.deepEqual(decodeState<TaskCheckpoint>(work.checkpoints.messages[0]!.value.toString()).snapshots, { count: 1 });
  });

  it('clear drops results and positions', () => {
    const pending = new PendingCommit();
    pending.add('rates', 'k', value('r'));
    pending.advance('in:0', counter(), 'in', 0, 1, 1);
    pending.clear();
    assert.equal(pending.take('cp'), null);
  });
});
