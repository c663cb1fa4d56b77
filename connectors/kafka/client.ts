import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { createLogger } from '../../core/log.ts';

const log = createLogger('kafkajs');

// kafkajs logs through its own logger; route it into our structured log and keep its INFO
// chatter (every group join) out unless LOG_LEVEL=debug.
function logCreator() {
  return ({ level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    const fields = { namespace: entry.namespace, broker: rest.broker as string | undefined, error: rest.error as string | undefined };
    if (level === logLevel.ERROR) log.error(message, fields);
    else if (level === logLevel.WARN) log.warn(message, fields);
    else log.debug(message, fields);
  };
}

/** A kafkajs client for `brokers`, logging through the project's structured logger. */
export function createKafka(brokers: readonly string[], clientId = 'twitch-pulse', extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.INFO,
    logCreator,
    retry: { retries: 5, initialRetryTime: 200 },
    ...extra,
  });
}
