import { createReadStream, readFileSync, statSync } from 'node:fs';
import { endpointsFromEnv, envValue } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { Progress } from '../core/progress.ts';
import { replay } from '../connectors/replay/replay.ts';
import { chatSource, chatSourceOptionsFromEnv, normaliseChannels } from '../connectors/twitch/chatSource.ts';
import type { IngestStats } from '../connectors/twitch/chatIngest.ts';
import { DEFAULT_INGEST_TOPICS, REPLAY_CHECKPOINT_TOPIC, openCheckpointedIngest, openKafkaIngest, openThreadedKafkaIngest, type IngestTopicNames } from '../connectors/twitch/ingestToKafka.ts';
import { parseCommandLine } from './args.ts';
import { INGEST, REPLAY } from './commands/ingest.ts';

function summary(stats: IngestStats, resumedAfterLines = 0): string {
  return JSON.stringify({
    ...(resumedAfterLines > 0 ? { resumedAfterLines } : {}),
    lines: stats.lines, messages: stats.messages, events: stats.events, moderation: stats.moderation,
    control: stats.control, malformed: stats.malformed, cheers: stats.cheers, bits: stats.bits, refused: stats.refused,
  });
}

/**
 * `twitch-pulse replay FILE|- [--speed N | --max] [--checkpoint NAME] [--topic-prefix P]`: recorded
 * raw IRC lines into Kafka, the same records live ingestion writes (topic names prefixed with P,
 * for staging and tests). Without --speed it replays as fast as Kafka takes them. With `--checkpoint NAME` it is exactly once across restarts: lines go out in
 * Kafka transactions that record how many lines are in, and a rerun with the same NAME resumes
 * after them. (`replay --from-archive s3://…`, archived Parquet objects, is `replayArchiveCommand`.)
 */
export async function replayCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(REPLAY, argv);
  const file = positionals[0]!;
  const { speed, checkpoint, 'topic-prefix': prefix } = values;

  const topics = prefixedIngestTopics(prefix);
  // As fast as Kafka takes them, parsing moves to worker threads; paced lines go one by one.
  const { ingester, producer, close, resumeAt, advance } = checkpoint !== undefined
    ? await openCheckpointed(checkpoint, topics, `${prefix}${REPLAY_CHECKPOINT_TOPIC}`)
    : speed === undefined
      ? { ...(await openThreadedKafkaIngest(endpointsFromEnv(), 'replay', topics)), resumeAt: 0, advance: undefined }
      : { ...(await openKafkaIngest(endpointsFromEnv(), 'replay', topics)), resumeAt: 0, advance: undefined };
  if (resumeAt > 0) createLogger('replay').info('resuming after the lines already in Kafka', { checkpoint, lines: resumeAt });
  let linesIn = resumeAt;
  const totalBytes = file === '-' ? undefined : statSync(file).size;
  const input = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  const progress = new Progress('replay', { unit: 'lines' });
  const state = () => ({
    done: ingester.stats.lines,
    fraction: totalBytes ? bytesRead / totalBytes : undefined,
    extra: `kafka delivered ${producer.snapshot().delivered.toLocaleString('en-US')}`,
  });
  await replay(counted(), {
    line: (raw, at) => {
      ingester.line(raw, at);
      advance?.(++linesIn);
    },
    backpressure: async () => {
      progress.update(state());
      if ('backpressure' in ingester) await ingester.backpressure();
      await producer.backpressure();
    },
  }, { speed }, resumeAt);
  await close();
  progress.finish(state());
  console.log(summary(ingester.stats, resumeAt));
  return ingester.stats.refused > 0 ? 1 : 0;
}

function prefixedIngestTopics(prefix: string): IngestTopicNames {
  const names = { ...DEFAULT_INGEST_TOPICS };
  for (const key of Object.keys(names) as Array<keyof IngestTopicNames>) names[key] = `${prefix}${names[key]}`;
  return names;
}

async function openCheckpointed(checkpoint: string, topics: IngestTopicNames, checkpointTopic: string) {
  const ingest = await openCheckpointedIngest(endpointsFromEnv(), 'replay', checkpoint, topics, checkpointTopic);
  return { ...ingest, advance: (lines: number) => ingest.producer.advance(lines) };
}

/**
 * `twitch-pulse ingest --channels a,b | --channels-file F`: live chat through tmi.js into Kafka.
 * Channels also come from TWITCH_CHANNELS; anonymous unless TWITCH_OAUTH_TOKEN is set.
 */
export async function ingestCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(INGEST, argv);
  const names: string[] = [...(values.channels ?? [])];
  const file = values['channels-file'];
  if (file) names.push(...readFileSync(file, 'utf8').split(/[\s,]+/));
  if (names.length === 0 && process.env.TWITCH_CHANNELS) names.push(...process.env.TWITCH_CHANNELS.split(','));
  const channels = normaliseChannels(names);
  if (channels.length === 0) throw new UsageError('no channel: give --channels a,b or --channels-file FILE, or set TWITCH_CHANNELS');

  const log = createLogger('ingest');
  const { ingester, producer, close } = await openKafkaIngest(endpointsFromEnv(), 'ingest');
  const progress = new Progress('ingest', { unit: 'lines' });
  const subscription = chatSource(chatSourceOptionsFromEnv(channels), (n) => {
    if (n.kind === 'join_failed') log.warn('channel not joined', { channel: n.channel, reason: n.reason });
  }).subscribe((raw) => {
    ingester.line(raw.line, raw.receivedAtMs);
    progress.update({ done: ingester.stats.lines, extra: `messages ${ingester.stats.messages}  events ${ingester.stats.eventTotal}  kafka buffered ${producer.snapshot().buffered}` });
  });
  log.info('ingesting live chat', { channels: channels.join(','), anonymous: !envValue('TWITCH_OAUTH_TOKEN') });

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  subscription.unsubscribe();
  await close();
  console.log(summary(ingester.stats));
  return 0;
}
