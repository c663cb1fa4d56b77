import type { Admin, Kafka } from 'kafkajs';
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
      // waitForLeaders: true sometimes fails with UNKNOWN_TOPIC_OR_PARTITION against KRaft
      // (kafkajs issues #815, #1563); create without it and poll metadata instead.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: String(s.retentionMs) },
            { name: 'cleanup.policy', value: s.cleanupPolicy },
            ...(s.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(s.maxMessageBytes) }] : []),
          ],
        })),
      }).catch((error: unknown) => {
        // Another process (a second topology instance starting at the same moment) created
        // them first: that is what was wanted.
        if (!alreadyExists(error)) throw error;
      });
    }
    await waitForLeaders(admin, missing.map((s) => s.name));
    const created = new Set(missing.map((s) => s.name));
    return specs.map((s) => ({ name: s.name, created: created.has(s.name) }));
  } catch (error) {
    if (error instanceof UnavailableError) throw error;
    throw new UnavailableError('kafka', messageOf(error), error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Polls metadata until every partition of `topics` has a leader (at most `timeoutMs`). */
export async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new UnavailableError('kafka', `topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function alreadyExists(error: unknown): boolean {
  const e = error as { type?: string; errors?: Array<{ type?: string }> } | null;
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS');
}
