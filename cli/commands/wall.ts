import { defineCommand, type OptionSpec } from '../args.ts';

const PORT = { type: 'integer', min: 0, max: 65_535, default: '8787', brief: true, description: 'the port of the live wall (0: any free port)' } as const satisfies OptionSpec;
const HOST = { type: 'string', default: '127.0.0.1', brief: true, description: 'the address the live wall listens on' } as const satisfies OptionSpec;
const STATUS_EVERY = { type: 'number', above: 0, value: 'SECONDS', description: 'a status line this often when stdout is not a terminal' } as const satisfies OptionSpec;

/** What feeds the in-process wall of `start` (and `wall --demo`): the simulation or live channels. */
const FEED = {
  speed: { type: 'number', above: 0, default: '1', value: 'N', description: 'the simulation at N times real time' },
  seed: { type: 'integer', default: '1', description: 'the seed of the simulation' },
  'sim-channels': { type: 'integer', min: 1, default: '5', value: 'N', description: 'simulated channels' },
  channels: { type: 'list', value: 'a,b', description: 'live Twitch channels instead of the simulation, by login' },
} as const satisfies Record<string, OptionSpec>;

/** `twitch-pulse start` (`npm start`). */
export const START = defineCommand({
  name: 'start',
  options: {
    speed: { ...FEED.speed, brief: true },
    seed: FEED.seed,
    'sim-channels': FEED['sim-channels'],
    channels: { ...FEED.channels, brief: true },
    port: PORT,
    host: HOST,
    'status-every': { ...STATUS_EVERY, default: '3' },
  },
  summary: 'the topology in-process, no servers, on the built-in simulation paced in real time (`--speed N` for N× faster) or on live channels through tmi.js; serves the live wall, prints its URL and a status line until Ctrl-C; `npm start` runs it',
  load: async () => (await import('../wallCommand.ts')).startCommand,
});

/** `twitch-pulse wall`. */
export const WALL = defineCommand({
  name: 'wall',
  options: {
    port: PORT,
    host: HOST,
    lookback: { type: 'duration', default: '5m', brief: true, description: 'how far back the wall reads the topics at start' },
    'topic-prefix': { type: 'string', default: '', value: 'P', brief: true, description: 'put in front of every topic name (staging, tests)' },
    'status-every': { ...STATUS_EVERY, default: '10' },
    demo: { type: 'boolean', brief: true, description: 'no Kafka: the topology in-process, as `start` runs it, with the options below' },
    ...FEED,
  },
  summary: 'the live wall on the derived topics and `twitch.chat.events` in Kafka (committed records, no offsets committed); `--demo` runs it in-process like `start`',
  load: async () => (await import('../wallCommand.ts')).wallCommand,
});
