// Latency from a chat message's produce to its window's final result in `pulse.chat-rates`:
// messages are produced at a steady rate with event time = wall time; for every final 10 s
// window the delay after its end is recorded. A window can be final no earlier than end + grace
// (5 s), so the goal is p99 <= grace + 500 ms after the window end.
//   node --import tsx bench/latency.ts [seconds=60] [messagesPerSecond=2000]
import { createKafka } from '../connectors/kafka/client.ts';
import { openKafkaIngest } from '../connectors/twitch/ingestToKafka.ts';
import { endpointsFromEnv } from '../core/config.ts';
import { TOPICS } from '../schemas/catalogue.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { TopologyRuntime } from '../topology/runtime.ts';

const seconds = Number(process.argv[2] ?? 60);
const rate = Number(process.argv[3] ?? 2_000);
const endpoints = endpointsFromEnv();
const kafka = createKafka(endpoints.kafkaBrokers, 'bench-latency');
const serde = AvroSerde.connect(endpoints.registryUrl);
const prefix = `bench-lat-${Date.now().toString(36)}.`;
const ingest = await openKafkaIngest(endpoints, 'bench-latency', {
  messages: `${prefix}${TOPICS.chatMessages.name}`, events: `${prefix}${TOPICS.chatEvents.name}`,
  moderation: `${prefix}${TOPICS.moderation.name}`, deadLetter: `${prefix}${TOPICS.deadLetter.name}`,
}, { lingerMs: 5, compression: 'none' });
const runtime = new TopologyRuntime({ kafka, serde, groupId: `${prefix}topology`, instanceId: 'lat', inputPrefix: prefix, outputPrefix: prefix });
await runtime.start();

const delays: number[] = [];
const reader = kafka.consumer({ groupId: `${prefix}reader`, readUncommitted: false, maxWaitTimeInMs: 50 });
await reader.connect();
await reader.subscribe({ topic: `${prefix}${TOPICS.chatRates.name}`, fromBeginning: true });
await reader.run({
  eachMessage: async ({ message }) => {
    const { value } = await serde.decode<{ sizeMs: number; windowEndMs: number }>(message.value);
    if (value.sizeMs === 10_000) delays.push(Date.now() - value.windowEndMs);
  },
});

// 100 channels, `rate` messages per second in total, sent in 10 ms ticks.
const started = Date.now();
let serial = 0;
while (Date.now() - started < seconds * 1000) {
  const tick = Date.now();
  for (let i = 0; i < rate / 100; i++) {
    serial++;
    const ch = serial % 100;
    ingest.ingester.line(`@badges=;display-name=u${serial % 977};emotes=;id=lat-${serial};room-id=${700_000 + ch};tmi-sent-ts=${Date.now()};user-id=${serial % 977} :u!u@u.tmi.twitch.tv PRIVMSG #lat_${ch} :hello`, Date.now());
  }
  await new Promise((r) => setTimeout(r, Math.max(0, 10 - (Date.now() - tick))));
}
await new Promise((r) => setTimeout(r, 8_000));
await ingest.close();
await reader.disconnect();
await runtime.stop();

const sorted = delays.slice(2 * 100).sort((a, b) => a - b); // skip the first two windows (group join, warm-up)
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
console.log(JSON.stringify({ bench: 'latency', windows: sorted.length, ratePerSecond: rate, graceMs: 5_000, p50MsAfterWindowEnd: q(0.5), p99MsAfterWindowEnd: q(0.99), maxMsAfterWindowEnd: sorted[sorted.length - 1] }));
