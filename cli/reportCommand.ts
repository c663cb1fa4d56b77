import { ClickHouseError } from '@clickhouse/client';
import { insightParams, missingTables, runInsight, type InsightName, type InsightParams, type InsightRows } from '../clickhouse/insights.ts';
import { loadMigrations } from '../clickhouse/migrations.ts';
import type { SqlRunner } from '../clickhouse/sql.ts';
import { createClickHouse } from '../connectors/clickhouse/client.ts';
import { httpSql } from '../connectors/clickhouse/httpSql.ts';
import { endpointsFromEnv, type Endpoints } from '../core/config.ts';
import { ConfigError, MigrationError, PulseError, UnavailableError, UsageError, messageOf } from '../core/errors.ts';
import { parseCommandLine } from './args.ts';
import { REPORT } from './commands/report.ts';
import { REPORT_SECTIONS, isEmptyReport, renderReport, type ReportData, type ReportSection } from './render/report.ts';

/**
 * `twitch-pulse report --channel X [--since 7d] [--only …] [--format table|json]`: runs the
 * insight queries of `clickhouse/insights/` for one channel on the configured ClickHouse and
 * prints them as tables, sparklines and a heatmap, or as one JSON document.
 *
 * @throws UnavailableError when ClickHouse does not answer; MigrationError when the project's
 *   database or tables are missing (run `twitch-pulse migrate`); UsageError/ConfigError for bad options.
 */
export async function reportCommand(argv: readonly string[], now: () => number = Date.now): Promise<number> {
  const { values } = parseCommandLine(REPORT, argv);
  const { channel, format, top, limit, minutes } = values;
  const sections = parseSections(values.only);
  const params = insightParams({
    channel: channel.replace(/^#/, ''),
    untilSeconds: parseUntilSeconds(values.until, now),
    sinceSeconds: Math.round(values.since / 1000),
    ...(top === undefined ? {} : { top }),
    ...(limit === undefined ? {} : { limit }),
    ...(minutes === undefined ? {} : { minutes }),
  });

  const config = endpointsFromEnv().clickhouse;
  const client = createClickHouse(config);
  try {
    await checkSchema(config, sections);
    const data = await collect(httpSql(client), params, sections);
    if (format === 'json') {
      console.log(JSON.stringify({ channel: params.channel, from: iso(params.untilSeconds - params.sinceSeconds), until: iso(params.untilSeconds), hasData: !isEmptyReport(data.summary), summary: data.summary, insights: data.results }));
      if (isEmptyReport(data.summary)) console.error(`twitch-pulse report: no data for #${params.channel} in this period`);
    } else {
      console.log(renderReport(data, sections));
    }
  } catch (error) {
    throw asUnavailable(error);
  } finally {
    await client.close();
  }
  return 0;
}

/** Pings ClickHouse and checks that the project database has the tables the sections read. */
async function checkSchema(config: Endpoints['clickhouse'], sections: readonly ReportSection[]): Promise<void> {
  const { database } = config;
  // A client bound to a database that does not exist fails every query, so this one is not bound.
  const admin = createClickHouse(config, null);
  try {
    const ping = await admin.ping();
    if (!ping.success) throw new UnavailableError('clickhouse', messageOf(ping.error), ping.error);
    const missing = await missingTables(httpSql(admin), insightsOf(sections), database);
    if (missing.length > 0) {
      const version = loadMigrations().find((m) => m.statements.some((s) => s.includes(`CREATE TABLE IF NOT EXISTS ${missing[0]} `)))?.version ?? 0;
      throw new MigrationError(version, `not applied to database ${database}: table ${missing.join(', ')} missing; run \`twitch-pulse migrate\``);
    }
  } finally {
    await admin.close();
  }
}

async function collect(sql: SqlRunner, params: InsightParams, sections: readonly ReportSection[]): Promise<ReportData> {
  const [summary] = await runInsight(sql, 'summary', params);
  if (!summary) throw new PulseError('the summary insight returned no row', { code: 'INSIGHT_COLUMNS' });
  const results: { [N in InsightName]?: Array<InsightRows[N]> } = {};
  if (isEmptyReport(summary)) return { params, summary, results };
  for (const name of insightsOf(sections).filter((n) => n !== 'summary')) {
    // Sequential on purpose: each query scans with FINAL, and the stack's server has 2 cores.
    (results as Record<string, unknown>)[name] = await runInsight(sql, name, params);
  }
  return { params, summary, results };
}

function insightsOf(sections: readonly ReportSection[]): InsightName[] {
  const names = new Set<InsightName>(['summary', ...sections.flatMap((s) => REPORT_SECTIONS[s])]);
  // Peak moments show emote names, which top_emotes finds.
  if (sections.includes('peaks')) names.add('top_emotes');
  return [...names];
}

function parseSections(asked: readonly string[] | undefined): ReportSection[] {
  const all = Object.keys(REPORT_SECTIONS) as ReportSection[];
  if (asked === undefined) return all;
  const unknown = asked.filter((s) => !all.includes(s as ReportSection));
  if (unknown.length > 0) throw new UsageError(`--only takes sections of ${all.join(',')}, got ${JSON.stringify(asked.join(','))}`);
  return all.filter((s) => asked.includes(s));
}

/** `--until`: an ISO 8601 time (`2024-05-13`, `2024-05-13T12:00:00Z`) or epoch seconds; default now. Epoch seconds out. */
export function parseUntilSeconds(text: string | undefined, now: () => number): number {
  if (text === undefined) return Math.floor(now() / 1000);
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new ConfigError('until', `must be an ISO 8601 time or epoch seconds, got ${JSON.stringify(text)}`);
  return Math.floor(ms / 1000);
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** A refused connection, reset or timeout (not an answer from the server) as UnavailableError; anything else unchanged. */
function asUnavailable(error: unknown): unknown {
  if (error instanceof PulseError || error instanceof ClickHouseError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const network = (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) || /timeout/i.test(messageOf(error));
  return network ? new UnavailableError('clickhouse', messageOf(error), error) : error;
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
