import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { DEFAULT_ROLL_POLICY, rollAfter, rollBefore, rollDue, rollPolicy, type OpenObjectStats } from './rollPolicy.ts';

const T0 = Date.UTC(2024, 0, 2, 3, 0, 0);
const open = (o: Partial<OpenObjectStats> = {}): OpenObjectStats =>
  ({ firstOffset: 100, firstTimestampMs: T0, schemaId: 7, records: 1, bytes: 200, openedAtMs: 50_000, endBeforeOffset: null, ...o });

describe('roll policy', () => {
  it('has defaults and refuses bounds it cannot use, naming the field', () => {
    assert.deepEqual(rollPolicy(), DEFAULT_ROLL_POLICY);
    assert.equal(rollPolicy({ maxRecords: 10 }).maxRecords, 10);
    assert.throws(() => rollPolicy({ maxRecords: 0 }), (e: unknown) => e instanceof ConfigError && /maxRecords must be an integer >= 1, got 0/.test(e.message));
    assert.throws(() => rollPolicy({ maxBytes: -5 }), /maxBytes/);
    assert.throws(() => rollPolicy({ maxWaitMs: 0 }), /maxWaitMs must be >= 1 ms/);
    assert.throws(() => rollPolicy({ maxWaitMs: Number.NaN }), /maxWaitMs/);
  });

  it('keeps adding records of the same hour, schema and range', () => {
    assert.equal(rollBefore(open(), { offset: 101, timestampMs: T0 + 3_599_999, schemaId: 7 }), null);
  });

  it('rolls exactly when the record time reaches the next UTC hour, and when it goes back to an earlier one', () => {
    assert.equal(rollBefore(open(), { offset: 101, timestampMs: T0 + 3_600_000, schemaId: 7 }), 'hour');
    assert.equal(rollBefore(open(), { offset: 101, timestampMs: T0 - 1, schemaId: 7 }), 'hour');
  });

  it('rolls when the writer schema changes, but not for a dead-lettered record or an object of dead letters only', () => {
    assert.equal(rollBefore(open(), { offset: 101, timestampMs: T0, schemaId: 8 }), 'schema');
    assert.equal(rollBefore(open(), { offset: 101, timestampMs: T0, schemaId: null }), null);
    assert.equal(rollBefore(open({ schemaId: null }), { offset: 101, timestampMs: T0, schemaId: 8 }), null);
  });

  it('rolls before the first offset of an object already archived, not one record later', () => {
    const o = open({ endBeforeOffset: 150 });
    assert.equal(rollBefore(o, { offset: 149, timestampMs: T0, schemaId: 7 }), null);
    assert.equal(rollBefore(o, { offset: 150, timestampMs: T0, schemaId: 7 }), 'boundary');
    // Offsets may skip (transaction markers): the record after the gap is beyond the boundary too.
    assert.equal(rollBefore(o, { offset: 152, timestampMs: T0, schemaId: 7 }), 'boundary');
  });

  it('rolls after the record that reaches max records or max bytes, not before', () => {
    const policy = rollPolicy({ maxRecords: 3, maxBytes: 1_000 });
    assert.equal(rollAfter(open({ records: 2, bytes: 999 }), policy), null);
    assert.equal(rollAfter(open({ records: 3, bytes: 10 }), policy), 'records');
    assert.equal(rollAfter(open({ records: 1, bytes: 1_000 }), policy), 'bytes');
  });

  it('rolls by time once the object has been open max wait ms', () => {
    const policy = rollPolicy({ maxWaitMs: 10_000 });
    assert.equal(rollDue(open(), policy, 59_999), null);
    assert.equal(rollDue(open(), policy, 60_000), 'time');
  });
});
