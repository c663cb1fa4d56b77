// Helpers of the archive integration tests: topics, records, the real CLI, and an independent
// check of what landed in MinIO (object names parsed here, rows read by chdb, a current ClickHouse).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import type { Kafka } from 'kafkajs';
import type * as avro from 'avsc';
import type * as Minio from 'minio';
import { REPO_ROOT } from '../../core/config.ts';
import { waitForLeaders } from '../../connectors/kafka/admin.ts';
import { uniqueName } from './harness.ts';

const chdb = createRequire(import.meta.url)('chdb') as { query(sql: string, format: string): string };

/** One record as Kafka holds it. */
export interface KafkaRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly timestampMs: number;
  readonly value: Buffer;
}

/** A record value (Confluent wire format) as the plain JSON its Parquet row must read as. */
export const plainJson = (type: avro.Type) => (value: Buffer): unknown => JSON.parse(JSON.stringify(type.fromBuffer(value.subarray(5))));

/** Creates a topic that keeps its records forever (test records carry old timestamps). */
export async function createKeptTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }] });
    await waitForLeaders(admin, [topic]);
  } finally {
    await admin.disconnect();
  }
}

/** Produces records with their keys and Kafka timestamps (idempotent producer, acks=all). */
export async function produceRecords(kafka: Kafka, topic: string, records: ReadonlyArray<{ key: string; value: Buffer; timestampMs: number }>): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 500) {
      await producer.send({ topic, acks: -1, messages: records.slice(i, i + 500).map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestampMs) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Every record of `topic` (it must hold exactly `count`), by partition and offset. */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<KafkaRecord[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('it-archive-reader') });
  const out: KafkaRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${count} records of ${topic} in ${timeoutMs} ms`)), timeoutMs);
      consumer.run({
        eachMessage: async ({ partition, message }) => {
          out.push({ partition, offset: Number(message.offset), key: message.key?.toString('utf8') ?? null, timestampMs: Number(message.timestamp), value: Buffer.from(message.value ?? Buffer.alloc(0)) });
          if (out.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  assert.equal(out.length, count, `${topic} holds ${count} records`);
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** A running `twitch-pulse` command and how it ended. */
export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the real CLI (`node bin/twitch-pulse.mjs …`) as its own process. */
export function startCli(args: readonly string[]): CliRun {
  const child = spawn(process.execPath, ['bin/twitch-pulse.mjs', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Runs the CLI to its end; fails the test with its stderr when it does not exit 0. */
export async function runCli(args: readonly string[]): Promise<{ stdout: string; stderr: string; summary: Record<string, number> }> {
  const { code, signal, stdout, stderr } = await startCli(args).done;
  assert.equal(code, 0, `twitch-pulse ${args.join(' ')} exited ${code ?? signal}:\n${stderr.slice(-4_000)}`);
  return { stdout, stderr, summary: JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number> };
}

/** An archive object as MinIO lists it, with the name read by this test's own pattern. */
export interface ListedObject {
  readonly name: string;
  readonly etag: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly date: string;
  readonly hour: string;
}

const NAME = /\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/partition=(\d+)\/(\d+)-(\d+)\.parquet$/;

/** Every object under `<topic>/`; any other file there fails the test. */
export async function listArchive(client: Minio.Client, bucket: string, topic: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  for await (const item of client.listObjectsV2(bucket, `${topic}/`, true)) {
    const { name, etag } = item as { name: string; etag: string };
    const m = NAME.exec(name);
    assert.ok(m && name.startsWith(`${topic}/date=`), `unexpected object ${name}`);
    out.push({ name, etag, date: m[1]!, hour: m[2]!, partition: Number(m[3]), firstOffset: Number(m[4]), lastOffset: Number(m[5]) });
  }
  return out.sort((a, b) => a.partition - b.partition || a.firstOffset - b.firstOffset);
}

/** Rows of one archive object as chdb reads them (64-bit integers as JSON numbers). */
function chdbRows(file: string): Array<Record<string, unknown>> {
  const text = chdb.query(`SELECT * FROM file('${file}', Parquet) ORDER BY _offset SETTINGS output_format_json_quote_64bit_integers = 0`, 'JSONEachRow');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** What {@link verifyArchive} checks the archive of one topic against. */
export interface ArchiveExpectation {
  readonly topic: string;
  /** Every record of the topic, as Kafka holds it. */
  readonly records: readonly KafkaRecord[];
  /** Records expected as dead letters rather than rows. */
  readonly deadOffsets?: ReadonlySet<string>;
  /** The record's value as plain JSON (what its Parquet row must read as). */
  readonly decode: (value: Buffer) => unknown;
  readonly partitions: number;
  /**
   * The topic is written in transactions: aborted records and commit markers take offsets that
   * no reader sees, so an object may start past where the previous one ended, as long as no
   * committed record lies between.
   */
  readonly transactional?: boolean;
}

/**
 * Checks the archive of one topic, independently of the archiver's own code: the objects of each
 * partition cover its offsets from 0 to the end as one chain (no gap, no overlap); each object
 * sits under the UTC hour of its first record and holds only records of that hour; and chdb
 * reads back exactly one row per archivable record, equal in every column to the input.
 * @returns the objects, for comparisons between runs.
 */
export async function verifyArchive(client: Minio.Client, bucket: string, expect: ArchiveExpectation): Promise<ListedObject[]> {
  const objects = await listArchive(client, bucket, expect.topic);
  const byOffset = new Map(expect.records.map((r) => [`${r.partition}:${r.offset}`, r]));
  const hourOf = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString();
  for (let p = 0; p < expect.partitions; p++) {
    const chain = objects.filter((o) => o.partition === p);
    const offsets = expect.records.filter((r) => r.partition === p).map((r) => r.offset);
    if (offsets.length === 0) {
      assert.deepEqual(chain, [], `partition ${p} has no records and no objects`);
      continue;
    }
    let next = 0;
    for (const o of chain) {
      if (expect.transactional && o.firstOffset > next) {
        const skipped = offsets.filter((x) => x >= next && x < o.firstOffset);
        assert.deepEqual(skipped, [], `partition ${p}: no committed record between the previous object and ${o.name}`);
      } else {
        assert.equal(o.firstOffset, next, `partition ${p}: ${o.name} starts where the previous object ended (no gap, no overlap)`);
      }
      next = o.lastOffset + 1;
    }
    assert.equal(next, Math.max(...offsets) + 1, `partition ${p}: the objects reach the end of the partition`);
  }
  const dir = mkdtempSync(`${tmpdir()}/twitch-pulse-it-archive-`);
  const seen = new Set<string>();
  for (const o of objects) {
    const first = byOffset.get(`${o.partition}:${o.firstOffset}`)!;
    assert.ok(first, `${o.name} starts at a record offset`);
    assert.equal(`${o.date}T${o.hour}`, hourOf(first.timestampMs).slice(0, 13), `${o.name} is under its first record's UTC hour`);
    const file = `${dir}/${o.partition}-${o.firstOffset}.parquet`;
    const chunks: Buffer[] = [];
    for await (const c of await client.getObject(bucket, o.name)) chunks.push(c as Buffer);
    writeFileSync(file, Buffer.concat(chunks));
    for (const row of chdbRows(file)) {
      const { _topic, _partition, _offset, _timestamp_ms, _key, ...value } = row as { _topic: string; _partition: number; _offset: number; _timestamp_ms: number; _key: string | null };
      const id = `${_partition}:${_offset}`;
      const input = byOffset.get(id);
      assert.ok(input, `row ${id} of ${o.name} is a record of the topic`);
      assert.ok(!seen.has(id), `row ${id} appears once`);
      seen.add(id);
      assert.ok(_partition === o.partition && _offset >= o.firstOffset && _offset <= o.lastOffset, `row ${id} lies in ${o.name}'s range`);
      assert.equal(hourOf(_timestamp_ms), hourOf(first.timestampMs), `row ${id} has its object's hour`);
      assert.deepEqual({ _topic, _key, _timestamp_ms }, { _topic: expect.topic, _key: input.key, _timestamp_ms: input.timestampMs }, `row ${id} metadata`);
      assert.deepEqual(value, expect.decode(input.value), `row ${id} equals its input record`);
    }
  }
  const archivable = expect.records.filter((r) => !expect.deadOffsets?.has(`${r.partition}:${r.offset}`));
  assert.equal(seen.size, archivable.length, 'one row per archivable record');
  for (const r of archivable) assert.ok(seen.has(`${r.partition}:${r.offset}`), `record ${r.partition}:${r.offset} was archived`);
  rmSync(dir, { recursive: true, force: true });
  return objects;
}
