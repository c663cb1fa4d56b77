// Topology throughput on Kafka, side by side on the same pre-filled topic with (1) a plain
// kafkajs consumer that only decodes (the practical limit) and (3) a small Kafka Streams
// application (Java, bench/kafka-streams/) computing the same 10 s tumbling counts per channel,
// exactly-once v2; and the topology process's peak RSS. Each of the three runs in a process of
// its own, timed from its spawn until its group has committed the whole input.
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

const lagAdmin = kafka.admin();
await lagAdmin.connect();
const high = await lagAdmin.fetchTopicOffsets(input);

/** Records of the input not yet committed by `groupId`. */
async function lagOf(groupId: string): Promise<number> {
  const [committed] = await lagAdmin.fetchOffsets({ groupId, topics: [input] });
  return high.reduce((s, p) => s + Number(p.high) - Math.max(0, Number(committed!.partitions.find((c) => c.partition === p.partition)?.offset ?? 0)), 0);
}

/**
 * Seconds from `startedNs` until `groupId` has committed the whole input. Every program below is
 * timed this way, from its spawn: process start, module loading and group join included.
 */
async function secondsToLagZero(groupId: string, startedNs: bigint, exited: () => string | null): Promise<number> {
  while ((await lagOf(groupId)) > 0) {
    const exit = exited();
    if (exit !== null) throw new Error(exit);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number(process.hrtime.bigint() - startedNs) / 1e9;
}

// (1) the practical limit: a plain kafkajs consumer that decodes every record and nothing else,
// in a process of its own like the other two.
const plainStarted = process.hrtime.bigint();
const plain = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./plainConsumer.ts', import.meta.url)), input, `${prefix}plain`], { stdio: 'inherit' });
let plainExit: string | null = null;
plain.on('exit', (code) => (plainExit = `the plain consumer exited with ${code}`));
const plainSeconds = await secondsToLagZero(`${prefix}plain`, plainStarted, () => plainExit);
plain.kill('SIGKILL');

// The same consumer as earlier runs measured it: in this process (modules loaded, warm), from
// connecting until it has decoded every record.
const inProcessStarted = process.hrtime.bigint();
{
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const consumer = kafka.consumer({ groupId: `${prefix}plain-in-process`, maxWaitTimeInMs: 100 });
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
const inProcessSeconds = Number(process.hrtime.bigint() - inProcessStarted) / 1e9;

// (2) the topology: `twitch-pulse run` in a process of its own (so its memory is its own, not the
// fill's), same topic, exactly-once transactions, all chat operators; timed from its spawn.
let peakRssMb = 0;
const topology = new ManagedProcess('topology', ['run', '--group', `${prefix}topology`, '--instance', 'bench', '--input-prefix', prefix, '--output-prefix', prefix, ...process.argv.slice(4)], { ...process.env, LOG_LEVEL: 'warn' });
const topoStarted = process.hrtime.bigint();
topology.start();
const rssTimer = setInterval(() => (peakRssMb = Math.max(peakRssMb, topology.rssMb())), 200);
const topoSeconds = await secondsToLagZero(`${prefix}topology`, topoStarted, () => topology.unexpectedExits.join('\n') || null);
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
let appExit: string | null = null;
app.on('exit', (code) => (appExit = `the Kafka Streams application exited with ${code}`));
const streamsSeconds = await secondsToLagZero(`${prefix}kstreams`, streamsStarted, () => appExit);
app.kill('SIGTERM');
await lagAdmin.disconnect();

console.log(JSON.stringify({
  bench: 'topology', messages, channels: channelCount,
  kafkaStreamsPerSecond: Math.round(messages / streamsSeconds),
  ratioToKafkaStreams: +((messages / topoSeconds) / (messages / streamsSeconds)).toFixed(2),
  plainConsumerPerSecond: Math.round(messages / plainSeconds),
  topologyPerSecond: Math.round(messages / topoSeconds),
  ratioToPlainConsumer: +((messages / topoSeconds) / (messages / plainSeconds)).toFixed(2),
  plainConsumerInProcessPerSecond: Math.round(messages / inProcessSeconds),
  ratioToPlainConsumerInProcess: +((messages / topoSeconds) / (messages / inProcessSeconds)).toFixed(2),
  topologyPeakRssMB: peakRssMb,
}));
