import { defineCommand, type OptionSpec } from '../args.ts';

/** `--channel LOGIN` of the commands that read chat logs: the channel of a log that does not name it. */
const CHANNEL = {
  type: 'string', value: 'LOGIN', pattern: /^[a-z0-9_]{1,25}$/i, patternText: 'a Twitch login (a-z, 0-9, _)',
  description: 'the channel of a chat log that does not name it (chat-downloader JSON, a Chatterino log on stdin)',
} as const satisfies OptionSpec;

const WINDOW = { type: 'duration', default: '60s', description: 'the size of the tumbling windows' } as const satisfies OptionSpec;
const GRACE = { type: 'duration', default: '5s', description: 'how long a window stays open for late records' } as const satisfies OptionSpec;

/** `twitch-pulse analyze FILE|-`. */
export const ANALYZE = defineCommand({
  name: 'analyze',
  positionals: [{ name: 'FILE|-', required: true }],
  options: {
    window: { ...WINDOW, brief: true },
    grace: { ...GRACE, brief: true },
    channel: { ...CHANNEL, brief: true },
  },
  summary: 'the topology\'s operators in-process on a chat log — raw IRC lines, TwitchDownloader or chat-downloader JSON, Chatterino logs, justlog/rustlog exports, told apart by content — JSON lines on stdout',
  load: async () => (await import('../analyzeCommand.ts')).analyzeCommand,
});

/** The fewest random placements the chance baseline of `evaluate` is averaged over. */
export const MIN_DRAWS = 200;

/** `twitch-pulse evaluate CHAT|- --labels LABELS`. */
export const EVALUATE = defineCommand({
  name: 'evaluate',
  positionals: [{ name: 'CHAT|-', required: true }],
  options: {
    labels: { type: 'string', required: true, value: 'LABELS', description: 'the labelled highlights: a CSV or JSON file' },
    lag: { type: 'duration', default: '30s', brief: true, description: 'each highlight is extended by this much at its end when matched' },
    window: WINDOW,
    grace: GRACE,
    channel: CHANNEL,
    format: { type: 'string', choices: ['table', 'json'], default: 'table', value: 'table|json', brief: true, description: 'tables, or one JSON object' },
    seed: { type: 'integer', min: 0, default: '1', brief: true, description: 'the seed of the chance baseline\'s random placements' },
    draws: { type: 'integer', min: MIN_DRAWS, default: String(MIN_DRAWS), brief: true, description: 'random placements the chance baseline is averaged over' },
  },
  summary: 'the same operators on the same chat, their hypes and ad windows scored against human-labelled highlights: precision, recall, alerts, precision at K, ad windows on highlights against chance',
  load: async () => (await import('../evaluateCommand.ts')).evaluateCommand,
});

/** Options of the built-in simulation, shared by `simulate` and `demo`. */
const SIMULATION = {
  channels: { type: 'integer', min: 1, max: 100_000, default: '5', description: 'simulated channels' },
  minutes: { type: 'number', above: 0, default: '30', description: 'simulated minutes of chat' },
  seed: { type: 'integer', default: '1', description: 'the seed: the same seed, the same chat' },
} as const satisfies Record<string, OptionSpec>;

/** `twitch-pulse simulate`. */
export const SIMULATE = defineCommand({
  name: 'simulate',
  options: {
    channels: { ...SIMULATION.channels, brief: true },
    minutes: { ...SIMULATION.minutes, brief: true },
    seed: { ...SIMULATION.seed, brief: true },
  },
  summary: 'deterministic simulated chat (raw IRC lines with Twitch\'s tags) on stdout',
  load: async () => (await import('../simulateCommands.ts')).simulateCommand,
});

/** `twitch-pulse demo`. */
export const DEMO = defineCommand({
  name: 'demo',
  options: SIMULATION,
  summary: '`simulate` piped into the operators at full speed, printed for people',
  load: async () => (await import('../simulateCommands.ts')).demoCommand,
});
