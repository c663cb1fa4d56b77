// Topology throughput on Kafka, side by side on the same pre-filled topic with (1) a plain
// kafkajs consumer that only decodes (the practical limit) and (3) a small Kafka Streams
// application (Java, bench/kafka-streams/) computing the same 10 s tumbling counts per channel,
// exactly-once v2; and the topology process's peak RSS.
//   node --import tsx bench/topology.ts [messages=1000000] [channels=10000] [twitch-pulse run options…]
// Needs `twitch-pulse stack up`, and Maven + JDK 17 for the Kafka Streams application.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createTopics } from '../connectors/kafka/admin.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { simulateChat } from '../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../connectors/twitch/ingestToKafka.ts';
import { endpointsFromEnv } from '../core/config.ts';
import { TOPICS } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { ManagedProcess } from '../test/faults/kit.ts';

const total = Number(process.argv[2] ?? 1_000_000);
const channelCount = Number(process.argv[3] ?? 10_000);
const endpoints = endpointsFromEnv();
const kafka = createKafka(endpoints.kafkaBrokers, 'bench-topology');
const prefix = `bench-topo-${Date.now().toString(36)}.`;
const input = `${prefix}${TOPICS.chatMessages.name}`;

// Fill: `channelCount` channels at 1 message/s each, in event-time order, until `total` messages.
const channels = Array.from({ length: channelCount }, (_, i) => ({ login: `bench_${i}`, roomId: String(800_000_000 + i), baselinePerSecond: 1 }));
const ingest = await openKafkaIngest(endpoints, 'bench-fill', {
  messages: input, events: `${prefix}${TOPICS.chatEvents.name}`, moderation: `${prefix}${TOPICS.moderation.name}`, deadLetter: `${prefix}${TOPICS.deadLetter.name}`,
}, { compression: 'none' });
let n = 0;
for (const line of simulateChat({ channels, startMs: 1_700_000_000_000, durationMs: 86_400_000, seed: 9, burstChancePerSecond: 0, giftBombChancePerSecond: 0, raidChancePerSecond: 0 })) {
  ingest.ingester.line(line, 0);
  if (++n % 5_000 === 0) await ingest.producer.backpressure();
  if (ingest.ingester.stats.messages >= total) break;
}
await ingest.close();
const messages = ingest.ingester.stats.messages;
console.error(`filled ${input} with ${messages} messages over ${channelCount} channels`);

async function admin<T>(f: (a: ReturnType<typeof kafka.admin>) => Promise<T>): Promise<T> {
  const a = kafka.admin();
  await a.connect();
  try {
    return await f(a);
  } finally {
    await a.disconnect();
  }
}

// (1) the practical limit: a plain kafkajs consumer that decodes every record and nothing else.
const plainStarted = process.hrtime.bigint();
{
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const consumer = kafka.consumer({ groupId: `${prefix}plain`, maxWaitTimeInMs: 100 });
  let seen = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) await serde.decode(m.value);
        seen += batch.messages.length;
        if (seen >= messages) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
}
const plainSeconds = Number(process.hrtime.bigint() - plainStarted) / 1e9;

async function lagOf(groupId: string): Promise<number> {
  return admin(async (a) => {
    const high = await a.fetchTopicOffsets(input);
    const [committed] = await a.fetchOffsets({ groupId, topics: [input] });
    return high.reduce((s, p) => s + Number(p.high) - Math.max(0, Number(committed!.partitions.find((c) => c.partition === p.partition)?.offset ?? 0)), 0);
  });
}

// (2) the topology: `twitch-pulse run` in a process of its own (so its memory is its own, not the
// fill's), same topic, exactly-once transactions, all chat operators; timed from its spawn.
let peakRssMb = 0;
const topology = new ManagedProcess('topology', ['run', '--group', `${prefix}topology`, '--instance', 'bench', '--input-prefix', prefix, '--output-prefix', prefix, ...process.argv.slice(4)], { ...process.env, LOG_LEVEL: 'warn' });
const topoStarted = process.hrtime.bigint();
topology.start();
const rssTimer = setInterval(() => (peakRssMb = Math.max(peakRssMb, topology.rssMb())), 200);
while ((await lagOf(`${prefix}topology`)) > 0) {
  if (topology.unexpectedExits.length > 0) throw new Error(topology.unexpectedExits.join('\n'));
  await new Promise((r) => setTimeout(r, 250));
}
const topoSeconds = Number(process.hrtime.bigint() - topoStarted) / 1e9;
clearInterval(rssTimer);
await topology.kill();

// (3) Kafka Streams: 10 s tumbling counts per channel, untilWindowCloses, exactly_once_v2.
const appDir = fileURLToPath(new URL('./kafka-streams/', import.meta.url));
if (!existsSync(`${appDir}target/streams-bench-1.0.0.jar`)) {
  const build = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], { cwd: appDir, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the Kafka Streams application failed');
}
const countsTopic = `${prefix}kstreams-counts`;
await createTopics(kafka, [{ name: countsTopic, key: 'room id@window', schemaFile: '', partitions: 6, retentionMs: 86_400_000, cleanupPolicy: 'delete', doc: 'bench' }]);
const streamsStarted = process.hrtime.bigint();
const app = spawn('java', ['-Xmx1g', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', `${appDir}target/streams-bench-1.0.0.jar:${appDir}target/libs/*`, 'tv.twitchpulse.bench.ChatCounts',
  endpoints.kafkaBrokers.join(','), input, countsTopic, `${prefix}kstreams`, mkdtempSync(`${tmpdir()}/kstreams-`)], { stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 2_000));
let appExit: number | null = null;
app.on('exit', (code) => (appExit = code ?? 1));
while ((await lagOf(`${prefix}kstreams`)) > 0) {
  if (appExit !== null) throw new Error(`the Kafka Streams application exited with ${appExit}`);
  await new Promise((r) => setTimeout(r, 250));
}
const streamsSeconds = Number(process.hrtime.bigint() - streamsStarted) / 1e9;
app.kill('SIGTERM');

console.log(JSON.stringify({
  bench: 'topology', messages, channels: channelCount,
  kafkaStreamsPerSecond: Math.round(messages / streamsSeconds),
  ratioToKafkaStreams: +((messages / topoSeconds) / (messages / streamsSeconds)).toFixed(2),
  plainConsumerPerSecond: Math.round(messages / plainSeconds),
  topologyPerSecond: Math.round(messages / topoSeconds),
  ratioToPlainConsumer: +((messages / topoSeconds) / (messages / plainSeconds)).toFixed(2),
  topologyPeakRssMB: peakRssMb,
}));
