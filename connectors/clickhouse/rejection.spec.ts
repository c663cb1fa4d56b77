import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClickHouseError } from '@clickhouse/client';
import { clickHouseCode, clickHouseErrorLine, isDataRejection } from './rejection.ts';

// What @clickhouse/client throws for a current server's error: the code is a field, not text.
function clientError(code: string, type: string): ClickHouseError {
  return new ClickHouseError({ message: 'Cannot parse input: expected \'"\' before: \'Alice"}\'', code, type });
}

describe('ClickHouse error classification', () => {
  it('reads the code from 18.16 and from current server messages', () => {
    assert.equal(clickHouseCode(new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input')), 27);
    assert.equal(clickHouseCode(new Error('Code: 60. DB::Exception: Table x doesn\'t exist. (UNKNOWN_TABLE)')), 60);
    assert.equal(clickHouseCode(new Error('connect ECONNREFUSED 127.0.0.1:8123')), undefined);
    assert.equal(clickHouseCode('not an error'), undefined);
  });

  it('reads the code @clickhouse/client parsed out of a current server\'s answer', () => {
    assert.equal(clickHouseCode(clientError('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED')), 27);
    assert.equal(isDataRejection(clientError('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED')), true);
    assert.equal(isDataRejection(clientError('241', 'MEMORY_LIMIT_EXCEEDED')), false);
  });

  it('leads the first line of an error with its code', () => {
    assert.equal(clickHouseErrorLine(clientError('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED')), 'Code: 27 (CANNOT_PARSE_INPUT_ASSERTION_FAILED). Cannot parse input: expected \'"\' before: \'Alice"}\'');
    assert.equal(clickHouseErrorLine(new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input\nmore')), 'Code: 27, e.displayText() = DB::Exception: Cannot parse input');
    assert.equal(clickHouseErrorLine(new Error('connect ECONNREFUSED 127.0.0.1:8123')), 'connect ECONNREFUSED 127.0.0.1:8123');
  });

  it('treats parse and type errors as the rows\' fault, everything else as retriable', () => {
    assert.equal(isDataRejection(new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input')), true);
    assert.equal(isDataRejection(new Error('Code: 53. DB::Exception: Type mismatch')), true);
    assert.equal(isDataRejection(new Error('Code: 241, e.displayText() = DB::Exception: Memory limit exceeded')), false);
    assert.equal(isDataRejection(new Error('Code: 60. DB::Exception: Table x doesn\'t exist')), false);
    assert.equal(isDataRejection(new Error('Timeout error.')), false);
  });
});
