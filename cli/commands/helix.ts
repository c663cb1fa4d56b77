import { defineCommand } from '../args.ts';

/** `twitch-pulse helix sweep`. */
export const HELIX_SWEEP = defineCommand({
  name: 'helix sweep',
  options: {
    games: { type: 'list', value: 'ids', brief: true, description: 'only streams in these game (category) ids' },
    languages: { type: 'list', value: 'en,de', brief: true, description: 'only streams in these languages' },
    logins: { type: 'list', value: 'a,b', brief: true, description: 'only these channels, by login' },
    every: { type: 'duration', default: '60s', brief: true, description: 'time between the starts of two sweeps' },
    once: { type: 'boolean', brief: true, description: 'one sweep, then exit' },
    sweeps: { type: 'integer', min: 1, value: 'N', brief: true, description: 'N sweeps, then exit' },
    split: { type: 'string', choices: ['language', 'game', 'none'], value: 'language|game|none', description: 'how a sweep splits the stream list into chains of pages read side by side' },
    'snapshots-topic': { type: 'string', value: 'T', description: 'the topic of the stream snapshots (default: the catalogue\'s)' },
    'changes-topic': { type: 'string', value: 'T', description: 'the topic of the category changes (default: the catalogue\'s)' },
  },
  exclusive: [['once', 'sweeps']],
  summary: 'live streams from Helix into `twitch.helix.stream-snapshots` (one per stream per sweep) and category switches into `pulse.category-changes`; needs `HELIX_CLIENT_ID`/`HELIX_CLIENT_SECRET`',
  load: async () => (await import('../helixCommand.ts')).helixSweepCommand,
});

/** `twitch-pulse helix clips`. */
export const HELIX_CLIPS = defineCommand({
  name: 'helix clips',
  options: {
    channel: { type: 'string', required: true, value: 'LOGIN', description: 'the channel whose clips to collect' },
    since: { type: 'duration', default: '7d', brief: true, description: 'clips made this long before `--until`' },
    until: { type: 'string', value: 'TIME', brief: true, description: 'the end of the period: an ISO 8601 time or epoch seconds (default now)' },
    'min-views': { type: 'integer', min: 0, value: 'N', default: '0', brief: true, description: 'the fewest views of a moment in the labels file' },
    out: { type: 'string', value: 'FILE|-', brief: true, description: 'also write the merged moments as a labels file for `evaluate --labels` (`-`: stdout)' },
    slice: { type: 'duration', default: '1d', description: 'the span of creation times asked for in one request chain' },
    'clips-topic': { type: 'string', value: 'T', description: 'the topic of the clips (default: the catalogue\'s)' },
    'dead-letter-topic': { type: 'string', value: 'T', description: 'where unusable clips go (default: the catalogue\'s dead-letter topic)' },
  },
  summary: 'a channel\'s viewer clips from Helix into `twitch.helix.clips`, each with the broadcast moment it shows; `--out` writes the merged moments as a labels file for `evaluate --labels`; needs `HELIX_CLIENT_ID`/`HELIX_CLIENT_SECRET`',
  load: async () => (await import('../helixCommand.ts')).helixClipsCommand,
});
