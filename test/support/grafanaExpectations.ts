import assert from 'node:assert/strict';
import type { Dashboard } from '@grafana/schema';
import type { SqlRunner } from '../../clickhouse/sql.ts';
import { dashboardQueries, type DashboardQuery } from '../../grafana/queries.ts';
import { expandMacros, type MacroContext } from '../../grafana/sqlMacros.ts';
import { adWindowsAsStored, hypeStartsAsStored, type InsightDataSet } from './insightData.ts';
import type { PipelineHealthData } from './pipelineHealthData.ts';

// Expected rows of every dashboard query, computed in JavaScript from the records that were
// loaded (never from ClickHouse), for a known time range, interval and channel selection.

type Row = Record<string, string | number>;
/** One query to run with its macro context, and the rows it must return (order-insensitive). */
export interface QueryCheck {
  readonly label: string;
  readonly query: DashboardQuery;
  readonly ctx: MacroContext;
  readonly expected: Row[];
  /** How far a number may be off: 0, or the unit of a value rounded in SQL (round(x, 1) halves may go either way). */
  readonly tolerance: number;
}

const sec = (ms: number) => Math.floor(ms / 1000);
const dateTime = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
const bucketOf = (ctx: MacroContext, minSeconds: number) => Math.max(minSeconds, Math.floor(Math.max(1, Math.floor(ctx.intervalMs / 1000)) / minSeconds) * minSeconds);
const inRange = (ctx: MacroContext, ms: number) => sec(ms) >= sec(ctx.fromMs) && sec(ms) <= sec(ctx.toMs);
const dayOfWeek = (ms: number) => ((new Date(ms).getUTCDay() + 6) % 7) + 1;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SUB_KINDS = new Set(['sub', 'resub', 'subgift', 'anonsubgift', 'submysterygift', 'anonsubmysterygift', 'giftpaidupgrade', 'anongiftpaidupgrade', 'primepaidupgrade']);
const GIFT_BOMBS = new Set(['submysterygift', 'anonsubmysterygift']);

function groupRows<T>(items: readonly T[], key: (item: T) => string, row: (group: T[]) => Row): Row[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()].map(row);
}
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

type Expectation = (ctx: MacroContext) => Row[];

function engagementExpectations(data: InsightDataSet, channels: ReadonlySet<string>): Record<string, Expectation> {
  const rates = (ctx: MacroContext, sizeMs: number) => data.chatRates.filter((r) => r.sizeMs === sizeMs && channels.has(r.channel) && inRange(ctx, r.windowStartMs));
  const bucketed = <T>(ctx: MacroContext, minSeconds: number, items: readonly T[], ms: (t: T) => number, extraKey: (t: T) => string, row: (group: T[], time: number, bucket: number) => Row) => {
    const b = bucketOf(ctx, minSeconds);
    return groupRows(items, (t) => `${Math.floor(sec(ms(t)) / b)} ${extraKey(t)}`, (g) => row(g, Math.floor(sec(ms(g[0]!)) / b) * b, b));
  };
  // One row per identity (room, begin), the last one written winning, as FINAL collapses them.
  const uniqueHypes = [...new Map(data.hype.map((h) => [`${h.roomId} ${h.beginMs}`, h])).values()];
  const hypes = (ctx: MacroContext) => uniqueHypes.filter((h) => channels.has(h.channel) && inRange(ctx, h.beginMs));
  const storedAds = adWindowsAsStored(data.adWindows);
  const ads = (ctx: MacroContext) => storedAds.filter((a) => channels.has(a.channel) && inRange(ctx, a.startMs));
  const changes = (ctx: MacroContext) => data.categoryChanges.filter((c) => channels.has(c.login) && inRange(ctx, c.observedAtMs));
  const events = (ctx: MacroContext) => data.events.filter((e) => channels.has(e.channel) && inRange(ctx, e.eventTimeMs));
  return {
    'panel Messages': (ctx) => [{ messages: sum(rates(ctx, 60_000).map((r) => r.messages)) }],
    'panel Unique chatters': (ctx) => [{ chatters: new Set(data.messages.filter((m) => channels.has(m.channel) && inRange(ctx, m.eventTimeMs)).map((m) => m.userId || m.login)).size }],
    'panel Sub events': (ctx) => [{ sub_events: events(ctx).filter((e) => SUB_KINDS.has(e.kind)).length }],
    'panel Hypes': (ctx) => [{ hypes: hypes(ctx).length }],
    'panel Message rate per channel (10 s windows)': (ctx) => bucketed(ctx, 10, rates(ctx, 10_000), (r) => r.windowStartMs, (r) => r.channel,
      (g, time, b) => ({ time: dateTime(time), channel: g[0]!.channel, messages_per_second: sum(g.map((r) => r.messages)) / b })),
    'panel Unique chatters per minute': (ctx) => bucketed(ctx, 60, rates(ctx, 60_000), (r) => r.windowStartMs, (r) => r.channel,
      (g, time) => ({ time: dateTime(time), channel: g[0]!.channel, chatters: Math.max(...g.map((r) => r.chatters)) })),
    'panel Sub events per minute': (ctx) => bucketed(ctx, 60, data.subActivity.filter((s) => s.sizeMs === 60_000 && channels.has(s.channel) && inRange(ctx, s.windowStartMs)), (s) => s.windowStartMs, () => '',
      (g, time) => ({ time: dateTime(time), subs: sum(g.map((s) => s.subs)), resubs: sum(g.map((s) => s.resubs)), gifted_subs: sum(g.map((s) => s.giftedSubs)), upgrades: sum(g.map((s) => s.upgrades)) })),
    'panel Gift bombs': (ctx) => events(ctx).filter((e) => GIFT_BOMBS.has(e.kind)).map((e) => ({
      time: dateTime(sec(e.eventTimeMs)), channel: e.channel, gifter: e.login || 'anonymous', gifts: e.massGiftCount ?? 0, sub_plan: e.subPlan ?? '',
    })),
    'panel Hype moments': (ctx) => hypes(ctx).map((h) => ({
      time: dateTime(sec(h.beginMs)), channel: h.channel, duration_s: Math.floor((h.endMs - h.beginMs) / 1000), peak_per_min: round(h.peakRatePerMin, 1),
      baseline_per_min: round(h.baselineRatePerMin, 1), intensity: round(h.intensity, 2), messages: h.messages, top_emotes: h.topEmotes.map((e) => e.id).join(' '),
    })),
    'panel Ad windows': (ctx) => ads(ctx).map((a) => ({
      time: dateTime(sec(a.startMs)), channel: a.channel, duration_s: Math.floor((a.endMs - a.startMs) / 1000), score: round(a.score, 3), reason: a.reason, rate_per_min: round(a.ratePerMin, 1),
      cancelled_at: a.cancelledAtMs === null ? '' : dateTime(sec(a.cancelledAtMs)),
    })),
    'panel Engagement by hour of week (UTC)': (ctx) => Array.from({ length: 24 }, (_, hour) => {
      const row: Row = { hour };
      WEEKDAYS.forEach((day, i) => {
        row[day] = sum(rates(ctx, 60_000).filter((r) => dayOfWeek(r.windowStartMs) === i + 1 && new Date(r.windowStartMs).getUTCHours() === hour).map((r) => r.messages));
      });
      return row;
    }),
    'panel Category changes and their risk': (ctx) => changes(ctx).map((c) => ({
      time: dateTime(sec(c.observedAtMs)), channel: c.login, from_category: c.fromGameName, to_category: c.toGameName,
      viewers_before: c.viewersBefore, viewers_after: c.viewersAfter, risk: round(c.riskScore, 3), reasons: c.reasons.join('; '),
    })),
    'annotation Hype': (ctx) => hypes(ctx).map((h) => ({
      time: dateTime(sec(h.beginMs)), timeEnd: dateTime(sec(h.endMs)), tags: h.channel,
      text: `${h.channel}: hype x${round(h.intensity, 1)}, peak ${round(h.peakRatePerMin)} msg/min`,
    })),
    'annotation Ad windows': (ctx) => ads(ctx).map((a) => ({
      time: dateTime(sec(a.startMs)), timeEnd: dateTime(sec(a.endMs)), tags: a.channel, text: `${a.channel}: ad window (${a.reason}, score ${round(a.score, 2)})${a.cancelledAtMs === null ? '' : ', cancelled by a hype'}`,
    })),
    'annotation Category changes': (ctx) => changes(ctx).map((c) => ({
      time: dateTime(sec(c.observedAtMs)), tags: c.login, text: `${c.login}: ${c.fromGameName} → ${c.toGameName} (risk ${round(c.riskScore, 2)})`,
    })),
    'variable channel': (ctx) => [...new Set(data.chatRates.filter((r) => inRange(ctx, r.windowStartMs)).map((r) => r.channel))].map((channel) => ({ channel })),
  };
}

function pipelineExpectations(insight: InsightDataSet, health: PipelineHealthData): Record<string, Expectation> {
  const probes = (ctx: MacroContext) => groupRows(health.lag.filter((l) => inRange(ctx, l.observed_at_ms)), (l) => `${l.observed_at_ms} ${l.group_id}`,
    (g) => ({ observed_at: g[0]!.observed_at, observed_at_ms: g[0]!.observed_at_ms, group_id: g[0]!.group_id, lag: sum(g.map((l) => l.lag)) }));
  const dead = (ctx: MacroContext) => health.deadLetters.filter((d) => inRange(ctx, d.occurredAtMs));
  const late = (ctx: MacroContext) => health.lateRecords.filter((l) => inRange(ctx, l.streamTimeMs));
  const perBucket = <T>(ctx: MacroContext, minSeconds: number, items: readonly T[], ms: (t: T) => number, key: (t: T) => string, row: (g: T[], time: number, b: number) => Row) => {
    const b = bucketOf(ctx, minSeconds);
    return groupRows(items, (t) => `${Math.floor(sec(ms(t)) / b)} ${key(t)}`, (g) => row(g, Math.floor(sec(ms(g[0]!)) / b) * b, b));
  };
  return {
    'panel Consumer lag per group': (ctx) => perBucket(ctx, 1, probes(ctx), (p) => Number(p.observed_at_ms), (p) => String(p.group_id),
      (g, time) => ({ time: dateTime(time), group_id: g[0]!.group_id!, lag: Math.max(...g.map((p) => Number(p.lag))) })),
    'panel Consumer lag at the last probe': (ctx) => groupRows(probes(ctx), (p) => String(p.group_id), (g) => {
      const last = g.reduce((a, b) => (Number(b.observed_at_ms) > Number(a.observed_at_ms) ? b : a));
      return { group_id: last.group_id!, lag: last.lag!, observed_at: dateTime(Number(last.observed_at)) };
    }),
    'panel Ingest rate': (ctx) => [
      ...perBucket(ctx, 1, insight.messages.filter((m) => inRange(ctx, m.eventTimeMs)), (m) => m.eventTimeMs, () => '', (g, time, b) => ({ time: dateTime(time), stream: 'chat messages', records_per_second: g.length / b })),
      ...perBucket(ctx, 1, insight.events.filter((e) => inRange(ctx, e.eventTimeMs)), (e) => e.eventTimeMs, () => '', (g, time, b) => ({ time: dateTime(time), stream: 'chat events', records_per_second: g.length / b })),
    ],
    'panel Dead letters': (ctx) => [{ dead_letters: dead(ctx).length }],
    'panel Late records': (ctx) => [{ late_records: late(ctx).length }],
    'panel Dead letters by stage': (ctx) => perBucket(ctx, 60, dead(ctx), (d) => d.occurredAtMs, (d) => d.stage, (g, time) => ({ time: dateTime(time), stage: g[0]!.stage, dead_letters: g.length })),
    'panel Late records by operator': (ctx) => perBucket(ctx, 60, late(ctx), (l) => l.streamTimeMs, (l) => l.operator, (g, time) => ({ time: dateTime(time), operator: g[0]!.operator, late_records: g.length })),
    'panel Latest dead letters': (ctx) => dead(ctx).sort((a, b) => b.occurredAtMs - a.occurredAtMs).slice(0, 50).map((d) => ({
      time: dateTime(sec(d.occurredAtMs)), stage: d.stage, error_code: d.errorCode, reason: d.reason, source_topic: d.sourceTopic ?? '',
      source_partition: d.sourcePartition ?? -1, source_offset: d.sourceOffset ?? '', channel: d.channel ?? '', raw_bytes: d.raw.length,
    })),
  };
}

/** The hype alert rule's expected rows: hypes announced as alerts that began in the context's range, per channel (highlights are not alerts). */
export function hypeAlertExpectation(data: InsightDataSet, ctx: MacroContext): Row[] {
  const alerts = hypeStartsAsStored(data.hypeStarts).filter((h) => h.alert && inRange(ctx, h.beginMs));
  return groupRows(alerts, (h) => h.channel, (g) => ({ channel: g[0]!.channel, hypes: g.length }));
}

/**
 * Every query of the dashboards with its context and expected rows: the engagement dashboard
 * over the insight week (5 min interval) and over 30 s of the all-hype hour (1 s interval, so
 * buckets fall back to the windows' sizes), the pipeline dashboard over the health data's two
 * hours (2 min interval). Fails when a query has no expectation, so a new panel needs one.
 */
export function grafanaQueryChecks(dashboards: readonly Dashboard[], insight: InsightDataSet, health: PipelineHealthData): QueryCheck[] {
  const channels = [insight.channel, insight.otherChannel];
  const week: MacroContext = { fromMs: insight.untilSeconds * 1000 - insight.sinceSeconds * 1000, toMs: insight.untilSeconds * 1000 - 1000, intervalMs: 300_000, variables: { channel: channels } };
  const hypeMinutes: MacroContext = { ...week, fromMs: insight.planted.allHypeHour.beginMs - 60_000, toMs: insight.planted.allHypeHour.beginMs + 30_000, intervalMs: 1000 };
  const pipeline: MacroContext = { fromMs: health.startMs, toMs: health.startMs + 2 * 3_600_000, intervalMs: 120_000, variables: {} };
  const expectations = { ...engagementExpectations(insight, new Set(channels)), ...pipelineExpectations(insight, health) };
  const tolerances: Record<string, number> = { 'panel Hype moments': 0.1, 'panel Ad windows': 0.1, 'panel Category changes and their risk': 0.001 };
  const checks: QueryCheck[] = [];
  for (const dashboard of dashboards) {
    for (const query of dashboardQueries(dashboard)) {
      const key = `${query.kind} ${query.name}`;
      const expect = expectations[key];
      assert.ok(expect, `no expected rows for ${key} of ${query.dashboardUid}`);
      const contexts = dashboard.uid === 'twitch-pulse-pipeline' ? [pipeline] : query.name.startsWith('Message rate') || query.name.startsWith('Unique chatters per') ? [week, hypeMinutes] : [week];
      for (const ctx of contexts) checks.push({ label: `${query.dashboardUid} ${key} [${dateTime(sec(ctx.fromMs))}, ${dateTime(sec(ctx.toMs))}]`, query, ctx, expected: expect(ctx), tolerance: tolerances[key] ?? 0 });
    }
  }
  return checks;
}

/** Runs a check's SQL with the macros expanded and returns the rows. */
export function runCheck(sql: SqlRunner, check: QueryCheck): Promise<Array<Record<string, unknown>>> {
  return sql.rows(expandMacros(check.query.rawSql, check.ctx));
}

/**
 * Asserts that `actual` holds exactly the `expected` rows in any order: same keys, strings
 * equal, numbers (64-bit ones arrive as strings) equal within `tolerance` plus 1e-9 relative.
 */
export function assertSameRows(actual: ReadonlyArray<Record<string, unknown>>, expected: readonly Row[], label: string, tolerance = 0): void {
  const normal = (row: Record<string, unknown>, like: Row | undefined) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof like?.[k] === 'number' ? Number(v) : v]));
  const key = (row: Record<string, unknown>) => JSON.stringify(Object.entries(row).filter(([, v]) => typeof v === 'string').sort());
  assert.equal(actual.length, expected.length, `${label}: ${actual.length} rows, expected ${expected.length}`);
  const pending = new Map<string, Row[]>();
  for (const row of expected) pending.set(key(row), [...(pending.get(key(row)) ?? []), row]);
  for (const raw of actual) {
    const candidates = pending.get(key(normal(raw, expected[0]))) ?? [];
    const row = normal(raw, candidates[0] ?? expected[0]);
    const index = candidates.findIndex((e) => Object.keys(e).length === Object.keys(row).length && Object.entries(e).every(([k, v]) =>
      typeof v === 'number' ? Math.abs(Number(row[k]) - v) <= tolerance + 1e-9 * Math.max(1, Math.abs(v)) : row[k] === v));
    assert.ok(index >= 0, `${label}: unexpected row ${JSON.stringify(raw)}; expected e.g. ${JSON.stringify(candidates[0] ?? expected[0])}`);
    candidates.splice(index, 1);
  }
}
