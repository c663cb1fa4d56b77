// Needs: the whole local stack (Kafka, Apicurio, ClickHouse, MinIO). The full pipeline runs as
// real processes — replay (exactly once by --checkpoint), the topology, the ClickHouse sink and
// the archiver — on simulated chat mixed with 100,000 fuzzed lines, with garbage bytes and
// unknown schema ids written straight into the raw topic. Each process is killed with SIGKILL
// at random moments and restarted. At the end Kafka, ClickHouse and MinIO must hold exactly the
// ground truth, every bad record must be a dead letter with its reason, no process may have
// exited on its own, and no secret may appear in any output.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { seededRandom, simulateChat, simulatedChannels } from '../../connectors/simulator/chatSimulator.ts';
import { ChatIngester } from '../../connectors/twitch/chatIngest.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { ChatEvent, ChatMessage, DeadLetter } from '../../schemas/types.ts';
import { endpoints, testKafka, uniqueName } from '../integration/harness.ts';
import { migrateInto } from '../integration/sinkCli.ts';
import { CHAT_TABLES } from '../support/clickhouseRows.ts';
import { hostileLines } from './hostileLines.ts';
import { ManagedProcess, decodeAll, readTopic, sleep, untilSettled } from './kit.ts';
import { assertArchiveExact, assertDerivedExact, assertTablesExact } from './verify.ts';

const FUZZED_LINES = 100_000;
const GARBAGE_RECORDS = 300;
// Made up per run (nothing secret is committed): set for every process, searched for in every output.
const made = () => randomBytes(12).toString('hex');
const SECRETS = { TWITCH_OAUTH_TOKEN: `oauth:${made()}`, HELIX_CLIENT_SECRET: made(), KAFKA_SASL_PASSWORD: made() };

describe('fault suite: kill -9 of every process, hostile input', () => {
  const kafka = testKafka('faults');
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const base = uniqueName('faults');
  const prefix = `${base}.`;
  const database = base.replace(/[^a-z0-9]/g, '_');
  const env = { ...process.env, ...SECRETS, CLICKHOUSE_DATABASE: database, LOG_LEVEL: 'info' };
  const name = (id: TopicId) => `${prefix}${TOPICS[id].name}`;
  const processes: ManagedProcess[] = [];

  after(async () => {
    await Promise.all(processes.map((p) => p.stop(2_000)));
    const admin = createClickHouse({ ...endpoints.clickhouse, database: 'default' });
    await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await admin.close();
  });

  it('ends with exactly the ground truth in Kafka, ClickHouse and MinIO', { timeout: 1_200_000 }, async () => {
    // Input: 6 channels for 6 minutes of event time, 100,000 fuzzed lines spread through it.
    const channels = simulatedChannels(6);
    const chat = [...simulateChat({ channels, startMs: 1_700_000_000_000, durationMs: 6 * 60_000, seed: 31, burstChancePerSecond: 1 / 60, giftBombChancePerSecond: 1 / 60, raidChancePerSecond: 1 / 150 })].map((l) => Buffer.from(l));
    const fuzz = [...hostileLines(FUZZED_LINES, 7, { roomId: '424242', login: 'fuzz_channel' }, 1_700_000_000_000, 6 * 60_000)];
    const lines: Buffer[] = [];
    const every = Math.ceil(chat.length / fuzz.length * 1_000) / 1_000;
    for (let i = 0, f = 0; i < chat.length; i++) {
      lines.push(chat[i]!);
      while (f < fuzz.length && (f * every <= i || i === chat.length - 1)) lines.push(fuzz[f++]!.bytes);
    }
    const file = `${tmpdir()}/twitch-pulse-faults-${process.pid}.log`;
    writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));

    // Ground truth of the file, from the parser (what must land) and from construction (what may not).
    const truth = { messages: [] as string[], events: [] as string[], moderation: 0, malformed: 0 };
    const parser = new ChatIngester({
      message: (m) => truth.messages.push(m.id), event: (e) => truth.events.push(e.id),
      moderation: () => truth.moderation++, malformed: () => truth.malformed++,
    });
    for (const line of lines) parser.line(line, 0);
    const validFuzz = fuzz.filter((f) => f.valid).length;
    const fuzzMessages = truth.messages.filter((id) => id.startsWith('fuzz-')).length;
    assert.equal(fuzzMessages, validFuzz, 'every hostile-but-valid line parses as a chat message, no broken one does');
    assert.ok(truth.malformed >= FUZZED_LINES - validFuzz - FUZZED_LINES / 10, `most broken lines are dead letters: ${truth.malformed}`);

    migrateInto(env);
    const raw = [name('chatMessages'), name('chatEvents'), name('moderation')];
    const replay = new ManagedProcess('replay', ['replay', file, '--speed', '4', '--checkpoint', base, '--topic-prefix', prefix], env);
    const topology = new ManagedProcess('topology', ['run', '--group', `${base}-topology`, '--instance', 'one', '--input-prefix', prefix, '--output-prefix', prefix, '--max-batch-bytes', '65536'], env);
    const sink = new ManagedProcess('sink', ['sink', 'clickhouse', '--group', `${base}-sink`, '--topic-prefix', prefix, '--topics', CHAT_TABLES.join(','), '--max-rows', '2000', '--max-wait-ms', '500'], env);
    const archive = new ManagedProcess('archive', ['archive', '--group', `${base}-archive`, '--topics', raw.join(','), '--dead-letter-topic', name('deadLetter'), '--max-wait-ms', '2000'], env);
    processes.push(replay, topology, sink, archive);
    replay.start();
    // The others subscribe to topics the replay creates.
    await sleep(6_000);
    for (const p of [topology, sink, archive]) p.start();

    // Garbage written straight into the raw messages topic: random bytes, and the Confluent
    // magic byte with a schema id the registry never issued.
    const random = seededRandom(99);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const garbage = Array.from({ length: GARBAGE_RECORDS }, (_, i) => i % 2 === 0
      ? Buffer.from(Array.from({ length: 5 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)))
      : Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x00 + (i % 200)]), Buffer.from(`not avro ${i}`)]));
    for (let i = 0; i < garbage.length; i += 50) {
      await producer.send({ topic: name('chatMessages'), acks: -1, messages: garbage.slice(i, i + 50).map((value, j) => ({ key: `garbage-${i + j}`, value })) });
    }
    await producer.disconnect();

    // Chaos: kill -9 one process every 3–6 s in a shuffled round robin and restart it 0.5–2 s
    // later, until the replay has finished and every process was killed at least twice.
    const victims = [replay, topology, sink, archive];
    let round: ManagedProcess[] = [];
    for (;;) {
      await sleep(3_000 + random() * 3_000);
      const candidates = victims.filter((p) => !(p === replay && replay.finished));
      if (replay.finished && candidates.every((p) => p.kills >= 2)) break;
      if (round.length === 0) round = [...candidates].sort(() => random() - 0.5);
      const victim = round.pop()!;
      if (!candidates.includes(victim)) continue;
      await victim.kill();
      await sleep(500 + random() * 1_500);
      victim.start();
    }
    assert.equal(await replay.exited(), 0, replay.output.slice(-3_000));
    for (const p of victims) assert.ok(p.kills >= 2, `${p.name} was killed ${p.kills} times`);

    await untilSettled(kafka, `${base}-topology`, [name('chatMessages'), name('chatEvents')]);
    await untilSettled(kafka, `${base}-sink`, CHAT_TABLES.map(name));
    await untilSettled(kafka, `${base}-archive`, raw);
    for (const p of [topology, sink, archive]) assert.ok(p.running, `${p.name} is still up`);
    for (const p of processes) assert.deepEqual(p.unexpectedExits, [], `${p.name} never exited on its own`);
    await Promise.all([topology, sink, archive].map((p) => p.stop()));

    // Kafka, raw: every line once, garbage kept as written.
    const messageRecords = await decodeAll<ChatMessage>(serde, await readTopic(kafka, name('chatMessages')));
    const eventRecords = await decodeAll<ChatEvent>(serde, await readTopic(kafka, name('chatEvents')));
    assert.deepEqual(messageRecords.decoded.map((r) => r.decoded.id).sort(), [...truth.messages].sort(), 'each chat message once');
    assert.deepEqual(eventRecords.decoded.map((r) => r.decoded.id).sort(), [...truth.events].sort(), 'each chat event once');
    assert.equal(messageRecords.undecodable.length, GARBAGE_RECORDS);
    assert.equal((await readTopic(kafka, name('moderation'))).length, truth.moderation);

    // Kafka, derived: what the tasks yield in-process over the same partitions.
    const place = { kafka, serde, endpoints, database, name };
    const derived = await assertDerivedExact(place, messageRecords.decoded, eventRecords.decoded);
    assert.ok(derived.chatRates!.length > 200 && derived.subActivity!.length > 0 && derived.hype!.length > 0 && derived.adWindows!.length > 0, `the input yields every kind of result: ${Object.entries(derived).map(([k, v]) => `${k} ${v!.length}`).join(', ')}`);

    // Dead letters: each broken line once (replay, transactional), each garbage record once from
    // the topology (transactional) and at least once from the sink and the archiver.
    const letters = (await decodeAll<DeadLetter>(serde, await readTopic(kafka, name('deadLetter')))).decoded.map((r) => r.decoded);
    assert.ok(letters.every((l) => l.reason.length > 0 && l.errorCode.length > 0), 'every dead letter has a reason and a code');
    assert.equal(letters.filter((l) => l.stage === 'replay').length, truth.malformed, 'each broken line is one dead letter');
    const garbageOffsets = messageRecords.undecodable.map((r) => `${r.partition}:${r.offset}`).sort();
    const offsetsOf = (stage: string) => letters.filter((l) => l.stage === stage && l.sourceTopic === name('chatMessages')).map((l) => `${l.sourcePartition}:${l.sourceOffset}`);
    assert.deepEqual(offsetsOf('topology').sort(), garbageOffsets, 'the topology dead-letters each garbage record once');
    for (const stage of ['clickhouse-sink', 'archive']) assert.deepEqual([...new Set(offsetsOf(stage))].sort(), garbageOffsets, `${stage} dead-letters every garbage record`);

    // ClickHouse: each table holds exactly its topic's rows. MinIO: every raw record in exactly
    // one archived row, garbage as dead letters.
    await assertTablesExact(place);
    await assertArchiveExact(place, [...messageRecords.decoded, ...messageRecords.undecodable], eventRecords.decoded, garbageOffsets);

    // Secrets: none in any output of any run.
    for (const p of processes) {
      for (const secret of [...Object.values(SECRETS), endpoints.minio.secretKey]) assert.ok(!p.output.includes(secret), `${p.name}'s output carries a secret`);
    }
    console.log(`fault suite: ${lines.length} lines (${FUZZED_LINES} fuzzed), ${GARBAGE_RECORDS} garbage records; kills ${victims.map((p) => `${p.name} ${p.kills}`).join(', ')}; ${truth.messages.length} messages, ${truth.events.length} events, ${truth.malformed} dead letters from replay; lost 0, counted twice 0`);
  });
});
