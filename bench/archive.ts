// MinIO archive throughput: `records` simulated chat messages pre-filled in a 6-partition topic,
// archived by the Archiver (the code behind `twitch-pulse archive --once`) into the stack's
// MinIO, timed from start (group join included) to the last commit; plus Parquet encoding alone
// (decode + columns + parquet-wasm, in memory) on the same records, the CPU ceiling of the first.
//   node --import tsx bench/archive.ts [records=300000] [maxRecords=100000]
// Needs `twitch-pulse stack up`.
import { createKafka } from '../connectors/kafka/client.ts';
import { MinioArchiveSink } from '../connectors/minio/archiveSink.ts';
import { Archiver } from '../connectors/minio/archiver.ts';
import { createMinio } from '../connectors/minio/client.ts';
import { rollPolicy } from '../connectors/minio/rollPolicy.ts';
import { WriterSchemas } from '../connectors/minio/writerSchemas.ts';
import { ParquetObjectWriter } from '../connectors/parquet/parquetWriter.ts';
import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../connectors/twitch/ingestToKafka.ts';
import { endpointsFromEnv } from '../core/config.ts';
import { createLogger } from '../core/log.ts';
import { TOPICS } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';

const total = Number(process.argv[2] ?? 300_000);
const maxRecords = Number(process.argv[3] ?? 100_000);
const endpoints = endpointsFromEnv();
const kafka = createKafka(endpoints.kafkaBrokers, 'bench-archive');
const prefix = `bench-archive-${Date.now().toString(36)}.`;
const input = `${prefix}${TOPICS.chatMessages.name}`;
const MB = 1024 * 1024;

// Fill: 50 channels of simulated chat (emotes, badges, replies, cheers), as ingestion writes it.
const ingest = await openKafkaIngest(endpoints, 'bench-fill', {
  messages: input, events: `${prefix}${TOPICS.chatEvents.name}`, moderation: `${prefix}${TOPICS.moderation.name}`, deadLetter: `${prefix}${TOPICS.deadLetter.name}`,
}, { compression: 'none' });
let lines = 0;
for (const line of simulateChat({ channels: simulatedChannels(50), startMs: Date.UTC(2024, 2, 1, 18), durationMs: 86_400_000, seed: 4, giftBombChancePerSecond: 0, raidChancePerSecond: 0 })) {
  ingest.ingester.line(line, Date.UTC(2024, 2, 1, 18));
  if (++lines % 5_000 === 0) await ingest.producer.backpressure();
  if (ingest.ingester.stats.messages >= total) break;
}
await ingest.close();
const messages = ingest.ingester.stats.messages;
console.error(`filled ${input} with ${messages} messages`);

// (1) end to end: Kafka → decode → Parquet → MinIO → commit.
const log = createLogger('bench-archive', 'warn');
const serde = AvroSerde.connect(endpoints.registryUrl);
const archiver = new Archiver({
  kafka, serde, schemas: new WriterSchemas(endpoints.registryUrl),
  sink: new MinioArchiveSink(createMinio(endpoints.minio), endpoints.minio.bucket, { log }),
  topics: [input], groupId: `${prefix}archive`, deadLetterTopic: `${prefix}${TOPICS.deadLetter.name}`,
  policy: rollPolicy({ maxRecords, maxWaitMs: 600_000 }), once: true, log,
});
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const started = process.hrtime.bigint();
await archiver.start();
await archiver.finished;
await archiver.stop();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(rssTimer);
const stats = archiver.stats;
if (stats.records !== messages) throw new Error(`archived ${stats.records} of ${messages} records`);

// (2) Parquet encoding alone, on the same records read back from Kafka once.
const bodies: Buffer[] = [];
{
  const consumer = kafka.consumer({ groupId: `${prefix}read` });
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) bodies.push(Buffer.from(m.value!));
        if (bodies.length >= messages) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
}
const schemaId = bodies[0]!.readInt32BE(1);
const writer = await new WriterSchemas(endpoints.registryUrl).get(schemaId);
await serde.decode(bodies[0]!);
const encodeStarted = process.hrtime.bigint();
let parquetBytes = 0;
let inputBytes = 0;
for (let i = 0; i < bodies.length; i += maxRecords) {
  const object = new ParquetObjectWriter(writer.mapping);
  for (let j = i; j < Math.min(bodies.length, i + maxRecords); j++) {
    const body = bodies[j]!;
    inputBytes += body.length;
    object.append({ topic: input, partition: 0, offset: j, timestampMs: 1_700_000_000_000 + j, key: '800000000' }, serde.decodeCached<Record<string, unknown>>(body)!.value);
  }
  parquetBytes += object.finish(new Map([['twitch-pulse.avro.schema', writer.text]])).byteLength;
}
const encodeSeconds = Number(process.hrtime.bigint() - encodeStarted) / 1e9;

console.log(JSON.stringify({
  bench: 'archive', records: messages, objects: stats.objects, maxRecordsPerObject: maxRecords,
  seconds: +seconds.toFixed(1),
  recordsPerSecond: Math.round(messages / seconds),
  avroMBPerSecond: +(stats.inputBytes / MB / seconds).toFixed(2),
  parquetMBPerSecond: +(stats.objectBytes / MB / seconds).toFixed(2),
  avroMB: +(stats.inputBytes / MB).toFixed(1),
  parquetMB: +(stats.objectBytes / MB).toFixed(1),
  peakRssMB: Math.round(peakRss / MB),
  encodeOnly: {
    recordsPerSecond: Math.round(bodies.length / encodeSeconds),
    avroMBPerSecond: +(inputBytes / MB / encodeSeconds).toFixed(2),
    parquetMBPerSecond: +(parquetBytes / MB / encodeSeconds).toFixed(2),
  },
}));
process.exit(0);
