import { PulseError, messageOf } from '../../core/errors.ts';
import type { TailRecord } from '../../connectors/kafka/tail.ts';
import { escapeText, rawBytes, safeJson, utf8OrNull } from './escape.ts';
import { isoTime, type TailFormatter } from './formatters.ts';

/** A record as decoded through the registry, or the reason it could not be. */
export type TailOutcome =
  | { readonly record: TailRecord; readonly schemaId: number; readonly value: unknown }
  | { readonly record: TailRecord; readonly error: unknown };

/** `--channel` and `--kind`; a missing filter lets everything through. */
export interface TailFilter {
  /** Channel login, lower case, without `#`. */
  readonly channel?: string;
  readonly kind?: string;
}

/** Most bytes of an undecodable value shown on a text line. */
const RAW_SHOWN_BYTES = 512;

/**
 * Whether a decoded value passes the filters. Undecodable records always pass: there is no
 * channel or kind to judge them by, and an operator tailing a topic wants to see them.
 */
export function passes(formatter: TailFormatter, outcome: TailOutcome, filter: TailFilter): boolean {
  if (!('value' in outcome)) return true;
  const value = outcome.value as never;
  if (filter.channel !== undefined && formatter.channel(value)?.toLowerCase() !== filter.channel) return false;
  if (filter.kind !== undefined && !(formatter.kinds?.(value) ?? []).includes(filter.kind)) return false;
  return true;
}

function keyText(key: Buffer | null): string | null {
  if (key === null) return null;
  return utf8OrNull(key) ?? `hex:${key.toString('hex')}`;
}

/**
 * One text line for a record: record time, `p<partition>@<offset>`, `key=…`, then the kind's
 * main fields, or `undecodable [CODE]: reason` with the raw bytes. No untrusted character
 * reaches the terminal unescaped.
 *
 * @example
 * // 2024-05-01T12:00:00.000Z p2@15 key=71092938 #xqc ronni: hello
 */
export function textLine(formatter: TailFormatter, outcome: TailOutcome): string {
  const { record } = outcome;
  const key = keyText(record.key);
  const head = `${isoTime(record.timestampMs)} p${record.partition}@${record.offset} key=${key === null ? '-' : key === '' ? '""' : escapeText(key)}`;
  if ('value' in outcome) return `${head} ${formatter.text(outcome.value as never)}`;
  const raw = record.value ?? Buffer.alloc(0);
  const shown = raw.length > RAW_SHOWN_BYTES ? `${rawBytes(raw.subarray(0, RAW_SHOWN_BYTES))}…` : rawBytes(raw);
  return `${head} undecodable [${codeOf(outcome.error)}]: ${escapeText(messageOf(outcome.error))} (${raw.length} bytes) raw=${shown}`;
}

/**
 * One JSON object for a record: `topic`, `partition`, `offset`, `timestamp` (ISO) and
 * `timestampMs`, `key`, then `schemaId` and the decoded `value` (bytes as hex, and for a
 * dead letter its `raw` also as `rawText` when it is UTF-8), or `error: {code, reason}` and
 * `rawHex` for a record that did not decode.
 */
export function jsonLine(outcome: TailOutcome): string {
  const { record } = outcome;
  const head = {
    topic: record.topic, partition: record.partition, offset: record.offset,
    timestamp: isoTime(record.timestampMs), timestampMs: record.timestampMs, key: keyText(record.key),
  };
  if ('value' in outcome) return safeJson({ ...head, schemaId: outcome.schemaId, value: jsonValue(outcome.value) });
  return safeJson({ ...head, error: { code: codeOf(outcome.error), reason: messageOf(outcome.error) }, rawHex: (record.value ?? Buffer.alloc(0)).toString('hex') });
}

/** A decoded Avro value made JSON-ready: bytes become hex; a `raw` byte field also gets `rawText` when it is UTF-8. */
export function jsonValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = jsonValue(v);
    if (k === 'raw' && Buffer.isBuffer(v)) out.rawText = utf8OrNull(v);
  }
  return out;
}

function codeOf(error: unknown): string {
  return error instanceof PulseError ? error.code : 'UNKNOWN';
}
