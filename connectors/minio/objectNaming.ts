import { ArchiveObjectError } from '../../core/errors.ts';

/** Where one archive object sits and which Kafka records it holds. */
export interface ArchiveObjectRef {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first record the object covers. */
  readonly firstOffset: number;
  /** Offset of the last record the object covers (inclusive). */
  readonly lastOffset: number;
  /** Kafka timestamp of the record at `firstOffset`, epoch ms: picks `date=` and `hour=`. */
  readonly firstTimestampMs: number;
}

/** What an archive object's name says, read back by {@link parseArchiveObjectName}. */
export interface ParsedArchiveObjectName {
  readonly name: string;
  readonly topic: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly date: string;
  /** `HH`, UTC. */
  readonly hour: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

const HOUR_MS = 3_600_000;

/** The UTC hour (hours since the epoch) a Kafka timestamp falls in; -1 (no timestamp) counts as 0. */
export function hourOf(timestampMs: number): number {
  return Math.floor(Math.max(0, timestampMs) / HOUR_MS);
}

/**
 * The folder of one topic partition's objects for the UTC hour of `timestampMs`:
 * `<topic>/date=YYYY-MM-DD/hour=HH/partition=P/`.
 *
 * @example partitionPrefix('twitch.chat.messages', Date.UTC(2024, 0, 2, 3), 4)
 *   // 'twitch.chat.messages/date=2024-01-02/hour=03/partition=4/'
 */
export function partitionPrefix(topic: string, timestampMs: number, partition: number): string {
  const iso = new Date(hourOf(timestampMs) * HOUR_MS).toISOString();
  return `${topic}/date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/partition=${partition}/`;
}

/**
 * The object name (key in the bucket) of an archive object:
 * `<topic>/date=YYYY-MM-DD/hour=HH/partition=P/<firstOffset>-<lastOffset>.parquet`.
 *
 * It depends only on the records it covers, so archiving the same offsets again gives the same
 * name. Offsets are written without padding, as Kafka prints them; readers sort numerically.
 *
 * @throws ArchiveObjectError when the offsets are not a non-empty range of non-negative integers.
 */
export function archiveObjectName(ref: ArchiveObjectRef): string {
  const { firstOffset, lastOffset } = ref;
  if (!Number.isSafeInteger(firstOffset) || !Number.isSafeInteger(lastOffset) || firstOffset < 0 || lastOffset < firstOffset) {
    throw new ArchiveObjectError(ref.topic, `offsets must satisfy 0 <= first <= last, got ${firstOffset}-${lastOffset}`);
  }
  return `${partitionPrefix(ref.topic, ref.firstTimestampMs, ref.partition)}${firstOffset}-${lastOffset}.parquet`;
}

const NAME = /^(.+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/partition=(\d+)\/(\d+)-(\d+)\.parquet$/;

/**
 * Reads topic, date, hour, partition and offsets back from an object name (with or without a
 * leading `<bucket>/`: the topic is whatever precedes `/date=`, so pass names relative to the bucket).
 *
 * @throws ArchiveObjectError when the name is not an archive object's.
 */
export function parseArchiveObjectName(name: string): ParsedArchiveObjectName {
  const m = NAME.exec(name);
  if (!m) throw new ArchiveObjectError(name, 'name is not <topic>/date=YYYY-MM-DD/hour=HH/partition=P/<first>-<last>.parquet');
  const firstOffset = Number(m[5]);
  const lastOffset = Number(m[6]);
  if (!Number.isSafeInteger(lastOffset) || lastOffset < firstOffset) throw new ArchiveObjectError(name, 'last offset is before first offset');
  return { name, topic: m[1]!, date: m[2]!, hour: m[3]!, partition: Number(m[4]), firstOffset, lastOffset };
}

/** Orders archive objects by partition, then first offset: the order to read them back in. */
export function compareArchiveObjects(a: ParsedArchiveObjectName, b: ParsedArchiveObjectName): number {
  return a.topic === b.topic ? a.partition - b.partition || a.firstOffset - b.firstOffset : a.topic < b.topic ? -1 : 1;
}
