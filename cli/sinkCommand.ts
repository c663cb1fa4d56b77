import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import { endpointsFromEnv, type Endpoints } from '../core/config.ts';
import { UsageError, messageOf } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { LagProbeLoop, probeConsumerLag } from '../connectors/kafka/lagProbe.ts';
import { createClickHouse } from '../connectors/clickhouse/client.ts';
import { insertLagRows } from '../connectors/clickhouse/consumerLag.ts';
import { openClickHouseSink } from '../connectors/clickhouse/sinkPipeline.ts';
import { TOPICS, type TopicId } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { parseCommandLine } from './args.ts';
import { SINK_CLICKHOUSE } from './commands/sink.ts';

/**
 * `twitch-pulse sink clickhouse`: raw and derived topics into ClickHouse, exact in effect.
 * Runs until SIGINT/SIGTERM, or with `--exit-when-idle-ms` until no record came for that long.
 */
export async function sinkCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(SINK_CLICKHOUSE, argv);
  const endpoints = endpointsFromEnv();
  const groupId = values.group;
  const topicIds = (values.topics ?? []) as TopicId[];
  for (const id of topicIds) if (!Object.hasOwn(TOPICS, id)) throw new UsageError(`--topics: unknown topic id ${JSON.stringify(id)}`);
  const { 'exit-when-idle-ms': idleExitMs, 'lag-every-ms': lagEveryMs } = values;
  const log = createLogger('clickhouse-sink').child({ group: groupId });
  const kafka = createKafka(endpoints.kafkaBrokers, `twitch-pulse-sink-${hostname()}-${process.pid}`);

  const sink = await openClickHouseSink({
    kafka,
    serde: AvroSerde.connect(endpoints.registryUrl),
    endpoints,
    groupId,
    topicIds,
    topicPrefix: values['topic-prefix'],
    maxBatchRows: values['max-rows'],
    maxWaitMs: values['max-wait-ms'],
    log,
  });
  await sink.start();
  log.info('sink running', { database: endpoints.clickhouse.database });
  const lag = lagEveryMs > 0 ? await startLagProbe(kafka, endpoints, lagEveryMs, log) : null;

  let lastRecords = -1;
  let quietSinceMs = Date.now();
  const failure = await new Promise<Error | null>((resolve) => {
    process.once('SIGINT', () => resolve(null));
    process.once('SIGTERM', () => resolve(null));
    void sink.failed.then(resolve);
    const status = setInterval(() => log.info('status', { ...sink.stats }), 10_000);
    status.unref();
    if (idleExitMs === undefined) return;
    const idle = setInterval(() => {
      if (sink.stats.records !== lastRecords || !sink.settled) {
        lastRecords = sink.stats.records;
        quietSinceMs = Date.now();
      } else if (Date.now() - quietSinceMs >= idleExitMs) {
        clearInterval(idle);
        resolve(null);
      }
    }, 100);
  });
  await lag?.stop();
  await sink.stop();
  console.log(JSON.stringify(sink.stats));
  if (failure) log.error('the consumer stopped on an error Kafka will not retry; exiting so a supervisor restarts the sink', { error: messageOf(failure) });
  return failure ? 1 : 0;
}

/**
 * Every consumer group's lag into ClickHouse's `consumer_lag` every `everyMs` (the Grafana
 * pipeline-health dashboard reads it). Runs beside the sink because the sink is the process
 * that is always connected to both Kafka and ClickHouse.
 */
async function startLagProbe(kafka: Kafka, endpoints: Endpoints, everyMs: number, log: Logger): Promise<{ stop(): Promise<void> }> {
  const admin = kafka.admin();
  await admin.connect();
  const client = createClickHouse(endpoints.clickhouse);
  const loop = new LagProbeLoop({ everyMs, log, probe: (atMs) => probeConsumerLag(admin, atMs), write: (rows) => insertLagRows(client, rows) });
  loop.start();
  log.info('consumer lag probe running', { everyMs });
  return {
    async stop() {
      await loop.stop();
      await admin.disconnect().catch(() => undefined);
      await client.close();
    },
  };
}
