// ClickHouse sink throughput: chat messages already in Kafka (Avro) → `SinkConsumer` →
// batched JSONEachRow inserts into the stack's ClickHouse, offsets committed after each insert,
// the same path as `twitch-pulse sink clickhouse`. Needs `twitch-pulse stack up`.
//   node --import tsx bench/clickhouse-sink.ts [messages=300000] [maxRows=10000]
import { endpointsFromEnv } from '../core/config.ts';
import { createLogger } from '../core/log.ts';
import { migrate } from '../clickhouse/migrations.ts';
import { createClickHouse } from '../connectors/clickhouse/client.ts';
import { httpSql } from '../connectors/clickhouse/httpSql.ts';
import { openClickHouseSink } from '../connectors/clickhouse/sinkPipeline.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../connectors/twitch/ingestToKafka.ts';
import { TOPICS } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';

const messageCount = Number(process.argv[2] ?? 300_000);
const maxBatchRows = Number(process.argv[3] ?? 10_000);
const endpoints = endpointsFromEnv();
const run = Date.now().toString(36);
const prefix = `bench.${run}.`;
const database = `bench_${run}`;

const ingest = await openKafkaIngest(endpoints, 'bench', {
  messages: `${prefix}${TOPICS.chatMessages.name}`, events: `${prefix}${TOPICS.chatEvents.name}`,
  moderation: `${prefix}${TOPICS.moderation.name}`, deadLetter: `${prefix}${TOPICS.deadLetter.name}`,
});
let produced = 0;
for (const line of simulateChat({ channels: simulatedChannels(200), startMs: 1_700_000_000_000, durationMs: 86_400_000, seed: 42 })) {
  if (!line.includes(' PRIVMSG ')) continue;
  ingest.ingester.line(line, 0);
  if (++produced % 10_000 === 0) await ingest.producer.backpressure();
  if (produced >= messageCount) break;
}
await ingest.close();

const admin = createClickHouse(endpoints.clickhouse, null);
await admin.command({ query: `CREATE DATABASE ${database}` });
const ch = createClickHouse({ ...endpoints.clickhouse, database });
await migrate(httpSql(ch));

const sink = await openClickHouseSink({
  kafka: createKafka(endpoints.kafkaBrokers, 'bench-sink'),
  serde: AvroSerde.connect(endpoints.registryUrl),
  endpoints: { ...endpoints, clickhouse: { ...endpoints.clickhouse, database } },
  groupId: `bench-sink-${run}`,
  topicIds: ['chatMessages'],
  topicPrefix: prefix,
  maxBatchRows,
  maxWaitMs: 1_000,
  log: createLogger('bench', 'warn'),
});
const started = process.hrtime.bigint();
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
await sink.start();
while (sink.stats.items < produced || !sink.settled) {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await new Promise((r) => setTimeout(r, 20));
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await sink.stop();
const [stored] = await (await ch.query({ query: 'SELECT count() AS n FROM chat_messages FINAL', format: 'JSONEachRow' })).json<{ n: string }>();
console.log(JSON.stringify({
  messages: produced,
  maxBatchRows,
  seconds: Number(seconds.toFixed(2)),
  rowsPerSecond: Math.round(produced / seconds),
  batches: sink.stats.batches,
  rowsInClickHouse: Number(stored!.n),
  rssBeforeSinkMiB: Math.round(rssBefore / 2 ** 20),
  peakRssMiB: Math.round(peakRss / 2 ** 20),
}));
await admin.command({ query: `DROP DATABASE ${database}` });
await Promise.all([ch.close(), admin.close()]);
process.exit(0);
