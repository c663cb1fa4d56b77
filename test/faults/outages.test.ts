// Needs: the whole local stack, and stops and restarts its servers one at a time. The pipeline
// (replay exactly once at about 1,000 messages/s, topology, ClickHouse sink, archiver) runs
// through Kafka down 60 s, the schema registry down 30 s, ClickHouse down 60 s and MinIO down
// 60 s. It must recover by itself, say in its logs what happened, and end with exactly the ground
// truth in Kafka, ClickHouse and MinIO.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { ChatIngester } from '../../connectors/twitch/chatIngest.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { ChatEvent, ChatMessage } from '../../schemas/types.ts';
import { stackServices } from '../../stack/services.ts';
import { stackDown, stackUp } from '../../stack/supervisor.ts';
import { endpoints, testKafka, uniqueName } from '../integration/harness.ts';
import { migrateInto } from '../integration/sinkCli.ts';
import { CHAT_TABLES } from '../support/clickhouseRows.ts';
import { ManagedProcess, decodeAll, readTopic, sleep, untilSettled } from './kit.ts';
import { assertArchiveExact, assertDerivedExact, assertTablesExact } from './verify.ts';

const OUTAGES: ReadonlyArray<{ service: string; ms: number }> = [
  { service: 'kafka', ms: 60_000 },
  { service: 'apicurio', ms: 30_000 },
  { service: 'clickhouse', ms: 60_000 },
  { service: 'minio', ms: 60_000 },
];
// 13 simulated channels chat about 345 messages/s together; replayed 3× faster: over 1,000/s.
const CHANNELS = 13;
const SPEED = 3;

async function outage(service: string, ms: number): Promise<number> {
  const spec = stackServices().filter((s) => s.name === service);
  assert.equal(spec.length, 1, `stack service ${service}`);
  await stackDown(spec);
  const downAt = Date.now();
  await sleep(ms);
  await stackUp(spec);
  return Date.now() - downAt;
}

describe('fault suite: outages of every server while chat flows', () => {
  const kafka = testKafka('faults-outages');
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const base = uniqueName('outages');
  const prefix = `${base}.`;
  const database = base.replace(/[^a-z0-9]/g, '_');
  const env = { ...process.env, CLICKHOUSE_DATABASE: database, LOG_LEVEL: 'info' };
  const name = (id: TopicId) => `${prefix}${TOPICS[id].name}`;
  const processes: ManagedProcess[] = [];

  after(async () => {
    await stackUp(stackServices());
    await Promise.all(processes.map((p) => p.stop(2_000)));
    const admin = createClickHouse({ ...endpoints.clickhouse, database: 'default' });
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await admin.close();
  });

  it('recovers from each outage by itself, logs it, and ends with exactly the ground truth', { timeout: 1_500_000 }, async () => {
    const totalOutageMs = OUTAGES.reduce((n, o) => n + o.ms, 0);
    const minutes = Math.ceil(((totalOutageMs + OUTAGES.length * 20_000 + 30_000) * SPEED) / 60_000);
    const lines = [...simulateChat({ channels: simulatedChannels(CHANNELS), startMs: 1_700_000_000_000, durationMs: minutes * 60_000, seed: 47, burstChancePerSecond: 1 / 120, giftBombChancePerSecond: 1 / 120, raidChancePerSecond: 1 / 600 })];
    const file = `${tmpdir()}/twitch-pulse-outages-${process.pid}.log`;
    writeFileSync(file, lines.join('\n') + '\n');
    const truth = { messages: [] as string[], events: [] as string[] };
    const parser = new ChatIngester({ message: (m) => truth.messages.push(m.id), event: (e) => truth.events.push(e.id), moderation: () => undefined, malformed: () => undefined });
    for (const line of lines) parser.line(line, 0);
    const ratePerS = (truth.messages.length / (minutes * 60)) * SPEED;
    assert.ok(ratePerS >= 1_000, `chat flows at ${Math.round(ratePerS)} messages/s`);

    migrateInto(env);
    const raw = [name('chatMessages'), name('chatEvents'), name('moderation')];
    const replay = new ManagedProcess('replay', ['replay', file, '--speed', String(SPEED), '--checkpoint', base, '--topic-prefix', prefix], env);
    const topology = new ManagedProcess('topology', ['run', '--group', `${base}-topology`, '--instance', 'one', '--input-prefix', prefix, '--output-prefix', prefix], env);
    const sink = new ManagedProcess('sink', ['sink', 'clickhouse', '--group', `${base}-sink`, '--topic-prefix', prefix, '--topics', CHAT_TABLES.join(','), '--max-wait-ms', '1000'], env);
    const archive = new ManagedProcess('archive', ['archive', '--group', `${base}-archive`, '--topics', raw.join(','), '--dead-letter-topic', name('deadLetter'), '--max-wait-ms', '5000'], env);
    processes.push(replay, topology, sink, archive);
    replay.start();
    await sleep(6_000);
    for (const p of [topology, sink, archive]) p.start();

    const downFor: Record<string, number> = {};
    for (const { service, ms } of OUTAGES) {
      await sleep(15_000);
      assert.ok(replay.running, `chat still flows when ${service} goes down`);
      downFor[service] = await outage(service, ms);
    }
    assert.equal(await replay.exited(), 0, replay.output.slice(-3_000));
    await untilSettled(kafka, `${base}-topology`, [name('chatMessages'), name('chatEvents')], 600_000, undefined, processes);
    await untilSettled(kafka, `${base}-sink`, CHAT_TABLES.map(name), 600_000, undefined, processes);
    await untilSettled(kafka, `${base}-archive`, raw, 600_000, undefined, processes);
    for (const p of processes) assert.deepEqual(p.unexpectedExits, [], `${p.name} never exited on its own`);
    await Promise.all([topology, sink, archive].map((p) => p.stop()));
    for (const { service, ms } of OUTAGES) assert.ok(downFor[service]! >= ms, `${service} was down ${downFor[service]} ms`);

    // What the logs say: each process that needs the server that went away.
    assert.match(replay.output, /Kafka transaction failed: retrying until Kafka takes it/);
    assert.match(replay.output, /Kafka took the transaction again/);
    assert.match(sink.output, /failed; retrying with offsets uncommitted/);
    assert.match(archive.output, /minio|MinIO|S3/i);

    const messageRecords = await decodeAll<ChatMessage>(serde, await readTopic(kafka, name('chatMessages')));
    const eventRecords = await decodeAll<ChatEvent>(serde, await readTopic(kafka, name('chatEvents')));
    assert.deepEqual(messageRecords.decoded.map((r) => r.decoded.id).sort(), [...truth.messages].sort(), 'each chat message once');
    assert.deepEqual(eventRecords.decoded.map((r) => r.decoded.id).sort(), [...truth.events].sort(), 'each chat event once');
    const place = { kafka, serde, endpoints, database, name };
    await assertDerivedExact(place, messageRecords.decoded, eventRecords.decoded);
    await assertTablesExact(place);
    await assertArchiveExact(place, messageRecords.decoded, eventRecords.decoded);
    console.log(`outages: ${OUTAGES.map((o) => `${o.service} ${Math.round(downFor[o.service]! / 1000)} s`).join(', ')} at ${Math.round(ratePerS)} messages/s; ${truth.messages.length} messages, ${truth.events.length} events; lost 0, counted twice 0`);
  });
});
