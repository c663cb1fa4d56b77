import grafana from 'grafana-dash-gen';
import { FieldColorModeId, type Dashboard } from '@grafana/schema';
import { CLICKHOUSE_DATASOURCE, sqlTarget } from './datasource.ts';
import { toGrafanaDashboard } from './layout.ts';
import { statPanel, tablePanel, timeseriesPanel } from './panels.ts';
import { bucketSeconds, bucketTime, inChannels } from './sqlParts.ts';

const { Annotations, Dashboard: DashGen, Row, Templates } = grafana;

// Kinds of chat_events that are subscriptions (Twitch msg-id values).
const SUB_KINDS = `'sub', 'resub', 'subgift', 'anonsubgift', 'submysterygift', 'anonsubmysterygift', 'giftpaidupgrade', 'anongiftpaidupgrade', 'primepaidupgrade'`;
const GIFT_BOMB_KINDS = `'submysterygift', 'anonsubmysterygift'`;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** The channel variable: channels with chat rates in the time range (duplicates do not matter to DISTINCT, so no FINAL). */
export const CHANNEL_VARIABLE_SQL = 'SELECT DISTINCT channel FROM chat_rates WHERE $__timeFilter(window_start) ORDER BY channel';

function chatRow(): grafana.Row {
  const row = new Row({ title: 'Chat', height: '240px' });
  row.addPanel(statPanel('Messages', `
SELECT sum(messages) AS messages FROM chat_rates FINAL
WHERE size_ms = 60000 AND ${inChannels()} AND $__timeFilter(window_start)`, { span: 3, description: 'Chat messages in the time range (1 min chat rates).' }));
  row.addPanel(statPanel('Unique chatters', `
SELECT uniqExact(if(user_id = '', login, user_id)) AS chatters FROM chat_messages FINAL
WHERE ${inChannels()} AND $__timeFilter(event_time)`, { span: 3, description: 'Distinct chatters (user id, else login) in the time range.' }));
  row.addPanel(statPanel('Sub events', `
SELECT count() AS sub_events FROM chat_events FINAL
WHERE kind IN (${SUB_KINDS}) AND ${inChannels()} AND $__timeFilter(event_time)`, { span: 3, description: 'Subs, resubs, gifts and upgrades (one per USERNOTICE).' }));
  row.addPanel(statPanel('Hypes', `
SELECT count() AS hypes FROM hype FINAL
WHERE ${inChannels()} AND $__timeFilter(begin_time)`, { span: 3, description: 'Hype moments that began in the time range.' }));
  row.addPanel(timeseriesPanel('Message rate per channel (10 s windows)', `
${bucketSeconds(10)}
SELECT ${bucketTime('window_start')}, channel, sum(messages) / bucket_s AS messages_per_second
FROM chat_rates FINAL
WHERE size_ms = 10000 AND ${inChannels()} AND $__timeFilter(window_start)
GROUP BY time, channel
ORDER BY time, channel`, { span: 8, unit: 'short', description: 'Messages per second from the topology\'s 10 s tumbling windows, averaged over wider buckets when the range is long. Hypes are marked on the timeline.' }));
  row.addPanel(timeseriesPanel('Unique chatters per minute', `
${bucketSeconds(60)}
SELECT ${bucketTime('window_start')}, channel, max(chatters) AS chatters
FROM chat_rates FINAL
WHERE size_ms = 60000 AND ${inChannels()} AND $__timeFilter(window_start)
GROUP BY time, channel
ORDER BY time, channel`, { span: 4, unit: 'short', description: 'Distinct chatters per 1 min window (the busiest minute of a wider bucket).' }));
  return row;
}

function subsRow(): grafana.Row {
  const row = new Row({ title: 'Subscriptions', height: '270px' });
  row.addPanel(timeseriesPanel('Sub events per minute', `
${bucketSeconds(60)}
SELECT ${bucketTime('window_start')}, sum(subs) AS subs, sum(resubs) AS resubs, sum(gifted_subs) AS gifted_subs, sum(upgrades) AS upgrades
FROM sub_activity FINAL
WHERE size_ms = 60000 AND ${inChannels()} AND $__timeFilter(window_start)
GROUP BY time
ORDER BY time`, { span: 7, bars: true, stacked: true, unit: 'short', description: 'Subscriptions per minute window, stacked by kind.' }));
  row.addPanel(tablePanel('Gift bombs', `
SELECT event_time AS time, channel, if(login = '', 'anonymous', login) AS gifter, mass_gift_count AS gifts, sub_plan
FROM chat_events FINAL
WHERE kind IN (${GIFT_BOMB_KINDS}) AND ${inChannels()} AND $__timeFilter(event_time)
ORDER BY time DESC, channel
LIMIT 100`, { span: 5, description: 'Mass gifts (submysterygift): one gifter, many subs at once.' }));
  return row;
}

function momentsRow(): grafana.Row {
  const row = new Row({ title: 'Hype and ad windows', height: '270px' });
  row.addPanel(tablePanel('Hype moments', `
SELECT begin_time AS time, channel, intDiv(end_ms - begin_ms, 1000) AS duration_s, round(peak_rate_per_min, 1) AS peak_per_min,
  round(baseline_rate_per_min, 1) AS baseline_per_min, round(intensity, 2) AS intensity, messages,
  arrayStringConcat(top_emote_ids, ' ') AS top_emotes
FROM hype FINAL
WHERE ${inChannels()} AND $__timeFilter(begin_time)
ORDER BY time DESC, channel
LIMIT 100`, { span: 6, description: 'Chat rate far above the channel\'s baseline: when, how long, how intense.' }));
  row.addPanel(tablePanel('Ad windows', `
SELECT start_time AS time, channel, intDiv(end_ms - start_ms, 1000) AS duration_s, round(score, 3) AS score, reason,
  round(rate_per_min, 1) AS rate_per_min,
  if(cancelled = 1, toString(toDateTime(intDiv(ifNull(cancelled_at_ms, 0), 1000), 'UTC')), '') AS cancelled_at
FROM ad_windows FINAL
WHERE ${inChannels()} AND $__timeFilter(start_time)
ORDER BY time DESC, channel
LIMIT 100`, { span: 6, description: 'Moments the topology suggests for an ad: calm but attended chat, no hype interrupted. cancelled_at: a hype began inside the window there, so the rest of it is off.' }));
  return row;
}

function audienceRow(): grafana.Row {
  const row = new Row({ title: 'Audience and categories', height: '720px' });
  const cells = WEEKDAYS.map((day, i) => `sumIf(messages, day_of_week = ${i + 1}) AS ${day}`).join(', ');
  row.addPanel(tablePanel('Engagement by hour of week (UTC)', `
SELECT hour, ${WEEKDAYS.join(', ')}
FROM (SELECT arrayJoin(range(24)) AS hour) AS hours
ANY LEFT JOIN (
  SELECT toHour(window_start, 'UTC') AS hour, ${cells}
  FROM (
    SELECT window_start, messages, toDayOfWeek(toDate(window_start, 'UTC')) AS day_of_week
    FROM chat_rates FINAL
    WHERE size_ms = 60000 AND ${inChannels()} AND $__timeFilter(window_start)
  )
  GROUP BY hour
) AS cells USING hour
ORDER BY hour`, {
    span: 6, description: 'Messages per hour of the week, a heatmap: one row per UTC hour, one column per ISO weekday, cells coloured by volume.',
    fieldConfig: {
      defaults: { color: { mode: FieldColorModeId.ContinuousGrYlRd }, custom: { cellOptions: { type: 'color-background' }, align: 'center' } },
      overrides: [{ matcher: { id: 'byName', options: 'hour' }, properties: [{ id: 'custom.cellOptions', value: { type: 'auto' } }] }],
    },
  }));
  row.addPanel(tablePanel('Category changes and their risk', `
SELECT observed_at AS time, login AS channel, from_game_name AS from_category, to_game_name AS to_category,
  viewers_before, viewers_after, round(risk_score, 3) AS risk, arrayStringConcat(reasons, '; ') AS reasons
FROM category_changes FINAL
WHERE ${inChannels('login')} AND $__timeFilter(observed_at)
ORDER BY risk DESC, time DESC
LIMIT 100`, {
    span: 6, description: 'Category switches between Helix sweeps, riskiest first (popular → obscure category with the audience kept).',
    fieldConfig: {
      defaults: {},
      overrides: [{ matcher: { id: 'byName', options: 'risk' }, properties: [{ id: 'custom.cellOptions', value: { type: 'color-background' } }, { id: 'color', value: { mode: FieldColorModeId.ContinuousGrYlRd } }, { id: 'min', value: 0 }, { id: 'max', value: 1 }] }],
    },
  }));
  return row;
}

/** Dashboard annotation queries: hypes, ad windows and category changes on every time axis. */
function annotations(): Array<InstanceType<typeof Annotations.Graphite>> {
  const annotation = (name: string, iconColor: string, sql: string) =>
    new Annotations.Graphite({ name, iconColor, datasource: CLICKHOUSE_DATASOURCE, enable: true, target: sqlTarget('Anno', sql, 'table') as never });
  return [
    // floor(x * 10 + 0.5) / 10, not round(x, 1): on a tie such as 7.85 (7.8499… as a double,
    // 78.5 once multiplied) 18.16 rounds half away from zero and current releases to even, so
    // the same hype would read x7.9 on one server and x7.8 on the other.
    annotation('Hype', 'orange', `
SELECT begin_time AS time, toDateTime(intDiv(end_ms, 1000), 'UTC') AS timeEnd,
  concat(channel, ': hype x', toString(floor(intensity * 10 + 0.5) / 10), ', peak ', toString(round(peak_rate_per_min)), ' msg/min') AS text, channel AS tags
FROM hype FINAL
WHERE ${inChannels()} AND $__timeFilter(begin_time)
ORDER BY time`),
    annotation('Ad windows', 'green', `
SELECT start_time AS time, toDateTime(intDiv(end_ms, 1000), 'UTC') AS timeEnd,
  concat(channel, ': ad window (', reason, ', score ', toString(round(score, 2)), ')', if(cancelled = 1, ', cancelled by a hype', '')) AS text, channel AS tags
FROM ad_windows FINAL
WHERE ${inChannels()} AND $__timeFilter(start_time)
ORDER BY time`),
    annotation('Category changes', 'purple', `
SELECT observed_at AS time, concat(login, ': ', from_game_name, ' → ', to_game_name, ' (risk ', toString(round(risk_score, 2)), ')') AS text, login AS tags
FROM category_changes FINAL
WHERE ${inChannels('login')} AND $__timeFilter(observed_at)
ORDER BY time`),
  ];
}

/**
 * "Twitch engagement": what the channels' audiences do — message rate (10 s), chatters, sub
 * events and gift bombs, hype and ad windows (also as annotations), the hour-of-week heatmap
 * and category changes with their risk — for the channels picked in the `channel` variable.
 */
export function engagementDashboard(): Dashboard {
  const dashboard = new DashGen({ title: 'Twitch engagement' });
  dashboard.addTemplate(new Templates.Query(CHANNEL_VARIABLE_SQL, {
    name: 'channel', label: 'Channel', datasource: CLICKHOUSE_DATASOURCE as never, includeAll: true, multi: true, refresh: 2 as never,
  }));
  for (const a of annotations()) dashboard.addAnnotation(a);
  for (const row of [chatRow(), subsRow(), momentsRow(), audienceRow()]) dashboard.addRow(row);
  return toGrafanaDashboard(dashboard.generate(), {
    uid: 'twitch-pulse-engagement', title: 'Twitch engagement', tags: ['twitch-pulse'], refresh: '10s', time: { from: 'now-6h', to: 'now' },
    description: 'Live engagement per channel from the twitch-pulse topology (ClickHouse). Generated by grafana/dashboards.ts; do not edit in Grafana.',
  });
}
