import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonErrorAt } from './jsonPosition.ts';

describe('jsonErrorAt', () => {
  it('agrees with JSON.parse on what is valid', () => {
    const texts = ['[]', '{}', ' [1, -0.5, 2E-3, true, false, null, "s\\u0041\\n"] ', '{"a":{"b":[{}]}}', '', ' ', '[1,]', '{"a":1,}', '{"a" 1}', 'tru', '["\\q"]', '[-01]', '{"a":1}x', '[1 2]', '"\u0001"', '[[[[]]]'];
    for (const text of texts) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      assert.equal(jsonErrorAt(text) === null, valid, JSON.stringify(text));
    }
  });

  it('names the line and column of the first error', () => {
    assert.deepEqual(jsonErrorAt('[1,\n2,,3]'), { line: 2, column: 3 });
    assert.deepEqual(jsonErrorAt('[\n  {"a": 1},\n  {"b": 2 "c": 3}\n]'), { line: 3, column: 11 });
    assert.deepEqual(jsonErrorAt('[{"a":1},\n{"b":2\n'), { line: 3, column: 1 });
  });

  it('handles deep nesting without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.equal(jsonErrorAt(deep), null);
    assert.deepEqual(jsonErrorAt('['.repeat(100_000)), { line: 1, column: 100_001 });
  });
});
