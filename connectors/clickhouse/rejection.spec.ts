import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clickHouseCode, isDataRejection } from './rejection.ts';

describe('ClickHouse error classification', () => {
  it('reads the code from 18.16 and from current server messages', () => {
    assert.equal(clickHouseCode(new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input')), 27);
    assert.equal(clickHouseCode(new Error('Code: 60. DB::Exception: Table x doesn\'t exist. (UNKNOWN_TABLE)')), 60);
    assert.equal(clickHouseCode(new Error('connect ECONNREFUSED 127.0.0.1:8123')), undefined);
    assert.equal(clickHouseCode('not an error'), undefined);
  });

  it('treats parse and type errors as the rows\' fault, everything else as retriable', () => {
    assert.equal(isDataRejection(new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input')), true);
    assert.equal(isDataRejection(new Error('Code: 53. DB::Exception: Type mismatch')), true);
    assert.equal(isDataRejection(new Error('Code: 241, e.displayText() = DB::Exception: Memory limit exceeded')), false);
    assert.equal(isDataRejection(new Error('Code: 60. DB::Exception: Table x doesn\'t exist')), false);
    assert.equal(isDataRejection(new Error('Timeout error.')), false);
  });
});
