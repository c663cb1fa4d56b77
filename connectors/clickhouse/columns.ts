import { RowRejectedError } from '../../core/errors.ts';

// ClickHouse does not refuse these values, it quietly changes them (a UInt32 wraps, a null
// becomes 0 on 18.16, a DateTime before 1970 wraps), so the sink checks them before insert.

const MAX_UINT32 = 0xffff_ffff;

/** Seconds for a `DateTime` column from epoch milliseconds. @throws RowRejectedError outside 1970..2106. */
export function dateTimeSeconds(table: string, field: string, epochMs: number): number {
  const seconds = Math.floor(epochMs / 1000);
  if (!Number.isFinite(epochMs) || seconds < 0 || seconds > MAX_UINT32) {
    throw new RowRejectedError(table, `${field} ${epochMs} ms is outside DateTime's range (1970-01-01..2106-02-07)`, { field });
  }
  return seconds;
}

/** A `UInt32` column's value; null becomes 0. @throws RowRejectedError when negative, fractional or too big. */
export function uint32(table: string, field: string, value: number | null): number {
  if (value === null) return 0;
  if (!Number.isInteger(value) || value < 0 || value > MAX_UINT32) {
    throw new RowRejectedError(table, `${field} ${value} does not fit UInt32`, { field });
  }
  return value;
}

/** An `Int32` column's value. @throws RowRejectedError when fractional or out of range. */
export function int32(table: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw new RowRejectedError(table, `${field} ${value} does not fit Int32`, { field });
  }
  return value;
}

/** A `UInt64` column's value. @throws RowRejectedError when negative or not a safe integer. */
export function uint64(table: string, field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RowRejectedError(table, `${field} ${value} does not fit UInt64`, { field });
  return value;
}

/** A `Float64` column's value. @throws RowRejectedError for NaN and infinities (JSON has no such numbers). */
export function finite(table: string, field: string, value: number): number {
  if (!Number.isFinite(value)) throw new RowRejectedError(table, `${field} is ${value}, not a finite number`, { field });
  return value;
}

/** `1`/`0` for a `UInt8` flag. */
export function flag(value: boolean): number {
  return value ? 1 : 0;
}
