import { defineCommand } from '../args.ts';

/** `twitch-pulse ingest`. */
export const INGEST = defineCommand({
  name: 'ingest',
  options: {
    channels: { type: 'list', value: 'a,b', brief: true, description: 'the channels to join, by login' },
    'channels-file': { type: 'string', value: 'FILE', brief: true, description: 'a file of channel logins, separated by spaces, commas or lines' },
  },
  summary: 'live chat through tmi.js into Kafka; channels from `--channels`, `--channels-file` or `TWITCH_CHANNELS`; anonymous unless `TWITCH_OAUTH_TOKEN`',
  load: async () => (await import('../ingestCommands.ts')).ingestCommand,
});

/** `twitch-pulse replay FILE|-`. */
export const REPLAY = defineCommand({
  name: 'replay',
  positionals: [{ name: 'FILE|-', required: true }],
  options: {
    speed: { type: 'number', above: 0, value: 'N', brief: true, description: 'pace the lines by `tmi-sent-ts`: 1 is real time, N is N times faster' },
    max: { type: 'boolean', brief: true, description: 'as fast as Kafka takes them (the default)' },
    checkpoint: { type: 'string', value: 'NAME', brief: true, description: 'exactly once across restarts: a rerun with the same NAME resumes after the lines already in Kafka' },
    'topic-prefix': { type: 'string', default: '', value: 'P', brief: true, description: 'put in front of every topic name (staging, tests)' },
  },
  exclusive: [['speed', 'max']],
  summary: 'recorded raw IRC lines into Kafka, the same records as `ingest`; as fast as possible by default, `--speed 1` is real time by `tmi-sent-ts`; with `--checkpoint` exactly once across restarts',
  load: async () => (await import('../ingestCommands.ts')).replayCommand,
});

/** `twitch-pulse replay --from-archive s3://…`. */
export const REPLAY_FROM_ARCHIVE = defineCommand({
  name: 'replay',
  when: 'from-archive',
  options: {
    'from-archive': { type: 'string', required: true, value: 's3://BUCKET/TOPIC[/PREFIX]', description: 'the archived objects to replay: a topic\'s, or those under a prefix' },
    'to-topic': { type: 'string', value: 'T', brief: true, description: 'write into this topic instead of the archived one' },
  },
  summary: 'archived Parquet objects back into Kafka in offset order, keyed and timestamped as the originals',
  load: async () => (await import('../archiveReplayCommand.ts')).replayArchiveCommand,
});
