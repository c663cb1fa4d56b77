// First: kafkajs's producer takes its partition grouping when kafkajs loads.
import './partitionGrouping.ts';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { createLogger } from '../../core/log.ts';
import { registerLz4Codec } from './lz4Codec.ts';
import { installRecordBatchDecoder } from './recordBatchDecoder.ts';
import { kafkaSecurityFromEnv } from './security.ts';

export { CompressionTypes } from 'kafkajs';

registerLz4Codec();
installRecordBatchDecoder();

// The default (murmur2, Java-compatible) partitioner is the one wanted; its v2 notice is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const log = createLogger('kafkajs');

// kafkajs logs through its own logger; route it into our structured log, keep its INFO chatter
// (every group join) out unless LOG_LEVEL=debug, and say a repeated error once per 10 s: while a
// broker is down kafkajs logs every reconnect attempt, and our own components already log the
// outage and the recovery once each.
const REPEAT_WINDOW_MS = 10_000;
const lastSaid = new Map<string, number>();

function logCreator() {
  return ({ level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    const fields = { namespace: entry.namespace, broker: rest.broker as string | undefined, error: rest.error as string | undefined };
    if (level <= logLevel.WARN) {
      const now = Date.now();
      if (now - (lastSaid.get(message) ?? -Infinity) < REPEAT_WINDOW_MS) return;
      lastSaid.set(message, now);
      if (lastSaid.size > 1_000) lastSaid.clear();
    }
    if (level === logLevel.ERROR) log.error(message, fields);
    else if (level === logLevel.WARN) log.warn(message, fields);
    else log.debug(message, fields);
  };
}

/**
 * A kafkajs client for `brokers`, logging through the project's structured logger, with TLS and
 * SASL as the environment sets them ({@link kafkaSecurityFromEnv}).
 */
export function createKafka(brokers: readonly string[], clientId = 'twitch-pulse', extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.INFO,
    logCreator,
    retry: { retries: 5, initialRetryTime: 200 },
    ...kafkaSecurityFromEnv(),
    ...extra,
  });
}
