import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArchiveObjectError } from '../../core/errors.ts';
import { archiveObjectName, compareArchiveObjects, hourOf, parseArchiveObjectName, partitionPrefix } from './objectNaming.ts';

const ref = (firstOffset: number, lastOffset: number, firstTimestampMs: number, partition = 3) =>
  ({ topic: 'twitch.chat.messages', partition, firstOffset, lastOffset, firstTimestampMs });

describe('archive object names', () => {
  it('put date and hour in UTC from the first record timestamp, then partition and offsets', () => {
    assert.equal(archiveObjectName(ref(0, 999, Date.UTC(2024, 0, 2, 3, 59, 59, 999))),
      'twitch.chat.messages/date=2024-01-02/hour=03/partition=3/0-999.parquet');
  });

  it('change hour exactly at the boundary, and day at midnight UTC', () => {
    assert.match(archiveObjectName(ref(5, 5, Date.UTC(2024, 0, 2, 4))), /date=2024-01-02\/hour=04\//);
    assert.match(archiveObjectName(ref(5, 5, Date.UTC(2024, 0, 2, 23, 59, 59, 999))), /date=2024-01-02\/hour=23\//);
    assert.match(archiveObjectName(ref(5, 5, Date.UTC(2024, 0, 3))), /date=2024-01-03\/hour=00\//);
    assert.match(archiveObjectName(ref(5, 5, Date.UTC(2024, 1, 29, 12))), /date=2024-02-29\/hour=12\//);
  });

  it('are the same for the same records, whatever else is going on', () => {
    const a = archiveObjectName(ref(100, 250, 1_700_000_123_456));
    const b = archiveObjectName(ref(100, 250, 1_700_000_123_456));
    assert.equal(a, b);
    assert.notEqual(a, archiveObjectName(ref(100, 251, 1_700_000_123_456)));
  });

  it('file a record without a timestamp (-1) under the epoch', () => {
    assert.equal(hourOf(-1), 0);
    assert.equal(partitionPrefix('t', -1, 0), 't/date=1970-01-01/hour=00/partition=0/');
  });

  it('refuse empty or negative ranges', () => {
    assert.throws(() => archiveObjectName(ref(10, 9, 0)), ArchiveObjectError);
    assert.throws(() => archiveObjectName(ref(-1, 9, 0)), ArchiveObjectError);
    assert.throws(() => archiveObjectName(ref(1.5, 9, 0)), ArchiveObjectError);
  });

  it('parse back to what they were built from; topics may contain dots, dashes and slashes', () => {
    const name = archiveObjectName({ topic: 'it-archive-x.chat/messages', partition: 12, firstOffset: 7, lastOffset: 70_000_000_000, firstTimestampMs: Date.UTC(2030, 11, 31, 23) });
    assert.deepEqual(parseArchiveObjectName(name), {
      name, topic: 'it-archive-x.chat/messages', date: '2030-12-31', hour: '23', partition: 12, firstOffset: 7, lastOffset: 70_000_000_000,
    });
  });

  it('refuse to parse what is not an archive object', () => {
    for (const bad of ['t/date=2024-01-01/hour=00/partition=0/5-4.parquet', 't/date=2024-01-01/hour=00/partition=0/5.parquet',
      't/date=2024-01-01/partition=0/1-2.parquet', 't/date=2024-01-01/hour=00/partition=0/1-2.parquet.tmp', '']) {
      assert.throws(() => parseArchiveObjectName(bad), ArchiveObjectError, bad);
    }
  });

  it('sort by partition then numeric first offset, not by text', () => {
    const names = ['t/date=2024-01-01/hour=01/partition=1/0-9.parquet', 't/date=2024-01-01/hour=00/partition=0/100-199.parquet',
      't/date=2024-01-01/hour=00/partition=0/20-99.parquet', 't/date=2024-01-01/hour=00/partition=0/0-19.parquet'];
    assert.deepEqual(names.map(parseArchiveObjectName).sort(compareArchiveObjects).map((o) => `${o.partition}:${o.firstOffset}`),
      ['0:0', '0:20', '0:100', '1:0']);
  });
});
