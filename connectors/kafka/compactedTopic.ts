import type { Kafka } from 'kafkajs';
import { PulseError } from '../../core/errors.ts';

/** Options of {@link readCompactedTopic}. */
export interface ReadCompactedOptions {
  /** Group id of the throwaway reader (it commits nothing that anyone reads back). */
  readonly groupId: string;
  /** How long to try before giving up, ms. */
  readonly timeoutMs?: number;
}

/**
 * The latest committed value of every key of a small compacted topic (checkpoints), read with
 * isolation read_committed from the beginning to the end it had when the call started. The end
 * is recognised by position (transaction markers and aborted records included) and a short
 * quiet spell after it: counting records cannot tell where the end is. A transaction still open
 * at that end is waited for, so its outcome is what the call returns. A key whose latest value
 * is a tombstone is absent.
 *
 * @throws PulseError `CHECKPOINT_READ_FAILED` (retriable) when the end is not reached in time.
 */
export async function readCompactedTopic(kafka: Kafka, topic: string, options: ReadCompactedOptions): Promise<Map<string, Buffer>> {
  const latest = new Map<string, Buffer>();
  const admin = kafka.admin();
  await admin.connect();
  let high: number;
  try {
    high = (await admin.fetchTopicOffsets(topic)).reduce((max, p) => Math.max(max, Number(p.high)), 0);
  } finally {
    await admin.disconnect();
  }
  if (high === 0) return latest;
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Checkpoints can be large (the topology's up to 64 MiB): fetch whole records.
  const reader = kafka.consumer({ groupId: options.groupId, readUncommitted: false, maxWaitTimeInMs: 100, maxBytesPerPartition: 64 << 20, maxBytes: 128 << 20 });
  await reader.connect();
  try {
    await reader.subscribe({ topic, fromBeginning: true });
    let lastSeenMs = 0;
    let reachedEnd = false;
    // Also emitted for batches of only markers or aborted records, which eachBatch never sees.
    // Their last offset counts them: it reaches `high - 1` only once every transaction open at
    // the start has ended (a writer's checkpoint in a transaction still open must not be missed).
    reader.on(reader.events.END_BATCH_PROCESS, (event) => {
      lastSeenMs = Date.now();
      if (Number(event.payload.lastOffset) + 1 >= high) reachedEnd = true;
    });
    await reader.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (!m.key) continue;
          if (m.value) latest.set(m.key.toString(), m.value);
          else latest.delete(m.key.toString());
        }
        lastSeenMs = Date.now();
      },
    });
    const startedMs = Date.now();
    while (!(reachedEnd && Date.now() - lastSeenMs > 300) && Date.now() - startedMs < timeoutMs) await new Promise((r) => setTimeout(r, 50));
    if (!reachedEnd) throw new PulseError(`${topic} could not be read to its end in ${timeoutMs} ms`, { code: 'CHECKPOINT_READ_FAILED', retriable: true });
    return latest;
  } finally {
    await reader.disconnect();
  }
}
