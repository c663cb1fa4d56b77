import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packTaskInput, TaskInputValues, taskInputTransfer, type TaskInput } from './taskInput.ts';

const taskInputValues = (input: TaskInput) => {
  const values = new TaskInputValues(input);
  return Array.from({ length: values.length }, (_, i) => values.at(i));
};

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

  it('copies the values, so the fetched buffers may be reused, and transfers four buffers', () => {
    const value = Buffer.from('abc');
    const packed = packTaskInput([{ offset: '1', value }], 0);
    value.write('xyz');
    assert.equal(taskInputValues(packed)[0]!.toString(), 'abc');
    assert.equal(new Set(taskInputTransfer(packed)).size, 4);
  });

  it('copies values that lie in shared fetched bytes span by span, framing between them left unread', () => {
    // Two record batches' bytes, values framed by other bytes, as DecodedRecord reports them.
    const batchA = Buffer.from('##one#two##three');
    const batchB = Buffer.from('four!');
    const at = (source: Buffer, offset: number, from: number, length: number) => ({
      offset: String(offset), valueSource: source, valueAt: from, valueLength: length,
      get value() { return length < 0 ? null : source.subarray(from, from + length); },
    });
    const records = [at(batchA, 1, 2, 3), at(batchA, 2, 6, 3), at(batchA, 3, 0, -1), at(batchA, 4, 11, 5), at(batchB, 5, 0, 5), { offset: '6', value: Buffer.from('six') }];
    const packed = packTaskInput(records, 2);
    assert.deepEqual(taskInputValues(packed).map((v) => (v ? v.toString() : null)), ['two', null, 'three', 'four!', 'six']);
    assert.deepEqual([...packed.offsets], [2, 3, 4, 5, 6]);
    assert.equal(packed.bytes.length, '#two##three'.length - 1 + 5 + 3, 'one span per source, from its first value to its last');
  });
});
