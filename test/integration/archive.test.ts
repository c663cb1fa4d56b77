// Needs: Kafka, Apicurio Registry and MinIO of the local stack (the outage case stops and
// restarts the stack's MinIO). Runs the real `twitch-pulse archive` and `replay --from-archive`
// on topics of its own, and reads the Parquet objects back with chdb (a current ClickHouse),
// not with the archive's own reader.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import avro from 'avsc';
import { createMinio } from '../../connectors/minio/client.ts';
import { RAW_TOPIC_IDS, rawFixtureRecords } from '../../connectors/parquet/testkit.ts';
import { simulateChat } from '../../connectors/simulator/chatSimulator.ts';
import { parseChatLine } from '../../connectors/twitch/chatRecord.ts';
import { TOPICS, loadSchema, type TopicId } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { stackServices } from '../../stack/services.ts';
import { stackDown, stackUp } from '../../stack/supervisor.ts';
import {
  createKeptTopic, listArchive, plainJson, produceRecords, readTopic, runCli, startCli, verifyArchive,
  type KafkaRecord, type ListedObject,
} from './archiveKit.ts';
import { endpoints, testKafka, uniqueName } from './harness.ts';

const OUTAGE_MS = Number(process.env.ARCHIVE_OUTAGE_MS ?? 25_000);
const kafka = testKafka('it-archive');
const serde = AvroSerde.connect(endpoints.registryUrl);
const minio = createMinio(endpoints.minio);
const bucket = endpoints.minio.bucket;

/** One test topic: what was produced into it and what Kafka holds. */
interface Source {
  readonly id: TopicId;
  readonly topic: string;
  readonly partitions: number;
  readonly type: avro.Type;
  records: KafkaRecord[];
  /** `partition:offset` of the records that must become dead letters. */
  dead: Set<string>;
}

type Produced = { key: string; value: Buffer; timestampMs: number };

async function makeSource(id: TopicId, topic: string, partitions: number, values: ReadonlyArray<{ key: string; value: unknown; timestampMs: number }>, bad: Map<number, Buffer> = new Map()): Promise<Source> {
  await createKeptTopic(kafka, topic, partitions);
  const encode = await serde.encoder(await serde.registerTopic(TOPICS[id], topic));
  const produced: Produced[] = [];
  values.forEach((v, i) => {
    const junk = bad.get(i);
    if (junk) produced.push({ key: 'bad', value: junk, timestampMs: v.timestampMs });
    produced.push({ key: v.key, value: Buffer.from(encode(v.value)), timestampMs: v.timestampMs });
  });
  await produceRecords(kafka, topic, produced);
  const records = await readTopic(kafka, topic, produced.length);
  const badValues = new Set([...bad.values()].map((b) => b.toString('hex')));
  const dead = new Set(records.filter((r) => badValues.has(r.value.toString('hex'))).map((r) => `${r.partition}:${r.offset}`));
  assert.equal(dead.size, bad.size, 'every bad record is in the topic');
  return { id, topic, partitions, type: avro.Type.forSchema(loadSchema(TOPICS[id]) as avro.Schema), records, dead };
}


function verify(source: Source): Promise<ListedObject[]> {
  return verifyArchive(minio, bucket, { topic: source.topic, records: source.records, deadOffsets: source.dead, decode: plainJson(source.type), partitions: source.partitions });
}

// Simulated chat at a low rate so a few thousand records span several UTC hours and midnight.
function simulated(count: number, startMs: number, ratePerSecond: number): { messages: Array<Record<string, unknown>>; events: Array<Record<string, unknown>> } {
  const channels = [0, 1, 2].map((i) => ({ login: `arch_channel_${i}`, roomId: String(880_000_000 + i), baselinePerSecond: ratePerSecond / 3 }));
  const messages: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  for (const line of simulateChat({ channels, startMs, durationMs: 48 * 3_600_000, seed: 11, giftBombChancePerSecond: 1 / 300, raidChancePerSecond: 1 / 900 })) {
    const record = parseChatLine(line, startMs);
    if (record.kind === 'message') messages.push(record.value as unknown as Record<string, unknown>);
    else if (record.kind === 'event') events.push(record.value as unknown as Record<string, unknown>);
    if (messages.length >= count) break;
  }
  return { messages, events };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

async function committedEqualsEnd(group: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    for (const e of ends) {
      assert.equal(committed!.partitions.find((p) => p.partition === e.partition)?.offset, e.high, `${topic}:${e.partition} committed up to its end`);
    }
  } finally {
    await admin.disconnect();
  }
}

describe('twitch-pulse archive', () => {
  const base = uniqueName('it-archive');
  const dlq = `${base}.dlq`;
  const sources: Partial<Record<(typeof RAW_TOPIC_IDS)[number], Source>> = {};
  let firstRun: ListedObject[] = [];

  before(async () => {
    const raw = rawFixtureRecords(300);
    const sim = simulated(3_000, Date.UTC(2024, 0, 1, 22, 10), 0.2);
    const keyed = (values: Array<Record<string, unknown>>, key: string, time: string) =>
      values.map((v) => ({ key: String(v[key] || v.channel), value: v, timestampMs: v[time] as number }));
    // Three records that cannot be archived: no magic byte, a schema id the registry does not
    // know, and a body cut short (with the topic's real schema id).
    const messagesTopic = `${base}.messages`;
    const truncated = Buffer.alloc(8);
    truncated.writeInt32BE(await serde.registerTopic(TOPICS.chatMessages, messagesTopic), 1);
    raw.chatMessages.bodies[0]!.copy(truncated, 5, 0, 3);
    const junk = new Map<number, Buffer>([
      [10, Buffer.from('not avro at all')],
      [500, Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x00]), raw.chatMessages.bodies[0]!])],
      [1_500, truncated],
    ]);
    sources.chatMessages = await makeSource('chatMessages', messagesTopic, 3, keyed([...raw.chatMessages.values, ...sim.messages], 'roomId', 'eventTimeMs'), junk);
    sources.chatEvents = await makeSource('chatEvents', `${base}.events`, 3, keyed([...raw.chatEvents.values, ...sim.events], 'roomId', 'eventTimeMs'));
    sources.moderation = await makeSource('moderation', `${base}.moderation`, 2, keyed(raw.moderation.values, 'roomId', 'eventTimeMs'));
    sources.streamSnapshots = await makeSource('streamSnapshots', `${base}.snapshots`, 2, keyed(raw.streamSnapshots.values, 'userId', 'observedAtMs'));
  });

  const all = () => Object.values(sources) as Source[];
  const topicList = () => all().map((s) => s.topic).join(',');

  it('archives every record of the four raw schemas exactly once, typed, under its UTC hour, and dead-letters what does not decode', { timeout: 300_000 }, async () => {
    const group = uniqueName('it-archive-group');
    const total = all().reduce((n, s) => n + s.records.length, 0);
    const { summary, stderr } = await runCli(['archive', '--topics', topicList(), '--group', group, '--once', '--max-records', '250', '--dead-letter-topic', dlq]);
    assert.equal(summary.records, total);
    // Not a terminal here: progress comes as plain lines; with --once the end offsets are known,
    // so the last line has the share of offsets read, its ETA and the offsets counted exactly.
    const done = total.toLocaleString('en-US');
    assert.match(stderr, new RegExp(`^archive {2}\\[#{24}\\] 100% {2}ETA 0\\.0 s {2}${done} records {2}[\\d,]+ records/s {2}.+ elapsed {2}offsets ${done}/${done} {2}objects ${summary.objects} {2}dead letters 3$`, 'm'));
    assert.equal(summary.deadLetters, 3);
    assert.equal(summary.rows, total - 3);
    for (const s of all()) {
      firstRun.push(...(await verify(s)));
      await committedEqualsEnd(group, s.topic);
    }
    assert.ok(new Set(firstRun.map((o) => `${o.date}T${o.hour}`)).size >= 10, 'the records span many hours, so objects were rolled by hour');

    const dlType = avro.Type.forSchema(loadSchema(TOPICS.deadLetter) as avro.Schema);
    const letters = (await readTopic(kafka, dlq, 3)).map((r) => dlType.fromBuffer(r.value.subarray(5)) as { stage: string; errorCode: string; sourceTopic: string; sourcePartition: number; sourceOffset: string; raw: Buffer });
    const messages = sources.chatMessages!;
    assert.deepEqual(letters.map((l) => l.errorCode).sort(), ['SERDE_CORRUPT_PAYLOAD', 'SERDE_MISSING_MAGIC_BYTE', 'SERDE_UNKNOWN_SCHEMA_ID']);
    for (const l of letters) {
      assert.equal(l.stage, 'archive');
      assert.equal(l.sourceTopic, messages.topic);
      const id = `${l.sourcePartition}:${l.sourceOffset}`;
      assert.ok(messages.dead.has(id), `dead letter ${id} is one of the bad records`);
      assert.deepEqual(Buffer.from(l.raw), messages.records.find((r) => `${r.partition}:${r.offset}` === id)!.value);
    }
  });

  it('writes nothing new when the same offsets are archived again, whatever the roll settings (crash between upload and commit)', { timeout: 300_000 }, async () => {
    assert.ok(firstRun.length > 0, 'the first run archived');
    const { summary } = await runCli(['archive', '--topics', topicList(), '--group', uniqueName('it-archive-again'), '--once', '--max-records', '37', '--dead-letter-topic', dlq]);
    assert.equal(summary.objects, 0);
    assert.equal(summary.skippedObjects, firstRun.length);
    const now = (await Promise.all(all().map((s) => listArchive(minio, bucket, s.topic)))).flat();
    assert.deepEqual(now.map((o) => [o.name, o.etag]), firstRun.map((o) => [o.name, o.etag]), 'same objects, none rewritten');
  });

  it('fills a deleted object with exactly its records again, ending where the next archived object starts', { timeout: 300_000 }, async () => {
    const messages = sources.chatMessages!;
    const chain = firstRun.filter((o) => o.name.startsWith(`${messages.topic}/`) && o.partition === 0);
    assert.ok(chain.length >= 4, `partition 0 has ${chain.length} objects`);
    const deleted = [chain[1]!, chain[chain.length - 2]!];
    for (const o of deleted) await minio.removeObject(bucket, o.name);
    const { summary } = await runCli(['archive', '--topics', topicList(), '--group', uniqueName('it-archive-refill'), '--once', '--max-records', '100000', '--dead-letter-topic', dlq]);
    assert.equal(summary.objects, deleted.length);
    const after = await verify(messages);
    for (const o of deleted) assert.ok(after.some((a) => a.name === o.name), `${o.name} is written again under the same name`);
    assert.equal(after.length, chain.length + firstRun.filter((o) => o.name.startsWith(`${messages.topic}/`) && o.partition !== 0).length);
  });

  it('replays archived objects back into Kafka: the same records, keys, timestamps and order per partition', { timeout: 300_000 }, async () => {
    for (const s of all()) {
      const target = `${s.topic}.replayed`;
      await createKeptTopic(kafka, target, s.partitions);
      const { summary, stderr } = await runCli(['replay', '--from-archive', `s3://${bucket}/${s.topic}`, '--to-topic', target]);
      const archivable = s.records.filter((r) => !s.dead.has(`${r.partition}:${r.offset}`));
      assert.equal(summary.records, archivable.length);
      // The objects' names give the offsets they cover, so the bar and ETA are known from the start.
      const offsets = s.records.length.toLocaleString('en-US');
      assert.match(stderr, new RegExp(`^replay --from-archive {2}\\[#{24}\\] 100% {2}ETA 0\\.0 s {2}${archivable.length.toLocaleString('en-US')} records {2}[\\d,]+ records/s {2}.+ elapsed {2}objects ${summary.objects}/${summary.objects} {2}offsets ${offsets}/${offsets}$`, 'm'));
      const replayed = await readTopic(kafka, target, archivable.length);
      for (let p = 0; p < s.partitions; p++) {
        const want = archivable.filter((r) => r.partition === p).map((r) => ({ key: r.key, timestampMs: r.timestampMs, body: r.value.subarray(5).toString('hex') }));
        const got = replayed.filter((r) => r.partition === p).map((r) => ({ key: r.key, timestampMs: r.timestampMs, body: r.value.subarray(5).toString('hex') }));
        assert.deepEqual(got, want, `${target} partition ${p}: same records in the same order`);
      }
    }
  });

  it('leaves no gap and no overlap after kill -9 of the archiver, twice, mid-run', { timeout: 600_000 }, async () => {
    const sim = simulated(24_000, Date.UTC(2024, 5, 30, 23, 50), 12);
    const source = await makeSource('chatMessages', `${base}.kill`, 3, sim.messages.map((v) => ({ key: v.roomId as string, value: v, timestampMs: v.eventTimeMs as number })));
    const group = uniqueName('it-archive-kill');
    const args = ['archive', '--topics', source.topic, '--group', group, '--max-records', '200', '--dead-letter-topic', dlq];
    const snapshots: ListedObject[][] = [];
    for (let kill = 1; kill <= 2; kill++) {
      const before = (await listArchive(minio, bucket, source.topic)).length;
      const run = startCli(args);
      await waitFor(`10 more objects before kill ${kill}`, async () => (await listArchive(minio, bucket, source.topic)).length >= before + 10 || run.child.exitCode !== null, 180_000);
      assert.equal(run.child.exitCode, null, 'the archiver is still running when killed');
      run.child.kill('SIGKILL');
      assert.equal((await run.done).signal, 'SIGKILL');
      snapshots.push(await listArchive(minio, bucket, source.topic));
    }
    const lastSnapshot = snapshots[snapshots.length - 1]!;
    assert.ok(lastSnapshot.length < source.records.length / 200, 'the kills left work to do');
    await runCli([...args, '--once']);
    const final = await verify(source);
    for (const snapshot of snapshots) {
      for (const o of snapshot) assert.ok(final.some((f) => f.name === o.name && f.etag === o.etag), `${o.name} uploaded before a kill is kept as it was`);
    }
  });

  it(`leaves no gap when MinIO is down for ${OUTAGE_MS / 1000} s mid-run, and catches up when it returns`, { timeout: OUTAGE_MS + 600_000 }, async () => {
    const sim = simulated(20_000, Date.UTC(2024, 6, 1, 8, 0), 12);
    const source = await makeSource('chatMessages', `${base}.outage`, 3, sim.messages.map((v) => ({ key: v.roomId as string, value: v, timestampMs: v.eventTimeMs as number })));
    const minioOnly = stackServices().filter((s) => s.name === 'minio');
    const run = startCli(['archive', '--topics', source.topic, '--group', uniqueName('it-archive-outage'), '--once', '--max-records', '100', '--dead-letter-topic', dlq]);
    let uploadedBefore = 0;
    try {
      await waitFor('5 objects before the outage', async () => (uploadedBefore = (await listArchive(minio, bucket, source.topic)).length) >= 5 || run.child.exitCode !== null, 180_000);
      await stackDown(minioOnly);
      assert.equal(run.child.exitCode, null, 'the archiver was mid-run when MinIO stopped');
      await sleep(OUTAGE_MS);
      assert.equal(run.child.exitCode, null, 'the archiver waits for MinIO instead of finishing or failing');
    } finally {
      await stackUp(minioOnly);
    }
    const { code, stdout, stderr } = await run.done;
    assert.equal(code, 0, stderr.slice(-4_000));
    assert.match(stderr, /failed; retrying with backoff/, 'the outage was logged');
    assert.match(stderr, /succeeded again/, 'the recovery was logged');
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { records: number };
    assert.equal(summary.records, source.records.length);
    const final = await verify(source);
    assert.ok(final.length > uploadedBefore, 'objects were uploaded after the outage');
  });
});
