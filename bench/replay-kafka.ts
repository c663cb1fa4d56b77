// End-to-end ingest throughput: recorded-style raw IRC lines from a file, parsed, Avro-encoded
// and produced (idempotent, acks=all) into the real Kafka of the local stack, the same path as
// `twitch-pulse replay FILE --max` (parsing and encoding on worker threads). Needs `twitch-pulse stack up`.
//   node --import tsx bench/replay-kafka.ts [lines=1000000] [compression=lz4|gzip|none] [parse threads]
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { endpointsFromEnv, REPO_ROOT } from '../core/config.ts';
import { replay } from '../connectors/replay/replay.ts';
import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';
import { openThreadedKafkaIngest } from '../connectors/twitch/ingestToKafka.ts';
import type { SenderCompression } from '../connectors/kafka/recordSender.ts';

const lineCount = Number(process.argv[2] ?? 1_000_000);
const compression = (process.argv[3] ?? 'lz4') as SenderCompression;
const dir = `${REPO_ROOT}/.stack/bench`;
mkdirSync(dir, { recursive: true });
const file = `${dir}/chat-${lineCount}.log`;

// 200 channels at their baselines: about 2,000 lines per simulated second.
let written = 0;
try {
  written = statSync(file).size > 0 ? lineCount : 0;
} catch {
  const out = createWriteStream(file);
  for (const line of simulateChat({ channels: simulatedChannels(200), startMs: 1_700_000_000_000, durationMs: 86_400_000, seed: 42 })) {
    if (!out.write(line + '\n')) await once(out, 'drain');
    if (++written >= lineCount) break;
  }
  out.end();
  await once(out, 'finish');
}
const bytes = statSync(file).size;

const run = `${Date.now().toString(36)}`;
const topics = { messages: `bench.${run}.messages`, events: `bench.${run}.events`, moderation: `bench.${run}.moderation`, deadLetter: `bench.${run}.dlq` };
const threads = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const ingest = await openThreadedKafkaIngest(endpointsFromEnv(), 'bench', topics, { compression }, { threads });
const started = process.hrtime.bigint();
const lines = await replay(createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, {
  line: (raw, at) => ingest.ingester.line(raw, at),
  backpressure: async () => {
    await ingest.ingester.backpressure();
    await ingest.producer.backpressure();
  },
});
await ingest.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const delivered = ingest.producer.snapshot().delivered;
const result = {
  bench: 'replay-kafka', lines, delivered, compression, seconds: +seconds.toFixed(2),
  linesPerSecond: Math.round(lines / seconds), megabytesPerSecond: +(bytes / seconds / 1e6).toFixed(1),
  malformed: ingest.ingester.stats.malformed, refused: ingest.ingester.stats.refused,
};
console.log(JSON.stringify(result));
if (delivered !== lines - ingest.ingester.stats.control) process.exitCode = 1;
