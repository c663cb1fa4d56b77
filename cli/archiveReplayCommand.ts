import { endpointsFromEnv } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { Progress } from '../core/progress.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { replayArchive, type ArchiveReplayProgress } from '../connectors/minio/archiveReplay.ts';
import { MinioArchiveSink } from '../connectors/minio/archiveSink.ts';
import { createMinio } from '../connectors/minio/client.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { parseCommandLine } from './args.ts';
import { REPLAY_FROM_ARCHIVE } from './commands/ingest.ts';

/** Bucket and object-name prefix of an `s3://bucket/topic/...` address. */
export function parseArchiveUrl(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new UsageError(`--from-archive takes s3://BUCKET/TOPIC[/PREFIX], got ${JSON.stringify(url)}`);
  const rest = m[2]!;
  // A bare topic gets its slash, so `twitch.chat.messages` does not also match `twitch.chat.messages2`.
  return { bucket: m[1]!, prefix: rest.includes('/') ? rest : `${rest}/` };
}

/**
 * `twitch-pulse replay --from-archive s3://BUCKET/TOPIC[/PREFIX] [--to-topic T]`: the archived
 * Parquet objects under the prefix back into Kafka (the archived topic, or T), by partition and
 * offset, keyed and timestamped as the originals. Prints `{topic, objects, records}` as JSON.
 * Progress on stderr: the share of the objects' offsets replayed, with rate and ETA.
 */
export async function replayArchiveCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(REPLAY_FROM_ARCHIVE, argv);
  const { bucket, prefix } = parseArchiveUrl(values['from-archive']);
  const endpoints = endpointsFromEnv();
  const log = createLogger('replay-archive');
  const progress = new Progress('replay --from-archive', { unit: 'records' });
  let last: ArchiveReplayProgress | undefined;
  const state = (p: ArchiveReplayProgress) => ({
    done: p.records,
    fraction: p.offsetsTotal > 0 ? p.offsetsDone / p.offsetsTotal : 1,
    extra: `objects ${p.objects}/${p.objectsTotal}  offsets ${p.offsetsDone.toLocaleString('en-US')}/${p.offsetsTotal.toLocaleString('en-US')}`,
  });
  const stats = await replayArchive({
    kafka: createKafka(endpoints.kafkaBrokers, 'twitch-pulse-replay-archive'),
    serde: AvroSerde.connect(endpoints.registryUrl),
    sink: new MinioArchiveSink(createMinio(endpoints.minio), bucket, { log }),
    prefix,
    toTopic: values['to-topic'],
    log,
    onProgress: (p) => {
      last = p;
      progress.update(state(p));
    },
  });
  if (last) progress.finish(state(last));
  console.log(JSON.stringify(stats));
  if (stats.objects === 0) {
    log.error('no archive objects under the prefix', { bucket, prefix });
    return 1;
  }
  return 0;
}
