import type { SqlRunner } from '../../clickhouse/sql.ts';
import { TABLE_MAPPINGS, type Row } from '../../connectors/clickhouse/tables.ts';
import { simulateChat, type SimulatedChannel } from '../../connectors/simulator/chatSimulator.ts';
import { ChatIngester, type ChatRecordSink } from '../../connectors/twitch/chatIngest.ts';
import type { TopicId } from '../../schemas/catalogue.ts';
import type { CategoryChange, ChatEvent, ChatMessage, Moderation, StreamSnapshot } from '../../schemas/types.ts';
import { AdWindowOperator, type AdWindow } from '../../topology/adWindows.ts';
import { ChatRateOperator, type ChatRate } from '../../topology/chatRate.ts';
import { HypeOperator, type Hype, type HypeSignal, type HypeStart } from '../../topology/hype.ts';
import { SubActivityOperator, type SubActivity } from '../../topology/subActivity.ts';
import { SubBurstOperator, type SubBurst } from '../../topology/subBursts.ts';
import { DEFAULT_TASK_WINDOWS } from '../../topology/tasks.ts';

/**
 * A deterministic week of one channel's chat for the insight tests, with a few planted facts
 * the tests look for. Built from simulated raw IRC lines through the real parser and the
 * topology's operators (the windows of `DEFAULT_TASK_WINDOWS`, as `twitch-pulse run` uses), so
 * the rows are what the sink would write.
 */
export interface InsightDataSet {
  readonly channel: string;
  readonly roomId: string;
  /** Another channel chatting at the same time, which no insight of `channel` may count. */
  readonly otherChannel: string;
  /** The report period: `[untilSeconds - sinceSeconds, untilSeconds)`, epoch seconds. */
  readonly sinceSeconds: number;
  readonly untilSeconds: number;
  readonly messages: ChatMessage[];
  readonly events: ChatEvent[];
  readonly moderation: Moderation[];
  readonly chatRates: ChatRate[];
  readonly subActivity: SubActivity[];
  readonly subBursts: SubBurst[];
  readonly hype: Hype[];
  readonly hypeStarts: HypeStart[];
  readonly adWindows: AdWindow[];
  readonly streamSnapshots: StreamSnapshot[];
  readonly categoryChanges: CategoryChange[];
  readonly planted: {
    /** A chatter who says `gg Kappa` every 2 minutes of every stream: the top chatter. */
    readonly superfan: string;
    /** A raid 3 minutes before four distinct users subscribe within 40 s (a sub burst). */
    readonly raid: { readonly atMs: number; readonly raider: string; readonly viewerCount: number };
    readonly burstBeginMs: number;
    /** One gift of 100 subs: its hour's subscriptions are far above the channel's other hours. */
    readonly giftBomb: { readonly atMs: number; readonly gifter: string; readonly gifts: number };
    /** Category changes 8 and 43 minutes before the burst: only the first is within 10 minutes. */
    readonly recentCategoryChangeMs: number;
    readonly oldCategoryChangeMs: number;
    /** An hour of week (ISO day 1 = Monday, UTC hour) covered end to end by a hype, with the week's busiest chat. */
    readonly allHypeHour: { readonly dayOfWeek: number; readonly hour: number; readonly beginMs: number; readonly endMs: number };
    /** The all-hype hour's hype is announced as a highlight, then again as an alert; the other channel's hype 30 s later stays a highlight. */
    readonly highlightBeginMs: number;
    /** An ad window written, then written again cancelled by a hype that began inside it. */
    readonly cancelledAd: { readonly startMs: number; readonly cancelledAtMs: number };
  };
}

/**
 * One record per identity, as a table read with FINAL holds them: the announcement with
 * `alert` wins over the one without (hype_starts' version), else the last one.
 */
export function hypeStartsAsStored(starts: readonly HypeStart[]): HypeStart[] {
  const byIdentity = new Map<string, HypeStart>();
  for (const s of starts) {
    const key = `${s.roomId} ${s.beginMs}`;
    if (!(byIdentity.get(key)?.alert && !s.alert)) byIdentity.set(key, s);
  }
  return [...byIdentity.values()];
}

/** One ad window per identity, as ad_windows read with FINAL holds them: the cancellation wins (the table's version), else the last one. */
export function adWindowsAsStored(windows: readonly AdWindow[]): AdWindow[] {
  const byIdentity = new Map<string, AdWindow>();
  for (const a of windows) {
    const key = `${a.roomId} ${a.startMs}`;
    if (!(byIdentity.get(key)?.cancelledAtMs != null && a.cancelledAtMs == null)) byIdentity.set(key, a);
  }
  return [...byIdentity.values()];
}

const CHANNEL: SimulatedChannel = { login: 'pulse_insights', roomId: '424242', baselinePerSecond: 0.5 };
const OTHER: SimulatedChannel = { login: 'other_channel', roomId: '515151', baselinePerSecond: 0.3 };
const MINUTE_MS = 60_000;
const at = (day: number, hour: number, minute = 0, second = 0) => Date.UTC(2024, 4, day, hour, minute, second);

/** Builds the data set; the same every time. */
export function insightDataSet(): InsightDataSet {
  // 2024-05-06 is a Monday. Monday has two streams 45 minutes apart (two "streams" for the peak
  // query); Wednesday's second hour is busier and entirely hype; Saturday has the planted raid.
  const sessions: Array<{ startMs: number; minutes: number; channels: SimulatedChannel[]; seed: number; raids: number }> = [
    { startMs: at(6, 18), minutes: 90, channels: [CHANNEL, OTHER], seed: 11, raids: 1 / 2400 },
    { startMs: at(6, 20, 15), minutes: 45, channels: [CHANNEL], seed: 12, raids: 1 / 2400 },
    { startMs: at(8, 19), minutes: 60, channels: [{ ...CHANNEL, baselinePerSecond: 0.4 }], seed: 13, raids: 0 },
    { startMs: at(8, 20), minutes: 60, channels: [{ ...CHANNEL, baselinePerSecond: 1.5 }], seed: 14, raids: 0 },
    { startMs: at(11, 14), minutes: 90, channels: [{ ...CHANNEL, baselinePerSecond: 0.3 }], seed: 15, raids: 0 },
  ];
  const lines: string[] = [];
  for (const s of sessions) {
    lines.push(...simulateChat({
      channels: s.channels, startMs: s.startMs, durationMs: s.minutes * MINUTE_MS, seed: s.seed,
      burstChancePerSecond: 1 / 900, giftBombChancePerSecond: 1 / 2400, raidChancePerSecond: s.raids,
    }));
  }
  const raid = { atMs: at(11, 14, 40), raider: 'planted_raider', viewerCount: 1234 };
  const burstBeginMs = at(11, 14, 43);
  lines.push(usernotice(raid.atMs, 'raid', 'planted_raider', '880001', 'planted-raid', { login: raid.raider, displayName: raid.raider, viewerCount: String(raid.viewerCount) }));
  ['fan_a', 'fan_b', 'fan_c', 'fan_d'].forEach((fan, i) => {
    lines.push(usernotice(burstBeginMs + i * 10_000, i % 2 ? 'resub' : 'sub', fan, String(880_010 + i), `planted-sub-${i}`, { 'cumulative-months': String(1 + i * 3), 'sub-plan': '1000' }));
  });

  const superfan = { login: 'planted_superfan', userId: '880100' };
  for (const s of sessions) {
    for (let t = s.startMs + 30_000; t < s.startMs + s.minutes * MINUTE_MS; t += 2 * MINUTE_MS) lines.push(privmsg(t, superfan.login, superfan.userId, `superfan-${t}`));
  }
  const giftBomb = { atMs: at(6, 20, 50), gifter: 'big_gifter', gifts: 100 };
  lines.push(usernotice(giftBomb.atMs, 'submysterygift', giftBomb.gifter, '880020', 'planted-gift-bomb', { 'mass-gift-count': String(giftBomb.gifts), 'origin-id': 'planted-origin', 'sub-plan': '1000' }));

  const messages: ChatMessage[] = [];
  const events: ChatEvent[] = [];
  const moderation: Moderation[] = [];
  const sink: ChatRecordSink = {
    message: (m) => messages.push(m),
    event: (e) => events.push(e),
    moderation: (m) => moderation.push(m),
    malformed: (_raw, error) => {
      throw error;
    },
  };
  const ingester = new ChatIngester(sink);
  for (const line of lines) ingester.line(line, 0);
  // Event-time order, as one partition per channel would deliver it (stable for equal times).
  messages.sort((a, b) => a.eventTimeMs - b.eventTimeMs);
  events.sort((a, b) => a.eventTimeMs - b.eventTimeMs);

  const derived = runTopology(messages, events);
  const allHypeHour = { dayOfWeek: 3, hour: 20, beginMs: at(8, 20), endMs: at(8, 21) };
  derived.hype.push({
    channel: CHANNEL.login, roomId: CHANNEL.roomId, beginMs: allHypeHour.beginMs, peakMs: at(8, 20, 30), endMs: allHypeHour.endMs,
    peakRatePerMin: 200, baselineRatePerMin: 30, intensity: 6.5, messages: 5400, topEmotes: [{ id: '25', count: 900 }], alert: true,
  });
  const plantedStart = { channel: CHANNEL.login, roomId: CHANNEL.roomId, beginMs: allHypeHour.beginMs, messages: 30, ratePerMin: 180, baselineRatePerMin: 30, zScore: 6, alert: false };
  const highlightBeginMs = allHypeHour.beginMs + 30_000;
  derived.hypeStarts.push(
    plantedStart,
    { channel: OTHER.login, roomId: OTHER.roomId, beginMs: highlightBeginMs, messages: 20, ratePerMin: 120, baselineRatePerMin: 18, zScore: 5.6, alert: false },
    { ...plantedStart, zScore: 16, alert: true },
  );
  const cancelledAd = { startMs: at(8, 19, 30), cancelledAtMs: at(8, 19, 30, 40) };
  const plantedAd: AdWindow = {
    channel: CHANNEL.login, roomId: CHANNEL.roomId, startMs: cancelledAd.startMs, endMs: cancelledAd.startMs + MINUTE_MS, score: 0.4,
    reason: 'planted: calm but attended', ratePerMin: 30, baselineRatePerMin: 30, cancelledAtMs: null,
  };
  derived.adWindows.push(plantedAd, { ...plantedAd, cancelledAtMs: cancelledAd.cancelledAtMs });

  const recentCategoryChangeMs = burstBeginMs - 8 * MINUTE_MS;
  const oldCategoryChangeMs = burstBeginMs - 43 * MINUTE_MS;
  const categoryChanges = [
    categoryChange(oldCategoryChangeMs, 'sweep-1', 'sweep-2', ['509658', 'Just Chatting'], ['27471', 'Minecraft']),
    categoryChange(recentCategoryChangeMs, 'sweep-8', 'sweep-9', ['27471', 'Minecraft'], ['512953', 'Elden Ring']),
  ];
  const streamSnapshots = Array.from({ length: 18 }, (_, i) => snapshot(at(11, 14, i * 5), `sweep-${i + 1}`, 800 + i * 25));

  return {
    channel: CHANNEL.login, roomId: CHANNEL.roomId, otherChannel: OTHER.login,
    sinceSeconds: 7 * 86_400, untilSeconds: at(13, 0) / 1000,
    messages, events, moderation, ...derived, streamSnapshots, categoryChanges,
    planted: { superfan: superfan.login, raid, burstBeginMs, giftBomb, recentCategoryChangeMs, oldCategoryChangeMs, allHypeHour, highlightBeginMs, cancelledAd },
  };
}

/** The operators of a ChatTask and an EventTask, run to completion (open windows flushed). */
function runTopology(messages: readonly ChatMessage[], events: readonly ChatEvent[]) {
  const [bucketWindows, minuteWindows] = DEFAULT_TASK_WINDOWS.rates;
  const buckets = new ChatRateOperator(bucketWindows!);
  const minutes = new ChatRateOperator(minuteWindows!);
  const hypeOp = new HypeOperator();
  const ads = new AdWindowOperator();
  const subs = new SubActivityOperator(DEFAULT_TASK_WINDOWS.subActivity);
  const bursts = new SubBurstOperator();
  const chatRates: ChatRate[] = [];
  const hype: Hype[] = [];
  const hypeStarts: HypeStart[] = [];
  const adWindows: AdWindow[] = [];
  const signals = (out: HypeSignal[]) => {
    for (const signal of out) {
      if (signal.type === 'hype') hype.push(signal.hype);
      if (signal.type === 'start') hypeStarts.push(signal.start);
      adWindows.push(...ads.process(signal));
    }
  };
  const bucketsOut = (rates: ChatRate[]) => {
    chatRates.push(...rates);
    for (const rate of rates) signals(hypeOp.process(rate));
  };
  for (const m of messages) {
    bucketsOut(buckets.process(m));
    chatRates.push(...minutes.process(m));
  }
  bucketsOut(buckets.flush());
  signals(hypeOp.flush());
  adWindows.push(...ads.flush());
  chatRates.push(...minutes.flush());
  const subActivity: SubActivity[] = [];
  const subBursts: SubBurst[] = [];
  for (const e of events) {
    subActivity.push(...subs.process(e));
    subBursts.push(...bursts.process(e));
  }
  subActivity.push(...subs.flush());
  subBursts.push(...bursts.flush());
  return { chatRates, subActivity, subBursts, hype, hypeStarts, adWindows };
}

function usernotice(tsMs: number, kind: string, login: string, userId: string, id: string, params: Record<string, string>): string {
  const tags = [
    `display-name=${login}`, `id=${id}`, `login=${login}`, `msg-id=${kind}`,
    ...Object.entries(params).map(([k, v]) => `msg-param-${k}=${v}`),
    `room-id=${CHANNEL.roomId}`, `tmi-sent-ts=${tsMs}`, `user-id=${userId}`,
  ];
  return `@${tags.join(';')} :tmi.twitch.tv USERNOTICE #${CHANNEL.login}`;
}

function privmsg(tsMs: number, login: string, userId: string, id: string): string {
  const tags = [`display-name=${login}`, 'emotes=25:3-7', 'first-msg=0', `id=${id}`, `room-id=${CHANNEL.roomId}`, 'subscriber=1', `tmi-sent-ts=${tsMs}`, `user-id=${userId}`];
  return `@${tags.join(';')} :${login}!${login}@${login}.tmi.twitch.tv PRIVMSG #${CHANNEL.login} :gg Kappa`;
}

function categoryChange(observedAtMs: number, fromSweepId: string, toSweepId: string, from: [string, string], to: [string, string]): CategoryChange {
  return {
    userId: CHANNEL.roomId, login: CHANNEL.login, streamId: 'stream-sat', title: 'saturday stream', fromSweepId, toSweepId, observedAtMs,
    fromGameId: from[0], fromGameName: from[1], toGameId: to[0], toGameName: to[1], viewersBefore: 900, viewersAfter: 950,
    fromCategoryViewers: 100_000, fromCategoryStreams: 2_000, toCategoryViewers: 50_000, toCategoryStreams: 900, riskScore: 0.1, reasons: [],
  };
}

function snapshot(observedAtMs: number, sweepId: string, viewerCount: number): StreamSnapshot {
  return {
    sweepId, observedAtMs, streamId: 'stream-sat', userId: CHANNEL.roomId, login: CHANNEL.login, displayName: CHANNEL.login, viewerCount,
    gameId: '27471', gameName: 'Minecraft', title: 'saturday stream', language: 'en', startedAtMs: at(11, 14), isMature: false,
    thumbnailUrl: '', tags: ['English'], broadcasterType: 'partner', boxArtUrl: null,
  };
}

/**
 * Inserts the data set through the sink's {@link TABLE_MAPPINGS} as `JSONEachRow` (which
 * every ClickHouse release reads). Some rows go in twice, in separate inserts
 * (so separate parts), as a replayed sink batch would: insight queries must count them once.
 * Merges are stopped on the tables first, so the duplicates stay until a query collapses them
 * with FINAL (a background merge would otherwise hide a query that forgot it).
 */
export async function loadInsightData(sql: SqlRunner, data: InsightDataSet): Promise<void> {
  const byTopic: Array<[TopicId, readonly object[]]> = [
    ['chatMessages', data.messages], ['chatEvents', data.events], ['moderation', data.moderation],
    ['chatRates', data.chatRates], ['subActivity', data.subActivity], ['subBursts', data.subBursts],
    ['hype', data.hype], ['hypeStarts', data.hypeStarts], ['adWindows', data.adWindows], ['streamSnapshots', data.streamSnapshots],
    ['categoryChanges', data.categoryChanges],
  ];
  for (const [topic, records] of byTopic) {
    const mapping = TABLE_MAPPINGS.find((m) => m.topic === topic)!;
    await sql.command(`SYSTEM STOP MERGES ${mapping.table}`);
    const rows = records.map((r) => mapping.toRow(r as never));
    await insertRows(sql, mapping.table, rows);
    await insertRows(sql, mapping.table, rows.filter((_, i) => i % 7 === 0));
  }
  // Superseded records written again after their updates, as a sink that lost its partitions in
  // a rebalance may still do: the versions of hype_starts (`alert`) and ad_windows (`cancelled`)
  // must keep the update whatever the insert order.
  const superseded: Array<[TopicId, readonly object[]]> = [
    ['hypeStarts', data.hypeStarts.filter((s) => !s.alert && data.hypeStarts.some((u) => u.alert && u.roomId === s.roomId && u.beginMs === s.beginMs))],
    ['adWindows', data.adWindows.filter((a) => a.cancelledAtMs === null && data.adWindows.some((u) => u.cancelledAtMs !== null && u.roomId === a.roomId && u.startMs === a.startMs))],
  ];
  for (const [topic, records] of superseded) {
    const mapping = TABLE_MAPPINGS.find((m) => m.topic === topic)!;
    await insertRows(sql, mapping.table, records.map((r) => mapping.toRow(r as never)));
  }
  // Early (non-final) results of some windows, inserted after the final ones: `is_final` is the
  // ReplacingMergeTree version, so FINAL must keep the final result whatever the insert order.
  const rates = TABLE_MAPPINGS.find((m) => m.topic === 'chatRates')!;
  const early = data.chatRates.filter((_, i) => i % 10 === 0).map((r) => rates.toRow({ ...r, messages: r.messages + 100, early: true } as never));
  await insertRows(sql, rates.table, early);
}

async function insertRows(sql: SqlRunner, table: string, rows: readonly Row[]): Promise<void> {
  const chunk = 5_000;
  for (let i = 0; i < rows.length; i += chunk) {
    const body = rows.slice(i, i + chunk).map((r) => JSON.stringify(r)).join('\n');
    await sql.command(`INSERT INTO ${table} FORMAT JSONEachRow\n${body}`);
  }
}
