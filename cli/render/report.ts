import { loadInsight, type InsightName, type InsightParams, type InsightRows, type IsoTime } from '../../clickhouse/insights.ts';
import { DAY_NAMES, renderHeatmap } from './heatmap.ts';
import { sparkline } from './sparkline.ts';
import { renderTable } from './table.ts';

/** The report's sections, in print order, and the insight queries each one needs. */
export const REPORT_SECTIONS = {
  heatmap: ['heatmap'],
  peaks: ['peak_moments'],
  subs: ['subs_daily', 'subs_hourly'],
  spikes: ['sub_spike_causes'],
  ads: ['ad_slots'],
  chatters: ['top_chatters'],
  emotes: ['top_emotes'],
} as const satisfies Record<string, readonly InsightName[]>;

/** A section name of `twitch-pulse report --only`. */
export type ReportSection = keyof typeof REPORT_SECTIONS;

/** What the report prints: the period, the channel's summary and the rows of each insight that ran. */
export interface ReportData {
  readonly params: InsightParams;
  readonly summary: InsightRows['summary'];
  readonly results: { readonly [N in InsightName]?: ReadonlyArray<InsightRows[N]> };
}

/** True when the channel has nothing at all in the period (no chat, no events, no chat rates). */
export function isEmptyReport(summary: InsightRows['summary']): boolean {
  return summary.messages === 0 && summary.events === 0 && summary.active_minutes === 0;
}

/** The report for people: a header, then each requested section as tables, sparklines and a heatmap. */
export function renderReport(data: ReportData, sections: readonly ReportSection[]): string {
  const { params, summary } = data;
  const head = `#${params.channel}  ${period(params)}`;
  if (isEmptyReport(summary)) {
    return `${head}\nNo data for #${params.channel} in this period: no chat messages, chat events or chat rates in ClickHouse.\n` +
      'Check the channel login, widen --since, or check that `twitch-pulse sink clickhouse` is running.';
  }
  const lines = [
    head,
    `${count(summary.messages)} messages from ${count(summary.chatters)} chatters, ${count(summary.events)} chat events, ` +
      `${count(summary.active_minutes)} minutes with chat; first ${time(summary.first_message)}, last ${time(summary.last_message)}`,
  ];
  for (const section of sections) lines.push('', SECTION_RENDERERS[section](data));
  return lines.join('\n');
}

const SECTION_RENDERERS: Record<ReportSection, (data: ReportData) => string> = {
  heatmap: ({ results }) => {
    const cells = results.heatmap ?? [];
    const busiest = [...cells].sort((a, b) => b.messages - a.messages)[0];
    return [
      title('heatmap'),
      renderHeatmap(cells.map((c) => ({ dayOfWeek: c.day_of_week, hour: c.hour, value: c.messages })), 'messages'),
      busiest ? `busiest: ${slot(busiest.day_of_week, busiest.hour)}, ${count(busiest.messages)} messages from ${count(busiest.chatters)} chatters (${busiest.messages_per_minute}/min)` : '',
    ].join('\n');
  },
  peaks: ({ results }) => {
    const names = emoteNames(results.top_emotes);
    const streams = new Map<string, Array<InsightRows['peak_moments']>>();
    for (const row of results.peak_moments ?? []) streams.set(row.stream_start, [...(streams.get(row.stream_start) ?? []), row]);
    const parts = [title('peak_moments')];
    for (const rows of streams.values()) {
      const s = rows[0]!;
      parts.push(`stream ${time(s.stream_start)} → ${time(s.stream_end).slice(-5)}: ${count(s.stream_total_messages)} messages, ${s.stream_messages_per_minute}/min on average`);
      parts.push(renderTable(
        [{ header: 'minute' }, { header: 'messages', align: 'right' }, { header: 'chatters', align: 'right' }, { header: '× avg', align: 'right' }, { header: 'top emotes' }],
        rows.map((r) => [time(r.minute_start), count(r.messages), count(r.chatters), r.vs_stream_average.toFixed(1),
          r.top_emote_ids.map((id, i) => `${names.get(id) ?? id}×${r.top_emote_counts[i]}`).join(' ')]),
      ));
    }
    return parts.join('\n');
  },
  subs: ({ results }) => {
    const hourly = results.subs_hourly ?? [];
    const max = Math.max(0, ...hourly.map((h) => h.total));
    const byDay = (date: string) => {
      const values = new Array<number>(24).fill(0);
      for (const h of hourly) if (h.hour_start.startsWith(date)) values[Number(h.hour_start.slice(11, 13))] = h.total;
      return sparkline(values, { min: 0, max });
    };
    const spikes = hourly.filter((h) => h.is_spike);
    const first = hourly[0];
    return [
      title('subs_daily'),
      renderTable(
        [{ header: 'day' }, { header: 'subs', align: 'right' }, { header: 'resubs', align: 'right' }, { header: 'gifted', align: 'right' },
          { header: 'gift bombs', align: 'right' }, { header: 'total', align: 'right' }, { header: 'bursts', align: 'right' }, { header: 'per hour 00..23 UTC' }],
        (results.subs_daily ?? []).map((d) => [`${DAY_NAMES[(new Date(`${d.date}T00:00:00Z`).getUTCDay() + 6) % 7]} ${d.date}`,
          count(d.subs), count(d.resubs), count(d.gifted_subs), count(d.mass_gifts), count(d.total), count(d.bursts), byDay(d.date)]),
      ),
      spikes.length === 0
        ? 'no spike hours (none above the mean + 2σ of the channel\'s hours, no sub bursts)'
        : `spike hours (total above ${first ? (first.channel_mean_per_hour + 2 * first.channel_stddev_per_hour).toFixed(1) : '?'} = mean + 2σ of the channel's hours, or a sub burst):\n` +
          renderTable(
            [{ header: 'hour' }, { header: 'total', align: 'right' }, { header: 'gifted', align: 'right' }, { header: 'why' }],
            spikes.map((h) => [time(h.hour_start), count(h.total), count(h.gifted_subs),
              [h.volume_spike ? 'volume' : '', h.burst_spike ? `${h.bursts} sub burst${h.bursts > 1 ? 's' : ''}` : ''].filter(Boolean).join(', ')]),
          ),
    ].join('\n');
  },
  spikes: ({ results, params }) => {
    const rows = results.sub_spike_causes ?? [];
    if (rows.length === 0) return `${title('sub_spike_causes')}\nno sub spikes or bursts in this period`;
    return [
      title('sub_spike_causes'),
      renderTable(
        [{ header: 'moment' }, { header: 'what' }, { header: 'subs', align: 'right' }, { header: `in the ${params.minutes} min before` }],
        rows.map((r) => [time(r.moment), r.kind === 'burst' ? `burst (${r.contributors} people)` : 'spike hour peak', count(r.subs), causes(r)]),
      ),
    ].join('\n');
  },
  ads: ({ results, params }) => {
    const rows = results.ad_slots ?? [];
    return [
      title('ad_slots'),
      renderTable(
        [{ header: 'hour of week' }, { header: 'minutes', align: 'right' }, { header: 'msg/min', align: 'right' }, { header: 'chatters/min', align: 'right' },
          { header: 'audience', align: 'right' }, { header: 'attention', align: 'right' }, { header: 'hype', align: 'right' },
          { header: 'ad windows', align: 'right' }, { header: 'score', align: 'right' }, { header: 'run ads?' }],
        rows.map((r) => [slot(r.day_of_week, r.hour), count(r.active_minutes), String(r.messages_per_minute), String(r.chatters_per_minute),
          r.audience_index.toFixed(2), r.attention_index.toFixed(2), percent(r.hype_share), count(r.ad_windows), r.score.toFixed(2),
          r.recommended ? '✓ recommended' : r.hype_share >= 0.5 ? 'no: hype' : r.active_minutes < params.minMinutes ? 'no: too little data' : 'no']),
      ),
      'score = audience × attention × (1 − hype) × (1 + ½ share of hours with an ad window); recommended: score ≥ 0.5 and hype < 50 %',
    ].join('\n');
  },
  chatters: ({ results }) => [
    title('top_chatters'),
    renderTable(
      [{ header: '#', align: 'right' }, { header: 'chatter' }, { header: 'messages', align: 'right' }, { header: 'share', align: 'right' },
        { header: 'days', align: 'right' }, { header: 'emotes', align: 'right' }, { header: 'bits', align: 'right' }, { header: 'sub' }],
      (results.top_chatters ?? []).map((r, i) => [String(i + 1), r.chatter, count(r.messages), percent(r.share, 2), String(r.active_days),
        count(r.emotes), count(r.bits), r.subscriber ? 'yes' : '']),
    ),
  ].join('\n'),
  emotes: ({ results }) => [
    title('top_emotes'),
    renderTable(
      [{ header: '#', align: 'right' }, { header: 'emote' }, { header: 'id' }, { header: 'uses', align: 'right' },
        { header: 'messages', align: 'right' }, { header: 'chatters', align: 'right' }],
      (results.top_emotes ?? []).map((r, i) => [String(i + 1), r.name || '?', r.emote_id, count(r.uses), count(r.messages), count(r.chatters)]),
    ),
  ].join('\n'),
};

function title(name: InsightName): string {
  return `── ${loadInsight(name).question}`;
}

function causes(r: InsightRows['sub_spike_causes']): string {
  const found = [
    ...r.raiders.map((login, i) => `raid by ${login} (${count(r.raid_viewer_counts[i]!)} viewers) ${r.raid_minutes_before[i]} min before`),
    ...r.hype_intensity.map((sigma, i) => `hype (${sigma}σ) from ${r.hype_minutes_before[i]} min before`),
    ...r.category_changes.map((move, i) => `category ${move} ${r.category_minutes_before[i]} min before`),
  ];
  return found.length > 0 ? found.join('; ') : 'no raid, hype or category change';
}

function emoteNames(rows: ReadonlyArray<InsightRows['top_emotes']> | undefined): Map<string, string> {
  return new Map((rows ?? []).filter((r) => r.name).map((r) => [r.emote_id, r.name]));
}

function period(params: InsightParams): string {
  const from = new Date((params.untilSeconds - params.sinceSeconds) * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const until = new Date(params.untilSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
  return `${from} → ${until} UTC`;
}

function time(iso: IsoTime | null): string {
  if (!iso) return '-';
  return `${DAY_NAMES[(new Date(iso).getUTCDay() + 6) % 7]} ${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function slot(dayOfWeek: number, hour: number): string {
  return `${DAY_NAMES[dayOfWeek - 1]} ${String(hour).padStart(2, '0')}:00–${String((hour + 1) % 24).padStart(2, '0')}:00`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function percent(share: number, digits = 0): string {
  return `${(share * 100).toFixed(digits)} %`;
}
