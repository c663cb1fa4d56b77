import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { parse } from 'yaml';
import { endpointsFromEnv, REPO_ROOT } from '../../core/config.ts';
import { waitForLeaders } from '../../connectors/kafka/admin.ts';
import { createKafka } from '../../connectors/kafka/client.ts';
import type { AvroSerde } from '../../schemas/serde.ts';

/**
 * Shared setup of integration tests. They need the local stack (`twitch-pulse stack up`,
 * which `npm run test:integration` runs first): Kafka, Apicurio, ClickHouse and MinIO.
 */
export const endpoints = endpointsFromEnv();

/** `major.minor` of a ClickHouse version or image tag: `26.7.1.1` -> `26.7`. */
function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/**
 * Asserts that `version` (the stack server's `version()`) is ClickHouse 26.x of the major.minor
 * docker-compose.yml deploys (its clickhouse/clickhouse-server image tag), so the tests run the
 * SQL dialect production runs.
 */
export function assertDeployedClickHouseVersion(version: string): void {
  assert.ok(Number(version.split('.')[0]) >= 26, `version ${version}`);
  const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: { clickhouse: { image: string } } };
  const tag = compose.services.clickhouse.image.split(':')[1]!;
  assert.equal(majorMinor(version), majorMinor(tag), 'the stack tests the SQL dialect docker-compose.yml deploys');
}

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

/**
 * Sum of a topic's end offsets. Right after a topic is created or the broker restarted,
 * leadership may still be settling, so NOT_LEADER answers are retried for up to 10 s.
 */
export async function endOffsetSum(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
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

/** Records of `topics` a consumer group has not committed yet (end offsets minus committed offsets). */
export async function groupLag(kafka: Kafka, group: string, topics: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      const high = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      for (const p of high) {
        const c = Number(committed?.partitions.find((x) => x.partition === p.partition)?.offset ?? -1);
        total += Number(p.high) - Math.max(0, c);
      }
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until `group` has committed everything in `topics` (non-transactional topics only: markers take offsets). */
export async function untilCaughtUp(kafka: Kafka, group: string, topics: readonly string[], timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await groupLag(kafka, group, topics)) > 0) {
    if (Date.now() > deadline) throw new Error(`group ${group} did not catch up in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every committed record of a topic, decoded, as canonical JSON lines sorted: a multiset. */
export async function committedRecords(kafka: Kafka, topic: string, serde: AvroSerde): Promise<string[]> {
  return (await committedValues(kafka, topic, serde)).map((v) => JSON.stringify(v)).sort();
}

/** Every committed record of a topic, decoded, in no particular order; done once the topic was quiet for 3 s. */
export async function committedValues<T = unknown>(kafka: Kafka, topic: string, serde: AvroSerde): Promise<T[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('it-reader'), readUncommitted: false, maxWaitTimeInMs: 100 });
  const out: T[] = [];
  let lastSeen = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      lastSeen = Date.now();
      out.push((await serde.decode<T>(message.value)).value);
    },
  });
  while (Date.now() - lastSeen < 3_000) await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  return out;
}

/** SIGKILLs a child process (kill -9) and waits until it is gone. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
