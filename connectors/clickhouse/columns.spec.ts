import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowRejectedError } from '../../core/errors.ts';
import { dateTimeSeconds, finite, flag, uint32, uint64 } from './columns.ts';

describe('column checks', () => {
  it('turns epoch milliseconds into DateTime seconds inside 1970..2106 only', () => {
    assert.equal(dateTimeSeconds('t', 'f', 0), 0);
    assert.equal(dateTimeSeconds('t', 'f', 1_700_000_000_999), 1_700_000_000);
    assert.equal(dateTimeSeconds('t', 'f', 4_294_967_295_000), 4_294_967_295);
    for (const bad of [-1, 4_294_967_296_000, Number.NaN]) {
      assert.throws(() => dateTimeSeconds('chat_messages', 'eventTimeMs', bad), (e: unknown) => e instanceof RowRejectedError && e.context.table === 'chat_messages' && e.context.field === 'eventTimeMs');
    }
  });

  it('keeps UInt32 values in range, null as 0, and refuses the rest', () => {
    assert.equal(uint32('t', 'f', null), 0);
    assert.equal(uint32('t', 'f', 4_294_967_295), 4_294_967_295);
    for (const bad of [-1, 1.5, 4_294_967_296]) assert.throws(() => uint32('t', 'f', bad), RowRejectedError);
  });

  it('refuses negative or unsafe UInt64 values', () => {
    assert.equal(uint64('t', 'f', 2 ** 40), 2 ** 40);
    for (const bad of [-1, 2 ** 60, 0.5]) assert.throws(() => uint64('t', 'f', bad), RowRejectedError);
  });

  it('refuses non-finite floats (JSON would send null, which 18.16 stores as 0)', () => {
    assert.equal(finite('t', 'f', -2.5), -2.5);
    for (const bad of [Number.NaN, Infinity, -Infinity]) assert.throws(() => finite('t', 'f', bad), /not a finite number/);
  });

  it('writes flags as 1 and 0', () => {
    assert.deepEqual([flag(true), flag(false)], [1, 0]);
  });
});
