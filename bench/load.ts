// Sustained load on the whole pipeline: N channels chatting R messages/s in total for S seconds,
// replayed into Kafka from a file of simulated lines by the path of `replay --max` (parse threads,
// buffered producer; the file is written once and kept, so simulating costs no CPU), while the
// topology (`twitch-pulse run`) and the ClickHouse sink run as their own processes. Samples each
// process's resident memory and the consumer lag every 5 s, then measures how long the lag
// takes to return to zero once the feed stops. Needs the local stack. Usage:
//   node --import tsx bench/load.ts [channels=10000] [ratePerS=20000] [seconds=300] [boundMb=768]
// Prints one JSON object with the figures (the README's load table) and exits non-zero when a
// process went over the memory bound, lag did not return to zero, or a process exited.
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { createClickHouse } from '../connectors/clickhouse/client.ts';
import { simulateChat } from '../connectors/simulator/chatSimulator.ts';
import { openThreadedKafkaIngest } from '../connectors/twitch/ingestToKafka.ts';
import { TOPICS, type TopicId } from '../schemas/catalogue.ts';
import { groupLag, testKafka, uniqueName } from '../test/integration/harness.ts';
import { migrateInto } from '../test/integration/sinkCli.ts';
import { ManagedProcess, sleep, untilSettled } from '../test/faults/kit.ts';
import { endpointsFromEnv, REPO_ROOT } from '../core/config.ts';
import { readLines } from '../connectors/replay/lineReader.ts';

const [channelCount = 10_000, ratePerS = 20_000, seconds = 300, boundMb = 768] = process.argv.slice(2).map(Number);
const endpoints = endpointsFromEnv();
const base = uniqueName('bench-load');
const prefix = `${base}.`;
const database = base.replace(/[^a-z0-9]/g, '_');
const env = { ...process.env, CLICKHOUSE_DATABASE: database, LOG_LEVEL: 'warn' };
const name = (id: TopicId) => `${prefix}${TOPICS[id].name}`;
const SINK_TOPICS: TopicId[] = ['chatMessages', 'chatEvents', 'chatRates', 'hype', 'hypeStarts', 'adWindows', 'subActivity', 'subBursts'];

migrateInto(env);
const kafka = testKafka('bench-load');
const ingest = await openThreadedKafkaIngest(endpoints, 'bench-load', { messages: name('chatMessages'), events: name('chatEvents'), moderation: name('moderation'), deadLetter: name('deadLetter') });
const topology = new ManagedProcess('topology', ['run', '--group', `${base}-topology`, '--instance', 'one', '--input-prefix', prefix, '--output-prefix', prefix], env);
const sink = new ManagedProcess('sink', ['sink', 'clickhouse', '--group', `${base}-sink`, '--topic-prefix', prefix, '--topics', SINK_TOPICS.join(','), '--lag-every-ms', '0'], env);
topology.start();
sink.start();

// Every channel chats at the same baseline, so the total is ratePerS; bursts, gift bombs and
// raids come on top as the simulator makes them.
const file = `${REPO_ROOT}/.stack/bench/load-${channelCount}-${ratePerS}-${seconds}.log`;
if (!existsSync(file)) {
  mkdirSync(`${REPO_ROOT}/.stack/bench`, { recursive: true });
  const channels = Array.from({ length: channelCount }, (_, i) => ({ login: `load_${i}`, roomId: String(700_000_000 + i), baselinePerSecond: ratePerS / channelCount }));
  const out = createWriteStream(`${file}.part`);
  let written = 0;
  for (const line of simulateChat({ channels, startMs: 1_700_000_000_000, durationMs: (seconds + 60) * 1000, seed: 9, burstChancePerSecond: 1 / 1800, giftBombChancePerSecond: 1 / 3600, raidChancePerSecond: 1 / 7200 })) {
    if (!out.write(line + '\n')) await once(out, 'drain');
    if (++written >= ratePerS * (seconds + 10)) break;
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${file}.part`, file);
}
const reader = readLines(createReadStream(file, { highWaterMark: 1 << 20 }));
let chunk: Buffer[] = [];
let inChunk = 0;
async function nextLine(): Promise<Buffer | undefined> {
  while (inChunk >= chunk.length) {
    const next = await reader.next();
    if (next.done) return undefined;
    chunk = next.value;
    inChunk = 0;
  }
  return chunk[inChunk++];
}
const startMs = Date.now();
const peak = { feederMb: 0, topologyMb: 0, sinkMb: 0, topologyLag: 0, sinkLag: 0 };
const samples: string[] = [];
let fed = 0;
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    await sleep(5_000);
    const now = { feederMb: Math.round(process.memoryUsage().rss / 1048576), topologyMb: topology.rssMb(), sinkMb: sink.rssMb() };
    const topologyLag = await groupLag(kafka, `${base}-topology`, [name('chatMessages'), name('chatEvents')]).catch(() => -1);
    const sinkLag = await groupLag(kafka, `${base}-sink`, [name('chatMessages')]).catch(() => -1);
    peak.feederMb = Math.max(peak.feederMb, now.feederMb);
    peak.topologyMb = Math.max(peak.topologyMb, now.topologyMb);
    peak.sinkMb = Math.max(peak.sinkMb, now.sinkMb);
    peak.topologyLag = Math.max(peak.topologyLag, topologyLag);
    peak.sinkLag = Math.max(peak.sinkLag, sinkLag);
    samples.push(`${Math.round((Date.now() - startMs) / 1000)}s fed=${fed} rss(feeder/topology/sink)=${now.feederMb}/${now.topologyMb}/${now.sinkMb} MB lag(topology/sink)=${topologyLag}/${sinkLag}`);
    console.error(samples[samples.length - 1]);
  }
})();

// 100 ms ticks, each feeding what the schedule (ratePerS since the start) is owed, so a slow tick
// is made up by the next ones and the rate holds on average; as fast as the producer takes them.
const feedUntil = startMs + seconds * 1000;
let exhausted = false;
while (Date.now() < feedUntil && !exhausted) {
  const tick = Date.now();
  const owed = Math.floor(((tick - startMs) / 1000) * ratePerS) - fed;
  for (let i = 0; i < owed; i++) {
    const line = await nextLine();
    if (line === undefined) {
      exhausted = true;
      break;
    }
    ingest.ingester.line(line, tick);
    fed++;
  }
  await ingest.ingester.backpressure();
  await ingest.producer.backpressure();
  await sleep(Math.max(0, 100 - (Date.now() - tick)));
}
const feedSeconds = (Date.now() - startMs) / 1000;
await ingest.close();
const fedAtMs = Date.now();
await untilSettled(kafka, `${base}-topology`, [name('chatMessages'), name('chatEvents')], 3_600_000, 5_000);
const topologyDrainS = (Date.now() - fedAtMs) / 1000;
await untilSettled(kafka, `${base}-sink`, SINK_TOPICS.map(name), 3_600_000, 5_000);
const sinkDrainS = (Date.now() - fedAtMs) / 1000;
sampling = false;
await sampler;
await Promise.all([topology.stop(), sink.stop()]);
const admin = createClickHouse({ ...endpoints.clickhouse, database: 'default' });
await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
await admin.close();
console.log(JSON.stringify({
  channels: channelCount, targetRatePerS: ratePerS, seconds, fed, achievedRatePerS: Math.round(fed / feedSeconds),
  peakRssMb: { feeder: peak.feederMb, topology: peak.topologyMb, sink: peak.sinkMb },
  peakLag: { topology: peak.topologyLag, sink: peak.sinkLag },
  lagZeroAfterFeedS: { topology: Math.round(topologyDrainS), sink: Math.round(sinkDrainS) },
  unexpectedExits: [...topology.unexpectedExits, ...sink.unexpectedExits].length,
  boundMb, withinBound: Math.max(peak.feederMb, peak.topologyMb, peak.sinkMb) <= boundMb,
}));
if (Math.max(peak.feederMb, peak.topologyMb, peak.sinkMb) > boundMb || topology.unexpectedExits.length + sink.unexpectedExits.length > 0) process.exitCode = 1;
