import { defineCommand } from '../args.ts';

/** The sections `report --only` takes, as `cli/render/report.ts` names them (its spec checks they match). */
export const REPORT_SECTION_NAMES = ['heatmap', 'peaks', 'subs', 'spikes', 'ads', 'chatters', 'emotes'] as const;

/** `twitch-pulse report --channel LOGIN`. */
export const REPORT = defineCommand({
  name: 'report',
  options: {
    channel: { type: 'string', required: true, value: 'LOGIN', description: 'the channel to report on' },
    since: { type: 'duration', default: '7d', brief: true, description: 'the period before `--until`' },
    until: { type: 'string', value: 'ISO-TIME', description: 'the end of the period: an ISO 8601 time or epoch seconds (default now)' },
    only: { type: 'list', value: 'SECTIONS', brief: true, description: `only these sections: ${REPORT_SECTION_NAMES.join(',')}` },
    format: { type: 'string', choices: ['table', 'json'], default: 'table', value: 'table|json', brief: true, description: 'tables, sparklines and a heatmap, or one JSON document' },
    top: { type: 'integer', min: 1, value: 'N', description: 'peak minutes per stream' },
    limit: { type: 'integer', min: 1, value: 'N', description: 'rows of the top chatters and emotes' },
    minutes: { type: 'integer', min: 1, value: 'N', description: 'how far before a sub spike to look for its causes, minutes' },
  },
  summary: 'the insight queries of `clickhouse/insights/` for one channel, as tables, sparklines and a heatmap',
  load: async () => (await import('../reportCommand.ts')).reportCommand,
});
