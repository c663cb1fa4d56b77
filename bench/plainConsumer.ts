// The practical limit for bench/topology.ts: a plain kafkajs consumer that decodes every record
// (Avro, through the registry) and does nothing else, committing after each batch as kafkajs
// does by default. Runs until killed.
//   node --import tsx bench/plainConsumer.ts TOPIC GROUP
import { createKafka } from '../connectors/kafka/client.ts';
import { endpointsFromEnv } from '../core/config.ts';
import { AvroSerde } from '../schemas/serde.ts';

const [topic, groupId] = process.argv.slice(2);
if (!topic || !groupId) throw new Error('usage: bench/plainConsumer.ts TOPIC GROUP');
const endpoints = endpointsFromEnv();
const serde = AvroSerde.connect(endpoints.registryUrl);
const consumer = createKafka(endpoints.kafkaBrokers, 'bench-plain').consumer({ groupId, maxWaitTimeInMs: 100 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
    for (const m of batch.messages) await serde.decode(m.value);
  },
});
