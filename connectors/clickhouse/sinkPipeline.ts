import type { Kafka } from 'kafkajs';
import type { Endpoints } from '../../core/config.ts';
import { UsageError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import type { AvroSerde } from '../../schemas/serde.ts';
import { createTopics } from '../kafka/admin.ts';
import { SinkConsumer, type SourceRecord } from '../kafka/sinkConsumer.ts';
import { createClickHouse } from './client.ts';
import { ClickHouseSink, type TableRow } from './sink.ts';
import { TABLE_MAPPINGS, type TableMapping } from './tables.ts';

/** Settings of {@link openClickHouseSink}. */
export interface ClickHouseSinkOptions {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly endpoints: Endpoints;
  readonly groupId: string;
  /** Topics to load, by catalogue id; every mapped topic when empty. */
  readonly topicIds?: readonly TopicId[];
  /** Prefix of the input topics' and the dead-letter topic's names ('' for the catalogue's). */
  readonly topicPrefix?: string;
  readonly maxBatchRows: number;
  readonly maxWaitMs: number;
  readonly log: Logger;
}

/**
 * The ClickHouse sink: Kafka topics → {@link TABLE_MAPPINGS} rows → batched inserts, offsets
 * committed after ClickHouse took the batch, refusals to the dead-letter topic.
 * @throws ConfigError when ClickHouse lacks the tables; UnavailableError when it does not answer.
 */
export async function openClickHouseSink(options: ClickHouseSinkOptions): Promise<SinkConsumer<TableRow<SourceRecord>>> {
  const prefix = options.topicPrefix ?? '';
  const wanted = options.topicIds && options.topicIds.length > 0 ? options.topicIds : TABLE_MAPPINGS.map((m) => m.topic);
  const byTopic = new Map<string, TableMapping>();
  for (const id of wanted) {
    const mapping = TABLE_MAPPINGS.find((m) => m.topic === id);
    if (!mapping) throw new UsageError(`topic ${id} has no ClickHouse table; choose from ${TABLE_MAPPINGS.map((m) => m.topic).join(', ')}`);
    byTopic.set(`${prefix}${TOPICS[id].name}`, mapping);
  }
  const sink = new ClickHouseSink(createClickHouse(options.endpoints.clickhouse), [...byTopic.values()].map((m) => m.table));
  await sink.connect();

  const deadLetterTopic = `${prefix}${TOPICS.deadLetter.name}`;
  // The dead-letter topic may also be an input (its records have a table): create it once.
  const specs = [...wanted.map((id) => ({ ...TOPICS[id], name: `${prefix}${TOPICS[id].name}` })), { ...TOPICS.deadLetter, name: deadLetterTopic }];
  await createTopics(options.kafka, [...new Map(specs.map((s) => [s.name, s])).values()]);
  const encode = await options.serde.encoder(await options.serde.registerTopic(TOPICS.deadLetter, deadLetterTopic));

  return new SinkConsumer<TableRow<SourceRecord>>({
    kafka: options.kafka,
    serde: options.serde,
    groupId: options.groupId,
    topics: [...byTopic.keys()],
    deadLetter: { topic: deadLetterTopic, encode },
    stage: 'clickhouse-sink',
    toItems: (topic, value, source) => {
      const mapping = byTopic.get(topic)!;
      return [{ table: mapping.table, row: mapping.toRow(value as never), source }];
    },
    write: async (batch) => (await sink.write(batch.map((b) => b.item))).map((r) => ({ item: r.row, source: r.row.source, error: r.error })),
    maxBatchItems: options.maxBatchRows,
    maxWaitMs: options.maxWaitMs,
    log: options.log,
  });
}
