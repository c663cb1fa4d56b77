import { ClickHouseError } from '@clickhouse/client';
import { messageOf } from '../../core/errors.ts';

// ClickHouse error codes that mean "this data cannot go into this table", as opposed to "the
// server cannot take it right now". Codes from ClickHouse's ErrorCodes.cpp.
const DATA_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  32, // ATTEMPT_TO_READ_AFTER_EOF
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
]);

/**
 * The ClickHouse error code of an error, if it has one. @clickhouse/client parses a current
 * server's "Code: 27. DB::Exception: ..." into {@link ClickHouseError.code} and leaves the code
 * out of the message; text it does not parse (18.16's "Code: 27, e.displayText() = ...", other
 * clients' errors) still carries "Code: N".
 */
export function clickHouseCode(error: unknown): number | undefined {
  if (error instanceof ClickHouseError && /^\d+$/.test(error.code)) return Number(error.code);
  const match = /Code: (\d+)/.exec(messageOf(error));
  return match ? Number(match[1]) : undefined;
}

/**
 * The first line of a ClickHouse error, led by its code whichever way the code came:
 * "Code: 27 (CANNOT_PARSE_INPUT_ASSERTION_FAILED). Cannot parse input: ...".
 */
export function clickHouseErrorLine(error: unknown): string {
  const line = messageOf(error).split('\n')[0]!;
  if (error instanceof ClickHouseError && /^\d+$/.test(error.code) && !/Code: \d+/.test(line)) {
    return `Code: ${error.code}${error.type ? ` (${error.type})` : ''}. ${line}`;
  }
  return line;
}

/**
 * True when ClickHouse refused an insert because of the rows themselves; retrying the same rows
 * will never succeed. Anything else (connection refused, timeouts, too many parts, a missing
 * table) is worth retrying once the server or the schema is fixed.
 */
export function isDataRejection(error: unknown): boolean {
  const code = clickHouseCode(error);
  return code !== undefined && DATA_ERROR_CODES.has(code);
}
