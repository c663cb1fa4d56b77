// Worker-thread entry of ThreadedIngester: parses and Avro-encodes chunks of raw lines exactly as
// ChatIngester does on the main thread, and sends back the packed records and the chunk's counts.
import { parentPort, workerData } from 'node:worker_threads';
import { AvroSerde } from '../../schemas/serde.ts';
import { ChatIngester, kafkaRecordSink, type IngestTargets } from './chatIngest.ts';
import { forEachLine, RecordChunkBuilder, transferList, type LineChunk } from './lineChunk.ts';
import type { ParseThreadSetup } from './threadedIngester.ts';

const setup = workerData as ParseThreadSetup;
const serde = AvroSerde.connect(setup.registryUrl);
const targets = {} as Record<keyof IngestTargets, IngestTargets[keyof IngestTargets]>;
for (const [kind, { topic, schemaId }] of Object.entries(setup.targets)) {
  targets[kind as keyof IngestTargets] = { topic, encode: await serde.encoder(schemaId) };
}
const topicNames = Object.values(setup.targets).map((t) => t.topic);

parentPort!.on('message', (chunk: LineChunk) => {
  const records = new RecordChunkBuilder(topicNames);
  const ingester = new ChatIngester(kafkaRecordSink(records, targets as IngestTargets, setup.stage));
  forEachLine(chunk, (line, at) => ingester.line(line, at));
  const packed = records.take(chunk.seq);
  parentPort!.postMessage({ records: packed, stats: ingester.stats }, transferList(packed));
});
parentPort!.postMessage({ ready: true });
