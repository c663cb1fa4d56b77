import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { hostileLines } from '../../test/faults/hostileLines.ts';
import { WorkerThreadError } from '../../core/errors.ts';
import { TOPICS, loadSchema } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { ChatIngester, kafkaRecordSink, type IngestTargets, type RecordOutput } from './chatIngest.ts';
import { ThreadedIngester, type ParseThreadSetup } from './threadedIngester.ts';

// The parse threads fetch their schemas by id over HTTP as from the registry; unit tests serve the
// catalogue's schemas under fixed ids (test/integration runs the same path against Apicurio).
const SCHEMAS = { messages: [11, TOPICS.chatMessages], events: [12, TOPICS.chatEvents], moderation: [13, TOPICS.moderation], deadLetter: [14, TOPICS.deadLetter] } as const;
let server: Server;
let setup: ParseThreadSetup;

before(async () => {
  const byId = new Map(Object.values(SCHEMAS).map(([id, spec]) => [`/schemas/ids/${id}`, JSON.stringify({ schema: JSON.stringify(loadSchema(spec)) })]));
  server = createServer((req, res) => {
    const body = byId.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/vnd.schemaregistry.v1+json' }).end(body ?? '{"error_code":40403}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const targets = {} as ParseThreadSetup['targets'];
  for (const [kind, [id]] of Object.entries(SCHEMAS)) targets[kind as keyof IngestTargets] = { topic: `t.${kind}`, schemaId: id };
  setup = { registryUrl: url, stage: 'replay', targets };
});
after(() => server.close());

/** Every line of the recorded fixtures, then hostile ones (invalid UTF-8, huge lines, garbage). */
function testLines(): Buffer[] {
  const dir = new URL('../../test/fixtures/irc/', import.meta.url);
  const recorded = ['privmsg.log', 'usernotice.log', 'moderation.log', 'other.log'].flatMap((f) =>
    readFileSync(new URL(f, dir), 'utf8').split('\n').map((l) => Buffer.from(l)));
  const hostile = [...hostileLines(3_000, 7, { roomId: '71092938', login: 'xqc' }, 1_700_000_000_000, 60_000)].map((h) => h.bytes);
  return [...recorded, ...hostile];
}

/** Records as they reached the output, in order. */
function collector(): RecordOutput & { records: string[] } {
  const records: string[] = [];
  return { records, enqueue: (topic, key, value) => (records.push(`${topic} ${key} ${value.toString('base64')}`), true) };
}

async function mainThreadRun(lines: Buffer[]) {
  const serde = AvroSerde.connect(setup.registryUrl);
  const targets = {} as Record<keyof IngestTargets, IngestTargets[keyof IngestTargets]>;
  for (const [kind, { topic, schemaId }] of Object.entries(setup.targets)) targets[kind as keyof IngestTargets] = { topic, encode: await serde.encoder(schemaId) };
  const out = collector();
  const ingester = new ChatIngester(kafkaRecordSink(out, targets as IngestTargets, 'replay'));
  lines.forEach((line, i) => ingester.line(line, 1_700_000_000_000 + i));
  return { records: out.records, stats: ingester.stats };
}

describe('ThreadedIngester', () => {
  it('hands on exactly the records ChatIngester makes, in line order, with the same counts', async () => {
    const lines = testLines();
    const expected = await mainThreadRun(lines);
    assert.ok(expected.stats.malformed > 1_000 && expected.stats.messages > 100 && expected.stats.eventTotal > 10, JSON.stringify(expected.stats));
    // Two threads and small chunks, so replies overtake each other and must be put back in order.
    const out = collector();
    const threaded = await ThreadedIngester.start(setup, out, { threads: 2, chunkLines: 37, chunksInFlightPerThread: 4 });
    for (let i = 0; i < lines.length; i++) {
      threaded.line(lines[i]!, 1_700_000_000_000 + i);
      if (i % 500 === 0) await threaded.backpressure();
    }
    await threaded.close();
    assert.equal(out.records.length, expected.records.length);
    assert.deepEqual(out.records, expected.records);
    assert.deepEqual(threaded.stats, expected.stats);
  });

  it('counts what the output refuses', async () => {
    let taken = 0;
    const threaded = await ThreadedIngester.start(setup, { enqueue: () => taken++ < 10 }, { threads: 1, chunkLines: 8 });
    const lines = readFileSync(new URL('../../test/fixtures/irc/privmsg.log', import.meta.url), 'utf8').split('\n').filter((l) => l.length > 0);
    for (const line of lines.slice(0, 30)) threaded.line(line, 0);
    await threaded.close();
    assert.equal(threaded.stats.refused, 20);
  });

  it('fails with WorkerThreadError when a thread cannot start, and keeps no thread running', async () => {
    const broken = { ...setup, targets: { ...setup.targets, messages: { topic: 't.messages', schemaId: 999 } } };
    await assert.rejects(ThreadedIngester.start(broken, collector(), { threads: 1 }), WorkerThreadError);
  });

  it('refuses lines once closed', async () => {
    const threaded = await ThreadedIngester.start(setup, collector(), { threads: 1 });
    await threaded.close();
    assert.throws(() => threaded.line('PING :tmi.twitch.tv', 0), WorkerThreadError);
  });
});
