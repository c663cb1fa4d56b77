import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insightParams } from '../../clickhouse/insights.ts';
import { renderReport, type ReportData } from './report.ts';

const params = insightParams({ channel: 'xqc', untilSeconds: 1_715_558_400 });
const summary = { messages: 10, chatters: 3, events: 2, active_minutes: 4, first_message: '2024-05-06T18:00:00Z', last_message: '2024-05-06T20:59:00Z' };
const hour = (h: number, total: number, spike = false) => ({
  hour_start: `2024-05-06T${String(h).padStart(2, '0')}:00:00Z`, subs: 0, resubs: 0, gifted_subs: total, mass_gifts: 1, upgrades: 0, total, bursts: 0,
  volume_spike: spike, burst_spike: false, is_spike: spike, channel_mean_per_hour: 10, channel_stddev_per_hour: 20,
});

describe('renderReport', () => {
  it('says plainly that the channel has no data, and how to find out why', () => {
    const text = renderReport({ params, summary: { ...summary, messages: 0, chatters: 0, events: 0, active_minutes: 0, first_message: null, last_message: null }, results: {} }, ['heatmap']);
    assert.match(text, /^#xqc {2}2024-05-06 00:00 → 2024-05-13 00:00 UTC\nNo data for #xqc in this period/);
    assert.match(text, /widen --since/);
    assert.doesNotMatch(text, /──/);
  });

  it('prints a day of subscriptions with a 24-hour sparkline and lists its spike hour', () => {
    const data: ReportData = {
      params, summary,
      results: {
        subs_daily: [{ date: '2024-05-06', subs: 0, resubs: 0, gifted_subs: 105, mass_gifts: 2, upgrades: 0, total: 105, bursts: 0 }],
        subs_hourly: [hour(18, 5), hour(20, 100, true)],
      },
    };
    const text = renderReport(data, ['subs']);
    assert.match(text, /Mon 2024-05-06 +0 +0 +105 +2 +105 +0 {2}▁{18}▁▁█▁▁▁$/m);
    assert.match(text, /spike hours \(total above 50\.0 = mean \+ 2σ/);
    assert.match(text, /Mon 2024-05-06 20:00 +100 +100 {2}volume$/m);
  });

  it('prints only the sections asked for, each under its question', () => {
    const text = renderReport({ params, summary, results: { top_emotes: [{ emote_id: '25', name: 'Kappa', uses: 9, messages: 8, chatters: 3 }] } }, ['emotes']);
    assert.match(text, /── which emotes does the channel's chat use the most\?\n#  emote +id +uses/);
    assert.match(text, /1  Kappa +25 +9 +8 +3$/m);
    assert.doesNotMatch(text, /heatmap|busiest/);
  });
});
