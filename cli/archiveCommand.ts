import { endpointsFromEnv } from '../core/config.ts';
import { messageOf } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { Progress } from '../core/progress.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { MinioArchiveSink } from '../connectors/minio/archiveSink.ts';
import { Archiver } from '../connectors/minio/archiver.ts';
import { createMinio } from '../connectors/minio/client.ts';
import { rollPolicy } from '../connectors/minio/rollPolicy.ts';
import { WriterSchemas } from '../connectors/minio/writerSchemas.ts';
import { TOPICS } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { parseCommandLine } from './args.ts';
import { ARCHIVE } from './commands/archive.ts';

/** The raw topics archived when `--topics` is not given. */
export const DEFAULT_ARCHIVE_TOPICS: readonly string[] = Object.freeze(
  [TOPICS.chatMessages, TOPICS.chatEvents, TOPICS.moderation, TOPICS.streamSnapshots].map((t) => t.name),
);

/**
 * `twitch-pulse archive`: the raw topics into MinIO as Parquet, as the consumer group
 * `twitch-pulse-archive`, until stopped (SIGINT/SIGTERM: open objects are uploaded first; a
 * second signal exits at once, leaving their records uncommitted). `--once` stops after the end
 * offsets the topics had at start, `--until-idle-ms N` after N ms without records. Prints the
 * run's counters as JSON on stdout, and progress on stderr (rate; with `--once` also the share of
 * offsets read and ETA). Bucket and endpoint come from MINIO_* variables.
 */
export async function archiveCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(ARCHIVE, argv);
  const endpoints = endpointsFromEnv();
  const topics = values.topics ?? [...DEFAULT_ARCHIVE_TOPICS];
  const groupId = values.group;
  const policy = rollPolicy({ maxRecords: values['max-records'], maxBytes: values['max-bytes'], maxWaitMs: values['max-wait-ms'] });
  const log = createLogger('archive').child({ group: groupId });
  const archiver = new Archiver({
    kafka: createKafka(endpoints.kafkaBrokers, `twitch-pulse-archive-${process.pid}`),
    serde: AvroSerde.connect(endpoints.registryUrl),
    schemas: new WriterSchemas(endpoints.registryUrl),
    sink: new MinioArchiveSink(createMinio(endpoints.minio), endpoints.minio.bucket, { log }),
    topics,
    groupId,
    deadLetterTopic: values['dead-letter-topic'] ?? TOPICS.deadLetter.name,
    policy,
    once: values.once,
    untilIdleMs: values['until-idle-ms'],
    log,
  });
  await archiver.start();
  log.info('archiving', { topics: topics.join(','), bucket: endpoints.minio.bucket, ...policy });
  const status = setInterval(() => log.info('status', { ...archiver.stats }), 30_000);
  const progress = new Progress('archive', { unit: 'records' });
  const progressState = () => {
    const p = archiver.progress();
    const s = archiver.stats;
    // With --once the end offsets are known: offsets read of those to read give the bar and ETA.
    return p.offsetsTotal === undefined
      ? { done: p.records, extra: `objects ${s.objects}  dead letters ${s.deadLetters}` }
      : { done: p.records, fraction: p.offsetsTotal > 0 ? p.offsetsDone! / p.offsetsTotal : 1, extra: `offsets ${p.offsetsDone!.toLocaleString('en-US')}/${p.offsetsTotal.toLocaleString('en-US')}  objects ${s.objects}  dead letters ${s.deadLetters}` };
  };
  const ticker = setInterval(() => progress.update(progressState()), 250);
  let signals = 0;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = () => {
      if (++signals > 1) process.exit(130);
      log.info('stopping: uploading open objects (signal again to exit at once)');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const failure = await Promise.race([archiver.finished.then(() => null), stopped.then(() => null), archiver.failed]);
  clearInterval(status);
  clearInterval(ticker);
  await archiver.stop();
  progress.finish(progressState());
  console.log(JSON.stringify(archiver.stats));
  if (failure) log.error('the consumer stopped on an error Kafka will not retry; exiting so a supervisor restarts the archiver', { error: messageOf(failure) });
  return failure ? 1 : 0;
}
