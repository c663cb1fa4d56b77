/**
 * Kafka client comparison for issue #20: kafkajs 2.2.4 as this project sets it up
 * (`createKafka`, with its record-batch decoder, LZ4 codec and partition grouping),
 * `@platformatic/kafka` (pure TypeScript) and `@confluentinc/kafka-javascript` (librdkafka,
 * through its KafkaJS-compatible API), against the real broker of the local stack.
 *
 * Three phases per client, run in interleaved rounds (A B C, B C A, C A B, …), each phase in a
 * child process of its own so that the peak RSS (`ru_maxrss`, native memory included) belongs to
 * one client:
 *  - produce: idempotent producer (acks=all), LZ4, N records of 300-byte values with string keys
 *    spread over 1,000 keys, into a 6-partition topic; sends of 2,000 records, at most
 *    `--inflight` unacknowledged sends (kafkajs: 1, as its idempotent producer needs);
 *  - consume: a group consumer, read_committed, reads the run's shared input topic (the same N
 *    records, written once before round 1 by the @platformatic/kafka producer) from the beginning,
 *    counts records and touches key and value bytes; no offset commits;
 *  - transact: consume-transform-produce, each transaction carries at most `--tx-batch` input
 *    records (never more than one delivered batch), one output record per input record and the
 *    input offsets for the consumer group, then commits.
 * Throughput is records / seconds from the first record seen (consume, transact) or from the
 * first send (produce) until the last record, commit or acknowledgement. Every phase is checked
 * (produced topic's end offsets, records counted, group's committed offsets) and a failed check
 * fails the run. Topics are `bench.kafka-clients.<run>.*` and are deleted afterwards, with the groups.
 *
 * Usage (needs `twitch-pulse stack up`, or at least its Kafka):
 *   node --import tsx bench/kafka-clients.ts [--records 1000000] [--rounds 3] [--tx-batch 1000]
 *        [--inflight 4] [--clients kafkajs,platformatic,confluent] [--out results.json]
 * The librdkafka client is not a dependency of this project: install it in a scratch folder and
 * point CKJS_PATH at its package folder, e.g.
 *   CKJS_PATH=/tmp/ckjs/node_modules/@confluentinc/kafka-javascript node --import tsx bench/kafka-clients.ts
 * Without CKJS_PATH (or when it cannot be loaded) that candidate is skipped with a message.
 * Prints one JSON line per measurement, then a table of medians with ratios to kafkajs.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Kafka as KafkaJs } from 'kafkajs';

type ClientName = 'kafkajs' | 'platformatic' | 'confluent';
type Phase = 'produce' | 'consume' | 'transact';
const ALL_CLIENTS: readonly ClientName[] = ['kafkajs', 'platformatic', 'confluent'];
const PHASES: readonly Phase[] = ['produce', 'consume', 'transact'];
const PARTITIONS = 6;
const KEYS = 1_000;
const VALUE_BYTES = 300;
const SEND_CHUNK = 2_000;
const CHILD_TIMEOUT_MS = 300_000;

/** What the parent tells one child to do. */
interface Job {
  readonly client: ClientName;
  readonly phase: Phase;
  readonly brokers: string[];
  readonly topic: string;
  /** transact: where the outputs go. */
  readonly output?: string;
  readonly group?: string;
  readonly records: number;
  readonly txBatch: number;
  readonly inflight: number;
  readonly ckjsPath?: string;
}

/** What one child reports. */
interface Measurement {
  readonly client: ClientName;
  readonly phase: Phase;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** From connecting until the first record arrived (consume, transact). */
  readonly firstRecordMs?: number;
  readonly transactions?: number;
  readonly peakRssMb: number;
  /** Sum over key and value bytes touched, so the reads cannot be optimised away. */
  readonly checksum?: number;
}

// ---------------------------------------------------------------- records

/** Deterministic xorshift32 generator. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** 4,096 distinct chat-like 300-byte values (compressible like real JSON chat, not constant). */
function valuePool(): Buffer[] {
  const next = rng(20);
  const syllables = ['ka', 'po', 'gg', 'lul', 'ez', 'hype', 'ra', 'mi', 'to', 'xd', 'wp', 'no', 'pog', 'sa', 'ki', 'omg'];
  const word = () => Array.from({ length: 1 + (next() % 3) }, () => syllables[next() % syllables.length]).join('');
  return Array.from({ length: 4_096 }, (_, i) => {
    let text = '';
    while (text.length < VALUE_BYTES) text += `${word()} `;
    const head = `{"channel":"chan_${next() % 500}","user":"user_${next() % 100_000}","seq":${i},"text":"`;
    return Buffer.from(`${head}${text}`.slice(0, VALUE_BYTES - 2) + '"}');
  });
}

const keyOf = (i: number) => `key-${((Math.imul(i, 2_654_435_761) >>> 0) % KEYS).toString().padStart(4, '0')}`;

/** Calls `send` for consecutive chunks, keeping at most `window` of them unsettled. */
async function pipelined(records: number, window: number, send: (from: number, to: number) => Promise<unknown>): Promise<void> {
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;
  for (let from = 0; from < records; from += SEND_CHUNK) {
    if (failure) break;
    const p: Promise<unknown> = send(from, Math.min(records, from + SEND_CHUNK)).catch((e: unknown) => (failure ??= e)).finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= window) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw failure;
}

/** A promise with its resolver outside, for "the last record was handled". */
function signal(): { done: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { done, resolve, reject };
}

const touch = (key: Buffer | null | undefined, value: Buffer | null | undefined) =>
  (key ? key.length + key[0]! : 0) + (value ? value.length + value[0]! + value[value.length - 1]! : 0);

/** The transform of the transactional loop: a copy of the value with one byte changed. */
function transform(value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(value.length);
  value.copy(out);
  out[0] = 0x5b;
  return out;
}

// ---------------------------------------------------------------- the clients

/** One client's three phases; each returns records handled, seconds, and the extras. */
interface Driver {
  produce(job: Job): Promise<{ seconds: number }>;
  consume(job: Job): Promise<{ seconds: number; firstRecordMs: number; checksum: number }>;
  transact(job: Job): Promise<{ seconds: number; firstRecordMs: number; transactions: number }>;
}

/** kafkajs 2.2.4 through the project's `createKafka`, configured as the topology configures it. */
async function kafkajsDriver(): Promise<Driver> {
  const { createKafka, CompressionTypes } = await import('../connectors/kafka/client.ts');
  const kafka = (job: Job) => createKafka(job.brokers, `bench-kafkajs-${job.phase}`);
  return {
    async produce(job) {
      const values = valuePool();
      const producer = kafka(job).producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const started = performance.now();
      await pipelined(job.records, 1, (from, to) => {
        const messages = [];
        for (let i = from; i < to; i++) messages.push({ key: keyOf(i), value: values[i % values.length]! });
        return producer.send({ topic: job.topic, acks: -1, compression: CompressionTypes.LZ4, messages });
      });
      const seconds = (performance.now() - started) / 1000;
      await producer.disconnect();
      return { seconds };
    },
    async consume(job) {
      const consumer = kafka(job).consumer({ groupId: job.group!, readUncommitted: false, maxWaitTimeInMs: 200, maxBytesPerPartition: 1_048_576 });
      const finished = signal();
      let count = 0;
      let checksum = 0;
      let first = 0;
      const connected = performance.now();
      await consumer.connect();
      await consumer.subscribe({ topic: job.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now();
          for (const m of batch.messages) checksum += touch(m.key, m.value);
          count += batch.messages.length;
          if (count >= job.records) finished.resolve();
        },
      });
      await finished.done;
      const seconds = (performance.now() - first) / 1000;
      await consumer.disconnect();
      return { seconds, firstRecordMs: first - connected, checksum };
    },
    async transact(job) {
      const client = kafka(job);
      // The topology's transactional producer settings (topology/runtime.ts).
      const producer = client.producer({ transactionalId: `${job.group}-tx`, idempotent: true, maxInFlightRequests: 1, retry: { retries: 12, initialRetryTime: 10, maxRetryTime: 2_000 } });
      const consumer = client.consumer({ groupId: job.group!, readUncommitted: false, maxWaitTimeInMs: 200, maxBytesPerPartition: 1_048_576 });
      const finished = signal();
      let count = 0;
      let transactions = 0;
      let first = 0;
      const connected = performance.now();
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: job.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          if (first === 0) first = performance.now();
          for (let from = 0; from < batch.messages.length; from += job.txBatch) {
            const part = batch.messages.slice(from, from + job.txBatch);
            const last = part[part.length - 1]!;
            const tx = await producer.transaction();
            try {
              await tx.send({ topic: job.output!, acks: -1, compression: CompressionTypes.LZ4, messages: part.map((m) => ({ key: m.key, value: transform(m.value!) })) });
              await tx.sendOffsets({ consumerGroupId: job.group!, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }] }] });
              await tx.commit();
            } catch (error) {
              await tx.abort().catch(() => undefined);
              finished.reject(error);
              throw error;
            }
            transactions++;
            resolveOffset(last.offset);
            await heartbeat();
            count += part.length;
            if (count >= job.records) finished.resolve();
          }
        },
      });
      await finished.done;
      const seconds = (performance.now() - first) / 1000;
      await consumer.disconnect();
      await producer.disconnect();
      return { seconds, firstRecordMs: first - connected, transactions };
    },
  };
}

/** @platformatic/kafka as `connectors/kafka/recordSender.ts` sets its producer up. */
async function platformaticDriver(): Promise<Driver> {
  const { Producer, Consumer, compatibilityPartitioner } = await import('@platformatic/kafka');
  const base = (job: Job) => ({ clientId: `bench-platformatic-${job.phase}`, bootstrapBrokers: job.brokers });
  const consumeOptions = { autocommit: false, isolationLevel: 1, maxWaitTime: 200, maxBytes: 10_485_760 } as const;
  return {
    async produce(job) {
      const values = valuePool();
      const keys = Array.from({ length: KEYS }, (_, k) => Buffer.from(keyOf(k)));
      const keyIndex = (i: number) => (Math.imul(i, 2_654_435_761) >>> 0) % KEYS;
      const producer = new Producer({ ...base(job), idempotent: true, acks: -1, compression: 'lz4', partitioner: compatibilityPartitioner, autocreateTopics: false });
      await producer.initIdempotentProducer({});
      const started = performance.now();
      await pipelined(job.records, job.inflight, (from, to) => {
        const messages = [];
        for (let i = from; i < to; i++) messages.push({ topic: job.topic, key: keys[keyIndex(i)]!, value: values[i % values.length]! });
        return producer.send({ messages });
      });
      const seconds = (performance.now() - started) / 1000;
      await producer.close();
      return { seconds };
    },
    async consume(job) {
      const consumer = new Consumer({ ...base(job), groupId: job.group! });
      let count = 0;
      let checksum = 0;
      let first = 0;
      const connected = performance.now();
      const stream = await consumer.consume({ ...consumeOptions, topics: [job.topic], mode: 'earliest' });
      for await (const m of stream) {
        if (first === 0) first = performance.now();
        checksum += touch(m.key, m.value);
        if (++count >= job.records) break;
      }
      const seconds = (performance.now() - first) / 1000;
      await stream.close().catch(() => undefined);
      await consumer.close(true);
      return { seconds, firstRecordMs: first - connected, checksum };
    },
    async transact(job) {
      // The coordinator answers CONCURRENT_TRANSACTIONS while it completes the previous
      // transaction; with the default 1 s retry delay that cost up to a second per transaction.
      const producer = new Producer({ ...base(job), transactionalId: `${job.group}-tx`, idempotent: true, acks: -1, compression: 'lz4', partitioner: compatibilityPartitioner, autocreateTopics: false, retries: 10, retryDelay: 20 });
      const consumer = new Consumer({ ...base(job), groupId: job.group! });
      let count = 0;
      let transactions = 0;
      let first = 0;
      const connected = performance.now();
      const stream = await consumer.consume({ ...consumeOptions, topics: [job.topic], mode: 'committed', fallbackMode: 'earliest' });
      const iterator = stream[Symbol.asyncIterator]();
      while (count < job.records) {
        // Up to txBatch records: what the stream has, without waiting past the input's end.
        const part = [];
        while (part.length < job.txBatch && count + part.length < job.records) {
          const next = await iterator.next();
          if (next.done) throw new Error('the stream ended before the input did');
          if (first === 0) first = performance.now();
          part.push(next.value);
        }
        const lastPerPartition = new Map<number, (typeof part)[number]>();
        for (const m of part) lastPerPartition.set(m.partition, m);
        const tx = await producer.beginTransaction();
        try {
          await tx.send({ messages: part.map((m) => ({ topic: job.output!, key: m.key, value: transform(m.value) })) });
          await tx.addConsumer(consumer);
          for (const m of lastPerPartition.values()) await tx.addOffset(m);
          await tx.commit();
        } catch (error) {
          await tx.abort().catch(() => undefined);
          throw error;
        }
        transactions++;
        count += part.length;
      }
      const seconds = (performance.now() - first) / 1000;
      await stream.close().catch(() => undefined);
      await consumer.close(true);
      await producer.close();
      return { seconds, firstRecordMs: first - connected, transactions };
    },
  };
}

// The little of @confluentinc/kafka-javascript's KafkaJS API this bench uses (it is not a
// dependency of the project, so its own types are not there to import).
interface CkMessage { key: Buffer | null; value: Buffer | null; offset: string }
interface CkBatch { topic: string; partition: number; messages: CkMessage[] }
interface CkConsumer {
  connect(): Promise<void>;
  subscribe(options: { topics: string[] }): Promise<void>;
  run(options: { eachBatch: (payload: { batch: CkBatch }) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}
interface CkTransaction {
  send(record: { topic: string; messages: Array<{ key: Buffer | string | null; value: Buffer }> }): Promise<unknown>;
  sendOffsets(offsets: { consumer: CkConsumer; topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}
interface CkProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: Array<{ key: string; value: Buffer }> }): Promise<unknown>;
  transaction(): Promise<CkTransaction>;
  disconnect(): Promise<void>;
}
interface CkModule {
  librdkafkaVersion: string;
  KafkaJS: {
    Kafka: new (config: object) => { producer(config: object): CkProducer; consumer(config: object): CkConsumer };
    CompressionTypes: { LZ4: string };
    logLevel: { ERROR: number };
  };
}

/** Loads the librdkafka client from `CKJS_PATH`, or says why not. */
function loadConfluent(path: string | undefined): CkModule | string {
  if (!path) return 'CKJS_PATH is not set';
  try {
    return createRequire(import.meta.url)(path) as CkModule;
  } catch (error) {
    return `CKJS_PATH=${path} could not be loaded: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** @confluentinc/kafka-javascript (librdkafka) through its KafkaJS-compatible API. */
async function confluentDriver(job: Job): Promise<Driver> {
  const ck = loadConfluent(job.ckjsPath);
  if (typeof ck === 'string') throw new Error(ck);
  const { Kafka, CompressionTypes, logLevel } = ck.KafkaJS;
  const kafka = new Kafka({ kafkaJS: { brokers: job.brokers, clientId: `bench-confluent-${job.phase}`, logLevel: logLevel.ERROR } });
  const consumer = (maxBatch: number) =>
    kafka.consumer({ kafkaJS: { groupId: job.group!, fromBeginning: true, autoCommit: false, readUncommitted: false }, 'js.consumer.max.batch.size': maxBatch });
  return {
    async produce() {
      const values = valuePool();
      const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1, compression: CompressionTypes.LZ4 } });
      await producer.connect();
      const started = performance.now();
      await pipelined(job.records, job.inflight, (from, to) => {
        const messages = [];
        for (let i = from; i < to; i++) messages.push({ key: keyOf(i), value: values[i % values.length]! });
        return producer.send({ topic: job.topic, messages });
      });
      const seconds = (performance.now() - started) / 1000;
      await producer.disconnect();
      return { seconds };
    },
    async consume() {
      const c = consumer(SEND_CHUNK);
      const finished = signal();
      let count = 0;
      let checksum = 0;
      let first = 0;
      const connected = performance.now();
      await c.connect();
      await c.subscribe({ topics: [job.topic] });
      void c.run({
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now();
          for (const m of batch.messages) checksum += touch(m.key, m.value);
          count += batch.messages.length;
          if (count >= job.records) finished.resolve();
        },
      }).catch(finished.reject);
      await finished.done;
      const seconds = (performance.now() - first) / 1000;
      await c.disconnect();
      return { seconds, firstRecordMs: first - connected, checksum };
    },
    async transact() {
      const producer = kafka.producer({ kafkaJS: { transactionalId: `${job.group}-tx`, idempotent: true, acks: -1, compression: CompressionTypes.LZ4 } });
      const c = consumer(job.txBatch);
      const finished = signal();
      let count = 0;
      let transactions = 0;
      let first = 0;
      const connected = performance.now();
      await producer.connect();
      await c.connect();
      await c.subscribe({ topics: [job.topic] });
      void c.run({
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now();
          const last = batch.messages[batch.messages.length - 1];
          if (!last) return;
          const tx = await producer.transaction();
          try {
            await tx.send({ topic: job.output!, messages: batch.messages.map((m) => ({ key: m.key, value: transform(m.value!) })) });
            await tx.sendOffsets({ consumer: c, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }] }] });
            await tx.commit();
          } catch (error) {
            await tx.abort().catch(() => undefined);
            finished.reject(error);
            throw error;
          }
          transactions++;
          count += batch.messages.length;
          if (count >= job.records) finished.resolve();
        },
      }).catch(finished.reject);
      await finished.done;
      const seconds = (performance.now() - first) / 1000;
      await c.disconnect();
      await producer.disconnect();
      return { seconds, firstRecordMs: first - connected, transactions };
    },
  };
}

/** Child side: runs one job and prints its measurement as one `RESULT {json}` line. */
async function runChild(job: Job): Promise<void> {
  const driver = job.client === 'kafkajs' ? await kafkajsDriver() : job.client === 'platformatic' ? await platformaticDriver() : await confluentDriver(job);
  const result = await driver[job.phase](job);
  const out: Measurement = {
    client: job.client,
    phase: job.phase,
    records: job.records,
    ...result,
    seconds: +result.seconds.toFixed(3),
    recordsPerSecond: Math.round(job.records / result.seconds),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------- the parent

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** Runs one job in a child process; resolves with its measurement, rejects on failure. */
function spawnJob(job: Job): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', JSON.stringify(job)], {
      env: { ...process.env, LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as Measurement);
      else reject(new Error(`${job.client} ${job.phase} exited ${code ?? sig}: ${stderr.trim().split('\n').slice(-6).join(' | ')}`));
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function sumEndOffsets(admin: ReturnType<KafkaJs['admin']>, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function runParent(): Promise<void> {
  const records = Number(flag('records', '1000000'));
  const rounds = Number(flag('rounds', '3'));
  const txBatch = Number(flag('tx-batch', '1000'));
  const inflight = Number(flag('inflight', '4'));
  const out = flag('out', '');
  const ckjsPath = process.env.CKJS_PATH;
  let clients = flag('clients', ALL_CLIENTS.join(',')).split(',') as ClientName[];
  if (clients.includes('confluent')) {
    const ck = loadConfluent(ckjsPath);
    if (typeof ck === 'string') {
      console.error(`[kafka-clients] skipping @confluentinc/kafka-javascript: ${ck}`);
      clients = clients.filter((c) => c !== 'confluent');
    } else console.error(`[kafka-clients] @confluentinc/kafka-javascript from ${ckjsPath} (librdkafka ${ck.librdkafkaVersion})`);
  }

  const { createKafka } = await import('../connectors/kafka/client.ts');
  const { createTopics } = await import('../connectors/kafka/admin.ts');
  const { endpointsFromEnv } = await import('../core/config.ts');
  const brokers = [...endpointsFromEnv().kafkaBrokers];
  const admin = createKafka(brokers, 'bench-kafka-clients-admin').admin();
  await admin.connect();
  const run = `bench.kafka-clients.${Date.now().toString(36)}`;
  const topics: string[] = [];
  const groups: string[] = [];
  const create = async (name: string) => {
    topics.push(name);
    await createTopics(createKafka(brokers, 'bench-kafka-clients-admin'), [{ name, key: 'key', schemaFile: '', partitions: PARTITIONS, retentionMs: 3_600_000, cleanupPolicy: 'delete', doc: 'bench' }]);
  };
  const drop = async (names: string[]) => {
    if (names.length > 0) await admin.deleteTopics({ topics: names }).catch((e: unknown) => console.error(`[kafka-clients] deleting topics: ${(e as Error).message}`));
  };
  const base = { brokers, records, txBatch, inflight, ckjsPath };
  const results: Array<Measurement & { round: number }> = [];
  const startedAt = Date.now();
  try {
    const input = `${run}.input`;
    await create(input);
    console.error(`[kafka-clients] writing ${records} records into ${input} (platformatic producer, not measured)`);
    await spawnJob({ ...base, client: 'platformatic', phase: 'produce', topic: input });
    if ((await sumEndOffsets(admin, input)) !== records) throw new Error(`${input} does not hold ${records} records`);

    for (let round = 1; round <= rounds; round++) {
      // Rotate the order so no client always goes first after the broker's quiet moment.
      const order = clients.map((_, i) => clients[(i + round - 1) % clients.length]!);
      const roundTopics: string[] = [];
      for (const phase of PHASES) {
        for (const client of order) {
          const id = `${run}.r${round}.${client}`;
          let job: Job;
          if (phase === 'produce') {
            await create(`${id}.produced`);
            job = { ...base, client, phase, topic: `${id}.produced` };
          } else if (phase === 'consume') {
            job = { ...base, client, phase, topic: input, group: `${id}.consume` };
          } else {
            await create(`${id}.tx-out`);
            job = { ...base, client, phase, topic: input, output: `${id}.tx-out`, group: `${id}.transact` };
          }
          roundTopics.push(...(job.output ? [job.output] : phase === 'produce' ? [job.topic] : []));
          if (job.group) groups.push(job.group);
          const m = await spawnJob(job);
          // Checks: every record landed exactly once; the group committed the whole input.
          if (phase === 'produce' && (await sumEndOffsets(admin, job.topic)) !== records) throw new Error(`${client} produce: ${job.topic} does not hold ${records} records`);
          if (phase === 'transact') {
            const committed = (await admin.fetchOffsets({ groupId: job.group!, topics: [input] })).flatMap((t) => t.partitions).reduce((s, p) => s + Number(p.offset), 0);
            if (committed !== records) throw new Error(`${client} transact: group committed ${committed} of ${records}`);
          }
          results.push({ ...m, round });
          console.log(JSON.stringify({ round, ...m }));
        }
      }
      await drop(roundTopics);
      topics.splice(0, topics.length, ...topics.filter((t) => !roundTopics.includes(t)));
    }
  } finally {
    await drop(topics);
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }

  // Medians per client and phase, ratios to kafkajs.
  const summary = clients.map((client) => {
    const row: Record<string, number | string> = { client };
    for (const phase of PHASES) {
      const mine = results.filter((r) => r.client === client && r.phase === phase);
      row[`${phase}PerS`] = Math.round(median(mine.map((r) => r.recordsPerSecond)));
      row[`${phase}RssMb`] = median(mine.map((r) => r.peakRssMb));
      if (phase === 'transact') row.transactions = median(mine.map((r) => r.transactions ?? 0));
    }
    row.peakRssMb = Math.max(...results.filter((r) => r.client === client).map((r) => r.peakRssMb));
    return row;
  });
  const baseline = summary.find((s) => s.client === 'kafkajs');
  console.log('\nclient        ' + PHASES.map((p) => `${p} rec/s (x kafkajs)`.padEnd(30)).join('') + 'peak RSS MB (produce/consume/transact)');
  for (const s of summary) {
    const cells = PHASES.map((p) => {
      const v = s[`${p}PerS`] as number;
      const ratio = baseline ? ` (${(v / (baseline[`${p}PerS`] as number)).toFixed(2)}x)` : '';
      return `${v.toLocaleString('en-US')}${ratio}`.padEnd(30);
    });
    console.log(`${String(s.client).padEnd(14)}${cells.join('')}${PHASES.map((p) => s[`${p}RssMb`]).join(' / ')}`);
  }
  const report = { run, date: new Date().toISOString(), records, rounds, txBatch, inflight, sendChunk: SEND_CHUNK, minutes: +((Date.now() - startedAt) / 60_000).toFixed(1), summary, results };
  console.log(JSON.stringify({ summary: report.summary, minutes: report.minutes }));
  if (out) writeFileSync(out, JSON.stringify(report, null, 2));
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  runChild(JSON.parse(process.argv[childAt + 1]!) as Job).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  await runParent();
}
