import { ConfigError } from '../../core/errors.ts';
import { hourOf } from './objectNaming.ts';

/** When an open archive object is closed and uploaded. Immutable; build with {@link rollPolicy}. */
export interface RollPolicy {
  /** Most records in one object. */
  readonly maxRecords: number;
  /** Most input bytes (Avro values plus keys, as read from Kafka) in one object. */
  readonly maxBytes: number;
  /** Longest an object stays open after its first record arrived, ms (wall clock). */
  readonly maxWaitMs: number;
}

/** Defaults: 100,000 records, 16 MiB of Avro, 5 minutes. */
export const DEFAULT_ROLL_POLICY: RollPolicy = Object.freeze({ maxRecords: 100_000, maxBytes: 16 * 1024 * 1024, maxWaitMs: 300_000 });

/**
 * A validated roll policy; unset fields take {@link DEFAULT_ROLL_POLICY}'s values.
 * @throws ConfigError naming the field and its bound.
 */
export function rollPolicy(options: Partial<RollPolicy> = {}): RollPolicy {
  const policy = {
    maxRecords: options.maxRecords ?? DEFAULT_ROLL_POLICY.maxRecords,
    maxBytes: options.maxBytes ?? DEFAULT_ROLL_POLICY.maxBytes,
    maxWaitMs: options.maxWaitMs ?? DEFAULT_ROLL_POLICY.maxWaitMs,
  };
  if (!Number.isSafeInteger(policy.maxRecords) || policy.maxRecords < 1) throw new ConfigError('maxRecords', `must be an integer >= 1, got ${policy.maxRecords}`);
  if (!Number.isSafeInteger(policy.maxBytes) || policy.maxBytes < 1) throw new ConfigError('maxBytes', `must be an integer >= 1, got ${policy.maxBytes}`);
  if (!Number.isFinite(policy.maxWaitMs) || policy.maxWaitMs < 1) throw new ConfigError('maxWaitMs', `must be >= 1 ms, got ${policy.maxWaitMs}`);
  return Object.freeze(policy);
}

/** What a roll decision needs to know about the open object. */
export interface OpenObjectStats {
  readonly firstOffset: number;
  readonly firstTimestampMs: number;
  /** Writer schema id of the object's rows; null while it holds only dead-lettered records. */
  readonly schemaId: number | null;
  readonly records: number;
  readonly bytes: number;
  /** Wall-clock ms when the first record was added. */
  readonly openedAtMs: number;
  /** An object already in the archive starts at this offset: this one must end before it. */
  readonly endBeforeOffset: number | null;
}

/** The next record, as far as a roll decision is concerned. */
export interface NextRecord {
  readonly offset: number;
  readonly timestampMs: number;
  /** Null for a record that will be dead-lettered (it has no usable schema). */
  readonly schemaId: number | null;
}

/** Why an object was closed. */
export type RollReason = 'hour' | 'schema' | 'boundary' | 'records' | 'bytes' | 'time';

/**
 * Must the open object be closed before `next` is added? For `hour` (the next record falls in
 * another UTC hour, so it belongs in another folder), `schema` (another writer schema: one
 * Parquet schema per object), `boundary` (an archived object starts at or before its offset).
 */
export function rollBefore(open: OpenObjectStats, next: NextRecord): RollReason | null {
  if (hourOf(next.timestampMs) !== hourOf(open.firstTimestampMs)) return 'hour';
  if (next.schemaId !== null && open.schemaId !== null && next.schemaId !== open.schemaId) return 'schema';
  if (open.endBeforeOffset !== null && next.offset >= open.endBeforeOffset) return 'boundary';
  return null;
}

/** Is the object full after its latest record? `records` or `bytes`. */
export function rollAfter(open: OpenObjectStats, policy: RollPolicy): RollReason | null {
  if (open.records >= policy.maxRecords) return 'records';
  if (open.bytes >= policy.maxBytes) return 'bytes';
  return null;
}

/** Has the object been open for `maxWaitMs` at `nowMs`? */
export function rollDue(open: OpenObjectStats, policy: RollPolicy, nowMs: number): RollReason | null {
  return nowMs - open.openedAtMs >= policy.maxWaitMs ? 'time' : null;
}
