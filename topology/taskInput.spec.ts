import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packTaskInput, taskInputValues, taskInputTransfer } from './taskInput.ts';

describe('packTaskInput', () => {
  const records = [
    { offset: '7', value: Buffer.from('seven') },
    { offset: '8', value: null },
    { offset: '9', value: Buffer.alloc(0) },
    { offset: '10', value: Buffer.from('ten!') },
  ];

  it('gives back every value and offset in order, nulls as null, empty values as empty', () => {
    const packed = packTaskInput(records, 0);
    const seen = taskInputValues(packed).map((v, i) => [packed.offsets[i], v ? v.toString() : null]);
    assert.deepEqual(seen, [[7, 'seven'], [8, null], [9, ''], [10, 'ten!']]);
  });

  it('leaves out records before the given offset', () => {
    const packed = packTaskInput(records, 9);
    assert.deepEqual([...packed.offsets], [9, 10]);
    assert.deepEqual(taskInputValues(packed).map(String), ['', 'ten!']);
  });

  it('copies the values, so the fetched buffers may be reused, and transfers three buffers', () => {
    const value = Buffer.from('abc');
    const packed = packTaskInput([{ offset: '1', value }], 0);
    value.write('xyz');
    assert.equal(taskInputValues(packed)[0]!.toString(), 'abc');
    assert.equal(new Set(taskInputTransfer(packed)).size, 3);
  });
});
