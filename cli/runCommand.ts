import { hostname } from 'node:os';
import { endpointsFromEnv } from '../core/config.ts';
import { messageOf } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { TopologyRuntime } from '../topology/runtime.ts';
import { parseCommandLine } from './args.ts';
import { RUN } from './commands/run.ts';

/**
 * `twitch-pulse run [--group pulse-topology] [--instance ID] [--input-prefix P] [--output-prefix P] [--max-batch-bytes N] [--threads N] [--consumers N]`:
 * the topology on Kafka, exactly once; start more instances with the same group to scale out.
 */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(RUN, argv);
  const endpoints = endpointsFromEnv();
  const groupId = values.group;
  const instanceId = values.instance ?? `${hostname()}-${process.pid}`;
  const log = createLogger('topology').child({ group: groupId, instance: instanceId });
  const runtime = new TopologyRuntime({
    kafka: createKafka(endpoints.kafkaBrokers, `twitch-pulse-run-${instanceId}`),
    serde: AvroSerde.connect(endpoints.registryUrl),
    groupId,
    instanceId,
    inputPrefix: values['input-prefix'],
    outputPrefix: values['output-prefix'],
    maxBatchBytes: values['max-batch-bytes'],
    threads: values.threads,
    consumers: values.consumers,
    log,
  });
  await runtime.start();
  log.info('topology running');
  const status = setInterval(() => log.info('status', { ...runtime.stats }), 10_000);
  const signalled = new Promise<null>((resolve) => {
    process.once('SIGINT', () => resolve(null));
    process.once('SIGTERM', () => resolve(null));
  });
  const failure = await Promise.race([signalled, runtime.failed]);
  clearInterval(status);
  await runtime.stop();
  if (failure) log.error('the consumer stopped on an error Kafka will not retry; exiting so a supervisor restarts this instance', { error: messageOf(failure) });
  return failure ? 1 : 0;
}
