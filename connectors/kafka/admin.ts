import type { Kafka } from 'kafkajs';
import { UnavailableError, messageOf } from '../../core/errors.ts';
import type { TopicSpec } from '../../schemas/catalogue.ts';

/** What {@link createTopics} did for each topic. */
export interface TopicCreation {
  readonly name: string;
  readonly created: boolean;
}

/**
 * Creates the topics that do not exist yet, with the catalogue's partitions, retention and
 * cleanup policy. Idempotent: existing topics are left as they are and reported `created: false`.
 *
 * @throws UnavailableError when Kafka cannot be reached.
 */
export async function createTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<TopicCreation[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: String(s.retentionMs) },
            { name: 'cleanup.policy', value: s.cleanupPolicy },
          ],
        })),
      });
    }
    const created = new Set(missing.map((s) => s.name));
    return specs.map((s) => ({ name: s.name, created: created.has(s.name) }));
  } catch (error) {
    if (error instanceof UnavailableError) throw error;
    throw new UnavailableError('kafka', messageOf(error), error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
