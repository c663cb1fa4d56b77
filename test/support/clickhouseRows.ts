// Rows of the chat tables as the ClickHouse sink builds them and as ClickHouse returns them, in
// one canonical text each, so tests can compare what a table holds with what its topic holds.
import type { Row } from '../../connectors/clickhouse/tables.ts';
import type { TopicId } from '../../schemas/catalogue.ts';

/** The topics of the chat tables. */
export const CHAT_TABLES: readonly TopicId[] = ['chatMessages', 'chatEvents', 'moderation', 'chatRates', 'subActivity', 'subBursts', 'hype', 'hypeStarts', 'adWindows'];
const DATETIME_COLUMNS = new Set(['event_time', 'window_start', 'begin_time', 'start_time', 'observed_at']);
/** Sorting keys of the migrations: a row's identity. */
export const IDENTITY: Record<string, readonly string[]> = {
  chat_messages: ['room_id', 'event_time', 'id'],
  chat_events: ['room_id', 'event_time', 'id'],
  moderation: ['room_id', 'event_time', 'event_time_ms', 'kind', 'target_user_id', 'target_msg_id'],
  chat_rates: ['room_id', 'size_ms', 'window_start', 'window_start_ms'],
  sub_activity: ['room_id', 'size_ms', 'window_start', 'window_start_ms'],
  sub_bursts: ['room_id', 'begin_time', 'begin_ms'],
  hype: ['room_id', 'begin_time', 'begin_ms'],
  hype_starts: ['room_id', 'begin_time', 'begin_ms'],
  ad_windows: ['room_id', 'start_time', 'start_ms'],
};

/**
 * One canonical text per row, the same for a row the sink built and one ClickHouse returns
 * (which gives DateTime as text and 64-bit integers as strings).
 */
export function canonical(row: Row | Record<string, unknown>): string {
  const norm = (key: string, v: unknown): unknown => {
    if (Array.isArray(v)) return v.map((x) => norm('', x));
    if (DATETIME_COLUMNS.has(key) && typeof v === 'number') return new Date(v * 1000).toISOString().slice(0, 19).replace('T', ' ');
    // Servers differ in a Float64's last digits (18.16 printed 15 significant ones); compare at 12.
    if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && !DATETIME_COLUMNS.has(key))) return String(Number(Number(v).toPrecision(12)));
    return v;
  };
  return JSON.stringify(Object.keys(row).sort().map((k) => [k, norm(k, (row as Record<string, unknown>)[k])]));
}

