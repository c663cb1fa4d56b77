import { endpointsFromEnv } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { replayArchive } from '../connectors/minio/archiveReplay.ts';
import { MinioArchiveSink } from '../connectors/minio/archiveSink.ts';
import { createMinio } from '../connectors/minio/client.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { parseArgs, stringOption } from './args.ts';

const USAGE = 'usage: twitch-pulse replay --from-archive s3://BUCKET/TOPIC[/PREFIX] [--to-topic T]';

/** Bucket and object-name prefix of an `s3://bucket/topic/...` address. */
export function parseArchiveUrl(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new UsageError(`--from-archive takes s3://BUCKET/TOPIC[/PREFIX], got ${JSON.stringify(url)}\n${USAGE}`);
  const rest = m[2]!;
  // A bare topic gets its slash, so `twitch.chat.messages` does not also match `twitch.chat.messages2`.
  return { bucket: m[1]!, prefix: rest.includes('/') ? rest : `${rest}/` };
}

/**
 * `twitch-pulse replay --from-archive s3://BUCKET/TOPIC[/PREFIX] [--to-topic T]`: the archived
 * Parquet objects under the prefix back into Kafka (the archived topic, or T), by partition and
 * offset, keyed and timestamped as the originals. Prints `{topic, objects, records}` as JSON.
 */
export async function replayArchiveCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const url = stringOption(args, 'from-archive');
  if (!url || args.positionals.length > 0) throw new UsageError(USAGE);
  const { bucket, prefix } = parseArchiveUrl(url);
  const endpoints = endpointsFromEnv();
  const log = createLogger('replay-archive');
  const stats = await replayArchive({
    kafka: createKafka(endpoints.kafkaBrokers, 'twitch-pulse-replay-archive'),
    serde: AvroSerde.connect(endpoints.registryUrl),
    sink: new MinioArchiveSink(createMinio(endpoints.minio), bucket, { log }),
    prefix,
    toTopic: stringOption(args, 'to-topic'),
    log,
  });
  console.log(JSON.stringify(stats));
  if (stats.objects === 0) {
    log.error('no archive objects under the prefix', { bucket, prefix });
    return 1;
  }
  return 0;
}
