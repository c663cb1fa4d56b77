import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session } from 'chdb';
import { ConfigError } from '../core/errors.ts';
import type { ChatMessage } from '../schemas/types.ts';
import { chdbSql } from '../test/support/chdbSql.ts';
import { adWindowsAsStored, insightDataSet, loadInsightData } from '../test/support/insightData.ts';
import { INSIGHT_NAMES, insightParams, insightQuery, isoSeconds, loadInsight, missingTables, runInsight, type InsightParams, type InsightRows } from './insights.ts';
import { migrate } from './migrations.ts';
import type { SqlRunner } from './sql.ts';

// Every expectation below is computed in JavaScript from the same records that were loaded,
// never from ClickHouse, so a wrong query (or one that forgot FINAL) fails here.

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const data = insightDataSet();
const fromMs = (data.untilSeconds - data.sinceSeconds) * 1000;
const untilMs = data.untilSeconds * 1000;
const inPeriod = (ms: number) => ms >= fromMs && ms < untilMs;
const messages = data.messages.filter((m) => m.channel === data.channel && inPeriod(m.eventTimeMs));
const minutes = data.chatRates
  .filter((r) => r.channel === data.channel && r.sizeMs === MINUTE_MS && inPeriod(r.windowStartMs))
  .sort((a, b) => a.windowStartMs - b.windowStartMs);
const subMinutes = data.subActivity.filter((s) => s.channel === data.channel && inPeriod(s.windowStartMs));
const bursts = data.subBursts.filter((b) => b.channel === data.channel && inPeriod(b.beginMs));
const hypes = data.hype.filter((h) => h.channel === data.channel);
const chatter = (m: ChatMessage) => m.userId || m.login;
const dayOfWeek = (ms: number) => ((new Date(ms).getUTCDay() + 6) % 7) + 1;
const hourOf = (ms: number) => new Date(ms).getUTCHours();
const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
const iso = (ms: number) => isoSeconds(Math.floor(ms / 1000));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const near = (actual: number, expected: number, what: string, tolerance = 0.0015) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const stddevPop = (xs: readonly number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

describe('insight queries on current ClickHouse (chdb), on a simulated week loaded as the sink writes it', () => {
  const session = new Session();
  let sql: SqlRunner;
  const params = insightParams({ channel: data.channel, untilSeconds: data.untilSeconds, sinceSeconds: data.sinceSeconds });
  const results: { [N in (typeof INSIGHT_NAMES)[number]]?: Array<InsightRows[N]> } = {};
  const rows = <N extends (typeof INSIGHT_NAMES)[number]>(name: N) => results[name] as Array<InsightRows[N]>;

  before(async () => {
    sql = chdbSql(session, 'insights_spec');
    await migrate(sql);
    await loadInsightData(sql, data);
    for (const name of INSIGHT_NAMES) (results as Record<string, unknown>)[name] = await runInsight(sql, name, params);
  });
  after(() => session.cleanup());

  it('holds rows written twice (merges stopped), which every query collapses with FINAL', async () => {
    const [raw] = await sql.rows<{ n: string | number }>(`SELECT count() AS n FROM chat_messages WHERE channel = '${data.channel}'`);
    assert.ok(Number(raw!.n) > messages.length, `expected duplicate rows, found ${raw!.n} for ${messages.length} messages`);
    for (const name of INSIGHT_NAMES) {
      for (const table of loadInsight(name).tables) assert.match(loadInsight(name).template, new RegExp(`FROM ${table} FINAL`));
      assert.doesNotMatch(loadInsight(name).template, /FROM (chat_messages|chat_events|chat_rates|sub_activity|sub_bursts|hype|ad_windows|category_changes|stream_snapshots)\b(?! FINAL)/, name);
    }
  });

  it('summary: messages, chatters, events and minutes of the channel in the period', () => {
    const events = data.events.filter((e) => e.channel === data.channel && inPeriod(e.eventTimeMs));
    assert.deepEqual(rows('summary'), [{
      messages: messages.length, chatters: new Set(messages.map(chatter)).size, events: events.length, active_minutes: minutes.length,
      first_message: iso(Math.min(...messages.map((m) => m.eventTimeMs))), last_message: iso(Math.max(...messages.map((m) => m.eventTimeMs))),
    }]);
  });

  it('heatmap: every hour-of-week cell counts its messages and chatters; the cells sum to all messages', () => {
    const cells = groupBy(messages, (m) => `${dayOfWeek(m.eventTimeMs)} ${hourOf(m.eventTimeMs)}`);
    const expected = [...cells.values()]
      .map((ms) => ({
        day_of_week: dayOfWeek(ms[0]!.eventTimeMs), hour: hourOf(ms[0]!.eventTimeMs), messages: ms.length,
        chatters: new Set(ms.map(chatter)).size, active_minutes: new Set(ms.map((m) => floorTo(m.eventTimeMs, MINUTE_MS))).size,
      }))
      .sort((a, b) => a.day_of_week - b.day_of_week || a.hour - b.hour);
    const got = rows('heatmap');
    assert.deepEqual(got.map(({ messages_per_minute: _, ...cell }) => cell), expected);
    got.forEach((c) => near(c.messages_per_minute, c.messages / c.active_minutes, 'messages per minute', 0.006));
    assert.equal(got.reduce((n, c) => n + c.messages, 0), messages.length);
    assert.deepEqual(got.map((c) => `${c.day_of_week} ${c.hour}`), ['1 18', '1 19', '1 20', '3 19', '3 20', '6 14', '6 15']);
  });

  it('peak moments: streams split at 30 quiet minutes, the top 3 minutes of each with their top emotes', () => {
    const streams: Array<typeof minutes> = [];
    for (const m of minutes) {
      const current = streams.at(-1);
      if (current && m.windowStartMs - current.at(-1)!.windowStartMs < 31 * MINUTE_MS) current.push(m);
      else streams.push([m]);
    }
    assert.equal(streams.length, 4, 'Monday has two streams 45 minutes apart, Wednesday and Saturday one each');
    const expected = streams.flatMap((s) =>
      [...s].sort((a, b) => b.messages - a.messages || a.windowStartMs - b.windowStartMs).slice(0, 3).map((m) => ({
        stream_start: iso(s[0]!.windowStartMs), stream_end: iso(s.at(-1)!.windowStartMs + MINUTE_MS),
        stream_total_messages: s.reduce((n, x) => n + x.messages, 0), minute_start: iso(m.windowStartMs), messages: m.messages, chatters: m.chatters,
        top_emote_ids: m.topEmotes.slice(0, 3).map((e) => e.id), top_emote_counts: m.topEmotes.slice(0, 3).map((e) => e.count),
      })));
    const got = rows('peak_moments');
    assert.deepEqual(got.map(({ stream_messages_per_minute: _a, vs_stream_average: _b, ...row }) => row), expected);
    for (const row of got) {
      const perMinute = row.stream_total_messages / ((Date.parse(row.stream_end) - Date.parse(row.stream_start)) / MINUTE_MS);
      near(row.stream_messages_per_minute, perMinute, 'stream average', 0.006);
      near(row.vs_stream_average, row.messages / row.stream_messages_per_minute, 'ratio to average', 0.006);
    }
  });

  /** Per hour with chat or subscriptions: the subs_hourly rows as JavaScript computes them. */
  function expectedHours() {
    const hours = new Map<number, { subs: number; resubs: number; gifted_subs: number; mass_gifts: number; upgrades: number; bursts: number }>();
    const hour = (ms: number) => {
      const h = floorTo(ms, HOUR_MS);
      if (!hours.has(h)) hours.set(h, { subs: 0, resubs: 0, gifted_subs: 0, mass_gifts: 0, upgrades: 0, bursts: 0 });
      return hours.get(h)!;
    };
    for (const m of minutes) hour(m.windowStartMs);
    for (const s of subMinutes) {
      const h = hour(s.windowStartMs);
      h.subs += s.subs; h.resubs += s.resubs; h.gifted_subs += s.giftedSubs; h.mass_gifts += s.massGifts; h.upgrades += s.upgrades;
    }
    for (const b of bursts) hour(b.beginMs).bursts++;
    const totals = [...hours.values()].map((h) => h.subs + h.resubs + h.gifted_subs);
    const threshold = mean(totals) + 2 * stddevPop(totals);
    return {
      mean: mean(totals), deviation: stddevPop(totals),
      rows: [...hours].sort(([a], [b]) => a - b).map(([startMs, h]) => {
        const total = h.subs + h.resubs + h.gifted_subs;
        return { hour_start: iso(startMs), ...h, total, volume_spike: total > 0 && total > threshold, burst_spike: h.bursts > 0, is_spike: (total > 0 && total > threshold) || h.bursts > 0 };
      }),
    };
  }

  it('subs per hour: totals, and spikes above mean + 2σ of the hours or with a sub burst', () => {
    const expected = expectedHours();
    const got = rows('subs_hourly');
    assert.deepEqual(got.map(({ channel_mean_per_hour: _a, channel_stddev_per_hour: _b, ...row }) => row), expected.rows);
    got.forEach((r) => {
      near(r.channel_mean_per_hour, expected.mean, 'mean', 0.006);
      near(r.channel_stddev_per_hour, expected.deviation, 'stddev', 0.006);
    });
    const spikes = got.filter((r) => r.is_spike).map((r) => [r.hour_start, r.volume_spike, r.burst_spike]);
    assert.deepEqual(spikes, [[iso(floorTo(data.planted.giftBomb.atMs, HOUR_MS)), true, false], [iso(floorTo(data.planted.burstBeginMs, HOUR_MS)), false, true]]);
  });

  it('subs per day: the days of the hours, summed', () => {
    const byDay = groupBy(expectedHours().rows, (h) => h.hour_start.slice(0, 10));
    const sum = (hs: ReturnType<typeof expectedHours>['rows'], k: 'subs' | 'resubs' | 'gifted_subs' | 'mass_gifts' | 'upgrades' | 'total' | 'bursts') =>
      hs.reduce((n, h) => n + h[k], 0);
    assert.deepEqual(rows('subs_daily'), [...byDay].map(([date, hs]) => ({
      date, subs: sum(hs, 'subs'), resubs: sum(hs, 'resubs'), gifted_subs: sum(hs, 'gifted_subs'), mass_gifts: sum(hs, 'mass_gifts'),
      upgrades: sum(hs, 'upgrades'), total: sum(hs, 'total'), bursts: sum(hs, 'bursts'),
    })));
  });

  it('what preceded each sub spike: the planted raid 3 minutes and category change 8 minutes before the burst', () => {
    const got = rows('sub_spike_causes');
    const burst = got.find((r) => r.kind === 'burst')!;
    assert.equal(burst.moment, iso(data.planted.burstBeginMs));
    assert.deepEqual([burst.subs, burst.contributors], [4, 4]);
    assert.deepEqual(burst.raiders, [data.planted.raid.raider]);
    assert.deepEqual(burst.raid_viewer_counts, [data.planted.raid.viewerCount]);
    assert.deepEqual(burst.raid_minutes_before, [3]);
    assert.deepEqual(burst.category_changes, ['Minecraft → Elden Ring'], 'the change 43 minutes before is outside the 10 minutes');
    assert.deepEqual(burst.category_minutes_before, [8]);
    const spike = got.find((r) => r.kind === 'spike')!;
    assert.equal(spike.moment, iso(floorTo(data.planted.giftBomb.atMs, MINUTE_MS)), 'the busiest sub minute of the spike hour');
    assert.equal(spike.subs, expectedHours().rows.find((h) => h.volume_spike)!.total);
    assert.deepEqual([spike.raiders, spike.category_changes], [[], []]);
    assert.equal(got.length, 2);
  });

  it('what preceded each sub spike: every raid, hype and category change in the 10 minutes, as JavaScript finds them', () => {
    const windowMs = 10 * MINUTE_MS;
    const raids = data.events.filter((e) => e.channel === data.channel && e.kind === 'raid');
    for (const row of rows('sub_spike_causes')) {
      const at = row.kind === 'burst' ? bursts.find((b) => iso(b.beginMs) === row.moment)!.beginMs : Date.parse(row.moment);
      const near10 = (t: number) => t >= at - windowMs && t <= at;
      const rs = raids.filter((r) => near10(r.eventTimeMs));
      assert.deepEqual(row.raiders, rs.map((r) => r.raiderLogin));
      assert.deepEqual(row.raid_minutes_before, rs.map((r) => round((at - r.eventTimeMs) / MINUTE_MS, 1)));
      const hs = hypes.filter((h) => h.endMs >= at - windowMs && h.beginMs <= at).sort((a, b) => a.beginMs - b.beginMs);
      assert.deepEqual(row.hype_intensity, hs.map((h) => round(h.intensity, 2)));
      assert.deepEqual(row.hype_minutes_before, hs.map((h) => round((at - h.beginMs) / MINUTE_MS, 1)));
      const cs = data.categoryChanges.filter((c) => near10(c.observedAtMs));
      assert.deepEqual(row.category_changes, cs.map((c) => `${c.fromGameName} → ${c.toGameName}`));
    }
  });

  it('ad slots: audience × attention without hype; the all-hype hour is never recommended, though it has the most chat', () => {
    // Cancelled windows are left out: a hype withdrew them.
    const ads = adWindowsAsStored(data.adWindows).filter((a) => a.channel === data.channel && inPeriod(a.startMs) && a.cancelledAtMs === null);
    assert.ok(inPeriod(data.planted.cancelledAd.startMs), 'the planted cancelled window is in the period');
    const cells = groupBy(minutes, (m) => `${dayOfWeek(m.windowStartMs)} ${hourOf(m.windowStartMs)}`);
    const all = { minutes: minutes.length, messages: minutes.reduce((n, m) => n + m.messages, 0), chatters: minutes.reduce((n, m) => n + m.chatters, 0) };
    const got = rows('ad_slots');
    assert.equal(got.length, cells.size);
    for (const [key, ms] of cells) {
      const row = got.find((r) => `${r.day_of_week} ${r.hour}` === key)!;
      const messagesSum = ms.reduce((n, m) => n + m.messages, 0);
      const chattersSum = ms.reduce((n, m) => n + m.chatters, 0);
      const inHype = ms.filter((m) => hypes.some((h) => h.beginMs < m.windowStartMs + MINUTE_MS && h.endMs > m.windowStartMs)).length;
      const hourStarts = new Set(ms.map((m) => floorTo(m.windowStartMs, HOUR_MS)));
      const adHours = [...hourStarts].filter((h) => ads.some((a) => a.startMs >= h && a.startMs < h + HOUR_MS)).length;
      const audience = (chattersSum / ms.length) / (all.chatters / all.minutes);
      const attention = (messagesSum / chattersSum) / (all.messages / all.chatters);
      const score = audience * attention * (1 - inHype / ms.length) * (1 + adHours / hourStarts.size / 2);
      assert.equal(row.active_minutes, ms.length, key);
      assert.equal(row.ad_windows, ads.filter((a) => ms.some((m) => a.startMs >= m.windowStartMs && a.startMs < m.windowStartMs + MINUTE_MS)).length, key);
      near(row.audience_index, audience, `${key} audience`);
      near(row.attention_index, attention, `${key} attention`);
      near(row.hype_share, inHype / ms.length, `${key} hype share`);
      near(row.ad_window_share, adHours / hourStarts.size, `${key} ad window share`);
      near(row.score, score, `${key} score`, 0.006);
      assert.equal(row.recommended, score >= 0.5 && inHype / ms.length < 0.5 && ms.length >= 10, key);
    }
    const { dayOfWeek: day, hour } = data.planted.allHypeHour;
    const allHype = got.find((r) => r.day_of_week === day && r.hour === hour)!;
    assert.equal(allHype.hype_share, 1);
    assert.equal(allHype.recommended, false);
    assert.equal(Math.max(...got.map((r) => r.audience_index)), allHype.audience_index, 'without the hype rule it would be the best hour');
    assert.ok(got.some((r) => r.recommended), 'some hour is recommended');
    assert.deepEqual(got.map((r) => r.score), [...got.map((r) => r.score)].sort((a, b) => b - a), 'best first');
  });

  it('top chatters: the planted superfan first, then everyone ranked by messages as JavaScript counts them', () => {
    const byChatter = [...groupBy(messages, chatter).values()].map((ms) => {
      const latest = ms.reduce((a, b) => (b.eventTimeMs > a.eventTimeMs ? b : a));
      return {
        chatter: latest.login, messages: ms.length, share: round(ms.length / messages.length, 4),
        active_days: new Set(ms.map((m) => new Date(m.eventTimeMs).toISOString().slice(0, 10))).size,
        emotes: ms.reduce((n, m) => n + m.emoteCount, 0), bits: ms.reduce((n, m) => n + m.bits, 0), subscriber: ms.some((m) => m.subscriber),
        first_seen: iso(Math.min(...ms.map((m) => m.eventTimeMs))), last_seen: iso(Math.max(...ms.map((m) => m.eventTimeMs))),
      };
    });
    byChatter.sort((a, b) => b.messages - a.messages || (a.chatter < b.chatter ? -1 : a.chatter > b.chatter ? 1 : 0));
    const got = rows('top_chatters');
    assert.equal(got[0]!.chatter, data.planted.superfan);
    assert.equal(got[0]!.messages, messages.filter((m) => m.login === data.planted.superfan).length);
    assert.deepEqual(got.map(({ share: _, ...r }) => r), byChatter.slice(0, 10).map(({ share: _, ...r }) => r));
    got.forEach((r, i) => near(r.share, byChatter[i]!.share, 'share', 0.0001));
  });

  it('top emotes: uses, messages and chatters per emote id, named from emote-only messages', () => {
    const byEmote = new Map<string, { uses: number; messages: number; chatters: Set<string>; name: string }>();
    for (const m of messages) {
      for (const e of m.emotes) {
        const entry = byEmote.get(e.id) ?? { uses: 0, messages: 0, chatters: new Set<string>(), name: '' };
        entry.uses += e.count;
        entry.messages++;
        entry.chatters.add(chatter(m));
        if (m.emoteOnly && m.emoteCount === 1 && m.emotes.length === 1 && !m.text.includes(' ')) entry.name = m.text;
        byEmote.set(e.id, entry);
      }
    }
    const expected = [...byEmote]
      .map(([id, e]) => ({ emote_id: id, name: e.name, uses: e.uses, messages: e.messages, chatters: e.chatters.size }))
      .sort((a, b) => b.uses - a.uses || (a.emote_id < b.emote_id ? -1 : 1))
      .slice(0, 10);
    assert.deepEqual(rows('top_emotes'), expected);
    assert.equal(rows('top_emotes').find((r) => r.emote_id === '25')?.name, 'Kappa');
  });

  it('counts only the period: with --since 2d the report sees Saturday alone', async () => {
    const saturday = insightParams({ ...params, sinceSeconds: 2 * 86_400 });
    const cells = await runInsight(sql, 'heatmap', saturday);
    assert.deepEqual(cells.map((c) => c.day_of_week), [6, 6]);
    assert.equal(cells.reduce((n, c) => n + c.messages, 0), messages.filter((m) => m.eventTimeMs >= untilMs - 2 * 86_400_000).length);
  });

  it('counts only the channel: another channel chatting at the same time sees its own messages', async () => {
    const other = await runInsight(sql, 'summary', insightParams({ ...params, channel: data.otherChannel }));
    assert.equal(other[0]!.messages, data.messages.filter((m) => m.channel === data.otherChannel).length);
    assert.equal(other[0]!.events, data.events.filter((e) => e.channel === data.otherChannel).length);
  });

  it('answers an unknown channel with empty results, not an error', async () => {
    const nobody = insightParams({ ...params, channel: 'nobody_here' });
    assert.deepEqual(await runInsight(sql, 'summary', nobody), [{ messages: 0, chatters: 0, events: 0, active_minutes: 0, first_message: null, last_message: null }]);
    for (const name of INSIGHT_NAMES.filter((n) => n !== 'summary')) assert.deepEqual(await runInsight(sql, name, nobody), [], name);
  });
});

describe('insight parameters and SQL', () => {
  const base = { channel: 'xqc', untilSeconds: 1_715_558_400 } as const;

  it('fills defaults and sends every value as a typed query parameter, none in the SQL', () => {
    const params = insightParams(base);
    assert.deepEqual({ ...params }, { channel: 'xqc', untilSeconds: 1_715_558_400, sinceSeconds: 604_800, gapMinutes: 30, top: 3, limit: 10, minutes: 10, minMinutes: 10 });
    for (const name of INSIGHT_NAMES) {
      const query = insightQuery(name, params);
      assert.equal(query.sql, loadInsight(name).template, name);
      assert.doesNotMatch(query.sql.split('\n').filter((l) => !l.trimStart().startsWith('--')).join('\n'), /xqc|1715558400|\{[a-z_]+\}/, name);
      assert.match(query.sql, /(channel|login) = \{channel:String\}/, name);
      assert.match(query.sql, /toDateTime\(\{until_seconds:UInt32\} - \{since_seconds:UInt32\}\)/, name);
      assert.deepEqual([query.params.channel, query.params.until_seconds, query.params.since_seconds], ['xqc', 1_715_558_400, 604_800], name);
    }
    const peaks = insightQuery('peak_moments', insightParams({ ...base, gapMinutes: 45, top: 5 }));
    assert.match(peaks.sql, /\(\{gap_minutes:UInt32\} \+ 1\) \* 60[\s\S]*LIMIT \{top:UInt32\} BY/);
    assert.deepEqual([peaks.params.gap_minutes, peaks.params.top], [45, 5]);
  });

  it('reads each file\'s question and the tables it reads', () => {
    for (const name of INSIGHT_NAMES) assert.match(loadInsight(name).question, /\?$/, name);
    assert.deepEqual(loadInsight('sub_spike_causes').tables, ['category_changes', 'chat_events', 'chat_rates', 'hype', 'sub_activity', 'sub_bursts']);
  });

  it('lower-cases the channel and refuses what is not a Twitch login', () => {
    assert.equal(insightParams({ ...base, channel: ' XQC ' }).channel, 'xqc');
    for (const channel of ["x' OR 1=1 --", '', 'a'.repeat(26), '#xqc']) assert.throws(() => insightParams({ ...base, channel }), ConfigError, channel);
  });

  it('refuses numbers out of bounds, naming the field', () => {
    const cases: Array<[Partial<InsightParams>, RegExp]> = [
      [{ top: 0 }, /^top must be an integer in 1\.\.1000, got 0$/],
      [{ limit: 2.5 }, /^limit /],
      [{ minutes: -1 }, /^minutes /],
      [{ sinceSeconds: Number.NaN }, /^sinceSeconds /],
      [{ sinceSeconds: 2_000_000_000 }, /^sinceSeconds /],
      [{ untilSeconds: 2 ** 32 }, /^untilSeconds /],
    ];
    for (const [over, message] of cases) assert.throws(() => insightParams({ ...base, ...over }), (e: unknown) => e instanceof ConfigError && message.test(e.message));
  });

  it('lists the missing tables of a database without migrations, and none after them', async () => {
    const session = new Session();
    try {
      const sql = chdbSql(session, 'insights_missing');
      assert.deepEqual(await missingTables(sql, ['top_chatters']), ['chat_messages']);
      assert.deepEqual(await missingTables(sql, ['sub_spike_causes', 'heatmap'], 'insights_missing'), ['category_changes', 'chat_events', 'chat_messages', 'chat_rates', 'hype', 'sub_activity', 'sub_bursts']);
      await migrate(sql);
      assert.deepEqual(await missingTables(sql), []);
      assert.deepEqual(await missingTables(sql, INSIGHT_NAMES, 'no_such_database'), ['ad_windows', 'category_changes', 'chat_events', 'chat_messages', 'chat_rates', 'hype', 'sub_activity', 'sub_bursts']);
    } finally {
      session.cleanup();
    }
  });
});
