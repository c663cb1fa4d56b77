import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { endpointsFromEnv } from '../../core/config.ts';
import { waitForLeaders } from '../../connectors/kafka/admin.ts';
import { createKafka } from '../../connectors/kafka/client.ts';

/**
 * Shared setup of integration tests. They need the local stack (`twitch-pulse stack up`,
 * which `npm run test:integration` runs first): Kafka, Apicurio, ClickHouse and MinIO.
 */
export const endpoints = endpointsFromEnv();

/** A name no other test run uses, for topics, subjects, tables and object prefixes. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A kafkajs client on the stack's broker. */
export function testKafka(clientId = 'twitch-pulse-test'): Kafka {
  return createKafka(endpoints.kafkaBrokers, clientId);
}

/** Creates a topic with `partitions` partitions and waits for its leaders. */
export async function createTestTopic(kafka: Kafka, topic: string, partitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
    await waitForLeaders(admin, [topic]);
  } finally {
    await admin.disconnect();
  }
}

/** Reads every message of `topic` from the beginning until `count` have arrived or `timeoutMs` passes. */
export async function consumeAll(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<Array<{ key: string | null; value: Buffer | null; partition: number; offset: string }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader') });
  const out: Array<{ key: string | null; value: Buffer | null; partition: number; offset: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${out.length} of ${count} messages from ${topic} in ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            out.push({ key: message.key?.toString() ?? null, value: message.value, partition, offset: message.offset });
            if (out.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
