import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, PulseError } from '../core/errors.ts';
import type { QueryParams, SqlRunner } from './sql.ts';

/**
 * The named insight queries, one per file under `clickhouse/insights/`. Each file starts with a
 * `-- Question: …` header and takes ClickHouse query parameters (`{channel:String}`), whose
 * values {@link insightQuery} sends beside the SQL. Every query reads with `FINAL`, so a row the
 * sink wrote twice counts once.
 */
export const INSIGHT_NAMES = [
  'summary', 'heatmap', 'peak_moments', 'subs_daily', 'subs_hourly', 'sub_spike_causes', 'ad_slots', 'top_chatters', 'top_emotes',
] as const;

/** The name of an insight query (its file name without `.sql`). */
export type InsightName = (typeof INSIGHT_NAMES)[number];

/** Times (`time` columns) are ISO 8601 UTC strings such as `2024-05-06T18:00:00Z`. */
export type IsoTime = string;

/** The rows of each insight, as {@link runInsight} returns them. Column meanings: each file's header. */
export interface InsightRows {
  summary: { messages: number; chatters: number; events: number; active_minutes: number; first_message: IsoTime | null; last_message: IsoTime | null };
  heatmap: { day_of_week: number; hour: number; messages: number; chatters: number; active_minutes: number; messages_per_minute: number };
  peak_moments: {
    stream_start: IsoTime; stream_end: IsoTime; stream_total_messages: number; stream_messages_per_minute: number;
    minute_start: IsoTime; messages: number; chatters: number; vs_stream_average: number; top_emote_ids: string[]; top_emote_counts: number[];
  };
  subs_daily: { date: string; subs: number; resubs: number; gifted_subs: number; mass_gifts: number; upgrades: number; total: number; bursts: number };
  subs_hourly: {
    hour_start: IsoTime; subs: number; resubs: number; gifted_subs: number; mass_gifts: number; upgrades: number; total: number; bursts: number;
    volume_spike: boolean; burst_spike: boolean; is_spike: boolean; channel_mean_per_hour: number; channel_stddev_per_hour: number;
  };
  sub_spike_causes: {
    kind: 'burst' | 'spike'; moment: IsoTime; subs: number; contributors: number;
    raiders: string[]; raid_viewer_counts: number[]; raid_minutes_before: number[];
    hype_intensity: number[]; hype_minutes_before: number[];
    category_changes: string[]; category_minutes_before: number[];
  };
  ad_slots: {
    day_of_week: number; hour: number; active_minutes: number; messages_per_minute: number; chatters_per_minute: number;
    audience_index: number; attention_index: number; hype_share: number; ad_windows: number; ad_window_share: number; score: number; recommended: boolean;
  };
  top_chatters: {
    chatter: string; messages: number; share: number; active_days: number; emotes: number; bits: number; subscriber: boolean;
    first_seen: IsoTime; last_seen: IsoTime;
  };
  top_emotes: { emote_id: string; name: string; uses: number; messages: number; chatters: number };
}

/** How a column's JSON value is read: 64-bit integers arrive as strings, booleans as 0/1. */
type ColumnType = 'string' | 'number' | 'boolean' | 'time' | 'optionalTime' | 'string[]' | 'number[]';

const COLUMNS: { [N in InsightName]: { [K in keyof InsightRows[N]]-?: ColumnType } } = {
  summary: { messages: 'number', chatters: 'number', events: 'number', active_minutes: 'number', first_message: 'optionalTime', last_message: 'optionalTime' },
  heatmap: { day_of_week: 'number', hour: 'number', messages: 'number', chatters: 'number', active_minutes: 'number', messages_per_minute: 'number' },
  peak_moments: {
    stream_start: 'time', stream_end: 'time', stream_total_messages: 'number', stream_messages_per_minute: 'number',
    minute_start: 'time', messages: 'number', chatters: 'number', vs_stream_average: 'number', top_emote_ids: 'string[]', top_emote_counts: 'number[]',
  },
  subs_daily: { date: 'string', subs: 'number', resubs: 'number', gifted_subs: 'number', mass_gifts: 'number', upgrades: 'number', total: 'number', bursts: 'number' },
  subs_hourly: {
    hour_start: 'time', subs: 'number', resubs: 'number', gifted_subs: 'number', mass_gifts: 'number', upgrades: 'number', total: 'number', bursts: 'number',
    volume_spike: 'boolean', burst_spike: 'boolean', is_spike: 'boolean', channel_mean_per_hour: 'number', channel_stddev_per_hour: 'number',
  },
  sub_spike_causes: {
    kind: 'string', moment: 'time', subs: 'number', contributors: 'number',
    raiders: 'string[]', raid_viewer_counts: 'number[]', raid_minutes_before: 'number[]',
    hype_intensity: 'number[]', hype_minutes_before: 'number[]', category_changes: 'string[]', category_minutes_before: 'number[]',
  },
  ad_slots: {
    day_of_week: 'number', hour: 'number', active_minutes: 'number', messages_per_minute: 'number', chatters_per_minute: 'number',
    audience_index: 'number', attention_index: 'number', hype_share: 'number', ad_windows: 'number', ad_window_share: 'number', score: 'number', recommended: 'boolean',
  },
  top_chatters: {
    chatter: 'string', messages: 'number', share: 'number', active_days: 'number', emotes: 'number', bits: 'number', subscriber: 'boolean',
    first_seen: 'time', last_seen: 'time',
  },
  top_emotes: { emote_id: 'string', name: 'string', uses: 'number', messages: 'number', chatters: 'number' },
};

/** Parameters of the insight queries; build them with {@link insightParams}. */
export interface InsightParams {
  /** Channel login (the `channel` column; `login` in Helix tables). */
  readonly channel: string;
  /** The period is `[untilSeconds - sinceSeconds, untilSeconds)`, epoch seconds. */
  readonly sinceSeconds: number;
  readonly untilSeconds: number;
  /** Whole minutes without chat that separate two streams (peak_moments). */
  readonly gapMinutes: number;
  /** Peak minutes per stream (peak_moments). */
  readonly top: number;
  /** Rows of top_chatters and top_emotes. */
  readonly limit: number;
  /** How far before a sub spike to look for its causes, minutes (sub_spike_causes). */
  readonly minutes: number;
  /** Fewest active minutes an hour of week needs to be recommended for ads (ad_slots). */
  readonly minMinutes: number;
}

/** Defaults: the last 7 days, streams split at 30 quiet minutes, top 3 peaks, top 10 lists, causes within 10 minutes. */
export const DEFAULT_INSIGHT_PARAMS = Object.freeze({ sinceSeconds: 7 * 86_400, gapMinutes: 30, top: 3, limit: 10, minutes: 10, minMinutes: 10 });

const NUMBER_BOUNDS: { [K in Exclude<keyof InsightParams, 'channel'>]: readonly [number, number] } = {
  sinceSeconds: [1, 20 * 365 * 86_400],
  untilSeconds: [1, 0xffff_ffff],
  gapMinutes: [1, 7 * 24 * 60],
  top: [1, 1_000],
  limit: [1, 10_000],
  minutes: [1, 24 * 60],
  minMinutes: [0, 7 * 24 * 60],
};

/**
 * Validated, immutable insight parameters: defaults from {@link DEFAULT_INSIGHT_PARAMS}, every
 * number an integer within its bound, the channel a Twitch login.
 *
 * @throws ConfigError naming the field and its bound, e.g. `top must be an integer in 1..1000, got 0`.
 * @example insightParams({ channel: 'xqc', untilSeconds: Math.floor(Date.now() / 1000) })
 */
export function insightParams(given: Partial<InsightParams> & Pick<InsightParams, 'channel' | 'untilSeconds'>): InsightParams {
  const params = { ...DEFAULT_INSIGHT_PARAMS, ...given };
  // Twitch logins are 1..25 of [a-z0-9_]; lower-case here so `--channel XQC` finds `xqc`.
  const channel = params.channel.trim().toLowerCase();
  if (!/^[a-z0-9_]{1,25}$/.test(channel)) throw new ConfigError('channel', `must be a Twitch login (1..25 of a-z, 0-9, _), got ${JSON.stringify(params.channel)}`);
  for (const [field, [min, max]] of Object.entries(NUMBER_BOUNDS)) {
    const value = params[field as keyof typeof NUMBER_BOUNDS];
    if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(field, `must be an integer in ${min}..${max}, got ${value}`);
  }
  if (params.sinceSeconds > params.untilSeconds) throw new ConfigError('sinceSeconds', `must be <= untilSeconds (${params.untilSeconds}), got ${params.sinceSeconds}`);
  return Object.freeze({ ...params, channel });
}

/** One insight query file. */
export interface Insight {
  readonly name: InsightName;
  /** The question it answers (the header's `Question:` line). */
  readonly question: string;
  /** The rest of the header: what each column means. */
  readonly description: string;
  /** The SQL with its `{name:Type}` query parameters. */
  readonly template: string;
  /** Tables it reads (`FROM <table> FINAL`), for the schema check. */
  readonly tables: readonly string[];
}

const INSIGHTS_DIR = fileURLToPath(new URL('./insights/', import.meta.url));
const QUERY_PARAMETER = /\{([a-z_]+):([A-Za-z0-9]+)\}/g;
const cache = new Map<InsightName, Insight>();

/** Reads `clickhouse/insights/<name>.sql` (cached). */
export function loadInsight(name: InsightName): Insight {
  const cached = cache.get(name);
  if (cached) return cached;
  const template = readFileSync(`${INSIGHTS_DIR}${name}.sql`, 'utf8');
  const header = template.split('\n').filter((line) => line.startsWith('--')).map((line) => line.replace(/^--\s?/, ''));
  const question = (header[0] ?? '').replace(/^Question:\s*/, '');
  const tables = [...new Set([...template.matchAll(/FROM\s+([a-z_]+)\s+FINAL/g)].map((m) => m[1]!))].sort();
  const insight = Object.freeze({ name, question, description: header.slice(1).join('\n'), template, tables });
  cache.set(name, insight);
  return insight;
}

/** An insight's SQL and the values of the query parameters it uses. */
export interface InsightQuery {
  readonly sql: string;
  readonly params: QueryParams;
}

/**
 * The insight's SQL, unchanged, with the values of its query parameters: `{channel:String}` ←
 * `channel`, `{since_seconds:UInt32}` ← `sinceSeconds`, and so on.
 *
 * @throws ConfigError for a parameter the insight parameters do not have, or one of another type.
 */
export function insightQuery(name: InsightName, params: InsightParams): InsightQuery {
  const values: Record<string, readonly [type: string, value: string | number]> = {
    channel: ['String', params.channel],
    since_seconds: ['UInt32', params.sinceSeconds],
    until_seconds: ['UInt32', params.untilSeconds],
    gap_minutes: ['UInt32', params.gapMinutes],
    top: ['UInt32', params.top],
    limit: ['UInt32', params.limit],
    minutes: ['UInt32', params.minutes],
    min_minutes: ['UInt32', params.minMinutes],
  };
  const { template } = loadInsight(name);
  const used: Record<string, string | number> = {};
  for (const [placeholder, key, type] of template.matchAll(QUERY_PARAMETER)) {
    const known = values[key!];
    if (known === undefined) throw new ConfigError(placeholder, `in clickhouse/insights/${name}.sql is not a known insight parameter`);
    if (known[0] !== type) throw new ConfigError(placeholder, `in clickhouse/insights/${name}.sql must be of type ${known[0]}`);
    used[key!] = known[1];
  }
  return { sql: template, params: used };
}

/**
 * Runs one insight and returns its rows with typed values (numbers as numbers whatever the
 * server's JSON quoting, booleans from 0/1, times as ISO strings).
 *
 * @throws whatever the runner throws for an unreachable server or a missing table, and
 *   PulseError `INSIGHT_COLUMNS` when the query's columns differ from {@link InsightRows}.
 * @example const cells = await runInsight(httpSql(client), 'heatmap', insightParams({ channel: 'xqc', untilSeconds }))
 */
export async function runInsight<N extends InsightName>(sql: SqlRunner, name: N, params: InsightParams): Promise<Array<InsightRows[N]>> {
  const query = insightQuery(name, params);
  const rows = await sql.rows<Record<string, unknown>>(query.sql, query.params);
  const columns = COLUMNS[name] as Record<string, ColumnType>;
  return rows.map((row) => {
    const got = Object.keys(row).sort().join(',');
    const expected = Object.keys(columns).sort().join(',');
    if (got !== expected) throw new PulseError(`insight ${name} returned columns ${got}, expected ${expected}`, { code: 'INSIGHT_COLUMNS' });
    const typed: Record<string, unknown> = {};
    for (const [column, type] of Object.entries(columns)) typed[column] = readValue(row[column], type);
    return typed as InsightRows[N];
  });
}

function readValue(value: unknown, type: ColumnType): unknown {
  switch (type) {
    case 'string':
      return String(value);
    case 'number':
      return Number(value);
    case 'boolean':
      return value === true || Number(value) === 1;
    case 'time':
      return isoSeconds(Number(value));
    case 'optionalTime':
      return Number(value) === 0 ? null : isoSeconds(Number(value));
    case 'string[]':
      return (value as unknown[]).map(String);
    case 'number[]':
      return (value as unknown[]).map(Number);
  }
}

/** `2024-05-06T18:00:00Z` for epoch seconds. */
export function isoSeconds(epochSeconds: number): IsoTime {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The tables the given insights read that `database` (default: the runner's current one)
 * lacks, from `system.tables`; a database that does not exist lacks them all. Empty when the
 * migrations have been applied.
 */
export async function missingTables(sql: SqlRunner, names: readonly InsightName[] = INSIGHT_NAMES, database?: string): Promise<string[]> {
  const needed = [...new Set(names.flatMap((name) => loadInsight(name).tables))].sort();
  const present = new Set((database === undefined
    ? await sql.rows<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()')
    : await sql.rows<{ name: string }>('SELECT name FROM system.tables WHERE database = {database:String}', { database })).map((r) => r.name));
  return needed.filter((table) => !present.has(table));
}
