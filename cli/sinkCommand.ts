import { hostname } from 'node:os';
import { endpointsFromEnv } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { openClickHouseSink } from '../connectors/clickhouse/sinkPipeline.ts';
import { TOPICS, type TopicId } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { parseArgs, stringOption } from './args.ts';

const USAGE = 'usage: twitch-pulse sink clickhouse [--group G] [--topics chatMessages,hype,...] [--topic-prefix P] [--max-rows N] [--max-wait-ms MS] [--exit-when-idle-ms MS]';

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * `twitch-pulse sink clickhouse`: raw and derived topics into ClickHouse, exact in effect.
 * Runs until SIGINT/SIGTERM, or with `--exit-when-idle-ms` until no record came for that long.
 */
export async function sinkCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.positionals[0] !== 'clickhouse') throw new UsageError(USAGE);
  const endpoints = endpointsFromEnv();
  const groupId = stringOption(args, 'group', 'twitch-pulse-clickhouse')!;
  const topicIds = (stringOption(args, 'topics', '') ?? '').split(',').filter(Boolean) as TopicId[];
  for (const id of topicIds) if (!(id in TOPICS)) throw new UsageError(`unknown topic id ${JSON.stringify(id)}; ${USAGE}`);
  const idleText = stringOption(args, 'exit-when-idle-ms');
  const idleExitMs = idleText === undefined ? undefined : positiveNumber(idleText, 'exit-when-idle-ms');
  const log = createLogger('clickhouse-sink').child({ group: groupId });

  const sink = await openClickHouseSink({
    kafka: createKafka(endpoints.kafkaBrokers, `twitch-pulse-sink-${hostname()}-${process.pid}`),
    serde: AvroSerde.connect(endpoints.registryUrl),
    endpoints,
    groupId,
    topicIds,
    topicPrefix: stringOption(args, 'topic-prefix', ''),
    maxBatchRows: positiveNumber(stringOption(args, 'max-rows', '10000')!, 'max-rows'),
    maxWaitMs: positiveNumber(stringOption(args, 'max-wait-ms', '1000')!, 'max-wait-ms'),
    log,
  });
  await sink.start();
  log.info('sink running', { database: endpoints.clickhouse.database });

  let lastRecords = -1;
  let quietSinceMs = Date.now();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    const status = setInterval(() => log.info('status', { ...sink.stats }), 10_000);
    status.unref();
    if (idleExitMs === undefined) return;
    const idle = setInterval(() => {
      if (sink.stats.records !== lastRecords || !sink.settled) {
        lastRecords = sink.stats.records;
        quietSinceMs = Date.now();
      } else if (Date.now() - quietSinceMs >= idleExitMs) {
        clearInterval(idle);
        resolve();
      }
    }, 100);
  });
  await sink.stop();
  console.log(JSON.stringify(sink.stats));
  return 0;
}
