// Sustained load on the whole pipeline: N channels chatting R messages/s in total for S seconds,
// fed into Kafka as live ingestion would (in-process ingester, buffered producer), while the
// topology (`twitch-pulse run`) and the ClickHouse sink run as their own processes. Samples each
// process's resident memory and the consumer lag every 5 s, then measures how long the lag
// takes to return to zero once the feed stops. Needs the local stack. Usage:
//   node --import tsx bench/load.ts [channels=10000] [ratePerS=20000] [seconds=300]
// Prints one JSON object with the figures (the README's load table).
import { readFileSync } from 'node:fs';
import { createClickHouse } from '../connectors/clickhouse/client.ts';
import { simulateChat } from '../connectors/simulator/chatSimulator.ts';
import { openKafkaIngest } from '../connectors/twitch/ingestToKafka.ts';
import { TOPICS, type TopicId } from '../schemas/catalogue.ts';
import { groupLag, testKafka, uniqueName } from '../test/integration/harness.ts';
import { migrateInto } from '../test/integration/sinkCli.ts';
import { ManagedProcess, sleep, untilSettled } from '../test/faults/kit.ts';
import { endpointsFromEnv } from '../core/config.ts';

const [channelCount = 10_000, ratePerS = 20_000, seconds = 300] = process.argv.slice(2).map(Number);
const endpoints = endpointsFromEnv();
const base = uniqueName('bench-load');
const prefix = `${base}.`;
const database = base.replace(/[^a-z0-9]/g, '_');
const env = { ...process.env, CLICKHOUSE_DATABASE: database, LOG_LEVEL: 'warn' };
const name = (id: TopicId) => `${prefix}${TOPICS[id].name}`;
const SINK_TOPICS: TopicId[] = ['chatMessages', 'chatEvents', 'chatRates', 'hype', 'hypeStarts', 'adWindows', 'subActivity', 'subBursts'];

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

migrateInto(env);
const kafka = testKafka('bench-load');
const ingest = await openKafkaIngest(endpoints, 'bench-load', { messages: name('chatMessages'), events: name('chatEvents'), moderation: name('moderation'), deadLetter: name('deadLetter') });
const topology = new ManagedProcess('topology', ['run', '--group', `${base}-topology`, '--instance', 'one', '--input-prefix', prefix, '--output-prefix', prefix], env);
const sink = new ManagedProcess('sink', ['sink', 'clickhouse', '--group', `${base}-sink`, '--topic-prefix', prefix, '--topics', SINK_TOPICS.join(','), '--lag-every-ms', '0'], env);
topology.start();
sink.start();
const pids = () => ({ topology: (topology as unknown as { child: { pid?: number } }).child.pid, sink: (sink as unknown as { child: { pid?: number } }).child.pid });

// Every channel chats at the same baseline, so the total is ratePerS; bursts, gift bombs and
// raids come on top as the simulator makes them.
const channels = Array.from({ length: channelCount }, (_, i) => ({ login: `load_${i}`, roomId: String(700_000_000 + i), baselinePerSecond: ratePerS / channelCount }));
const startMs = Date.now();
const lines = simulateChat({ channels, startMs, durationMs: (seconds + 60) * 1000, seed: 9, burstChancePerSecond: 1 / 1800, giftBombChancePerSecond: 1 / 3600, raidChancePerSecond: 1 / 7200 });
const peak = { feederMb: 0, topologyMb: 0, sinkMb: 0, topologyLag: 0, sinkLag: 0 };
const samples: string[] = [];
let fed = 0;
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    await sleep(5_000);
    const p = pids();
    const now = { feederMb: Math.round(process.memoryUsage().rss / 1048576), topologyMb: rssMb(p.topology), sinkMb: rssMb(p.sink) };
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

// 100 ms ticks: ratePerS / 10 lines each, as fast as the producer takes them.
const feedUntil = startMs + seconds * 1000;
while (Date.now() < feedUntil) {
  const tick = Date.now();
  for (let i = 0; i < ratePerS / 10; i++) {
    const line = lines.next();
    if (line.done) break;
    ingest.ingester.line(line.value, Date.now());
    fed++;
  }
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
}));
