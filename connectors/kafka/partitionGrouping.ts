import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);

/** kafkajs's partitioner as its producer calls it. */
type Partitioner = (args: { topic: string; partitionMetadata: readonly object[]; message: object }) => number;

const KAFKAJS_GROUPING = 'kafkajs/src/producer/groupMessagesPerPartition.js';
const KAFKAJS_SEND_MESSAGES = 'kafkajs/src/producer/sendMessages.js';

/**
 * A produce's messages by partition, each partition's in their given order: what kafkajs's own
 * `groupMessagesPerPartition` returns, in time linear in the messages. kafkajs's copies a
 * partition's list for every message it adds, so a request of n messages to one partition costs
 * n²/2 element copies; the topology's transactions carry thousands of results per partition when
 * 10,000 channels' windows close together, which cost its fetching thread about 5 % of its CPU.
 */
export function groupMessagesPerPartition<M extends object>({ topic, partitionMetadata, messages, partitioner }: {
  topic: string;
  partitionMetadata: readonly object[];
  messages: readonly M[];
  partitioner: Partitioner;
}): Record<number, M[]> {
  const grouped: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return grouped;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = grouped[partition];
    if (list) list.push(message);
    else grouped[partition] = [message];
  }
  return grouped;
}

/**
 * Makes kafkajs's producer group messages with {@link groupMessagesPerPartition}. kafkajs takes
 * its grouping function when it loads, so this works only before kafkajs is first imported:
 * returns false, leaving kafkajs's own (same result, slower), if it is already loaded. This module
 * installs it when first imported, and `client.ts` imports it before kafkajs. Idempotent.
 */
export function installPartitionGrouping(): boolean {
  const path = require.resolve(KAFKAJS_GROUPING);
  if (require.cache[path]?.exports === groupMessagesPerPartition) return true;
  if (require.cache[path] || require.cache[require.resolve(KAFKAJS_SEND_MESSAGES)]) return false;
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = groupMessagesPerPartition;
  require.cache[path] = module;
  return true;
}

installPartitionGrouping();
