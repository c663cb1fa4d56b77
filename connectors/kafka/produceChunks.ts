// Kafka refuses a produce whose record batch for one partition exceeds the broker's
// message.max.bytes (1 MiB by default). One input batch can yield far more than that, e.g. a
// burst of late records, so a transaction's results go out in requests of at most this size.
const MAX_PRODUCE_BYTES = 512 * 1024;

/** Splits results into consecutive requests of at most {@link MAX_PRODUCE_BYTES} each, keeping order. */
export function produceChunks<M extends { key: string; value: Buffer }>(
  topicMessages: ReadonlyArray<{ topic: string; messages: readonly M[] }>,
  maxBytes = MAX_PRODUCE_BYTES,
): Array<Array<{ topic: string; messages: M[] }>> {
  const chunks: Array<Array<{ topic: string; messages: M[] }>> = [];
  let current: Array<{ topic: string; messages: M[] }> = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let part: M[] = [];
    current.push({ topic, messages: part });
    for (const message of messages) {
      const size = message.key.length + message.value.length + 64;
      if (bytes + size > maxBytes && bytes > 0) {
        chunks.push(current.filter((t) => t.messages.length > 0));
        part = [];
        current = [{ topic, messages: part }];
        bytes = 0;
      }
      part.push(message);
      bytes += size;
    }
  }
  const last = current.filter((t) => t.messages.length > 0);
  if (last.length > 0) chunks.push(last);
  return chunks;
}
