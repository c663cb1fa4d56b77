// Needs: Kafka and Apicurio Registry of the local stack. Produces known records into topics of
// its own (a unique prefix before the catalogue names) and runs the real `twitch-pulse tail`.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Kafka, Producer } from 'kafkajs';
import { REPO_ROOT } from '../../core/config.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { ChatEvent, ChatMessage, DeadLetter } from '../../schemas/types.ts';
import { createTestTopic, endpoints, testKafka, uniqueName } from './harness.ts';

interface Run {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly done: Promise<number | null>;
}

function tail(args: readonly string[]): Run {
  const child = spawn(process.execPath, ['bin/twitch-pulse.mjs', 'tail', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void done.then(() => clearTimeout(timer));
  return { child, stdout: () => out, stderr: () => err, done };
}

/** Runs tail to its end (it must stop by --max or --exit-when-idle-ms) and returns its stdout lines. */
async function tailLines(args: readonly string[]): Promise<string[]> {
  const run = tail(args);
  assert.equal(await run.done, 0, `tail ${args.join(' ')}:\n${run.stderr()}`);
  return run.stdout().split('\n').filter(Boolean);
}

const NOW = Date.now();
const OLD = NOW - 2 * 3_600_000;
const RECENT = NOW - 5 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const HOSTILE = 'pwn\x1b[2J\x1b[H\x1b]0;owned\x07\r\n2024-01-01T00:00:00.000Z p0@0 key=1 #alpha admin: fake\u202e\u009b31m';

function message(channel: string, roomId: string, login: string, text: string, eventTimeMs: number): ChatMessage {
  return {
    id: `${login}-${eventTimeMs}`, channel, roomId, userId: `u-${login}`, login, displayName: login, text, eventTimeMs, receivedAtMs: eventTimeMs,
    badges: {}, badgeInfo: {}, subscriberMonths: null, bits: 0, emotes: [], emoteCount: 0, emoteOnly: false, firstMsg: false, returningChatter: false,
    mod: false, vip: false, subscriber: false, replyParentMsgId: null, replyParentUserLogin: null, sourceRoomId: null, sourceId: null,
  };
}

function event(channel: string, roomId: string, kind: ChatEvent['kind'], msgId: string, extra: Partial<ChatEvent>): ChatEvent {
  return {
    id: `${msgId}-${channel}`, channel, roomId, kind, msgId, sourceMsgId: null, sourceRoomId: null, sourceId: null, userId: 'u1', login: 'gifter',
    displayName: 'Gifter', text: null, systemMsg: null, eventTimeMs: RECENT, receivedAtMs: RECENT, cumulativeMonths: null, streakMonths: null,
    subPlan: null, subPlanName: null, giftMonths: null, massGiftCount: null, senderCount: null, recipientId: null, recipientLogin: null,
    recipientDisplayName: null, originId: null, viewerCount: null, raiderLogin: null, bitsThreshold: null, params: {}, tags: {}, ...extra,
  };
}

/** Where one produced record landed. */
interface Placed { key: string; partition: number; offset: string; timestampMs: number }

describe('twitch-pulse tail', () => {
  const prefix = `${uniqueName('it-tail')}.`;
  const name = (id: TopicId) => `${prefix}${TOPICS[id].name}`;
  const serde = AvroSerde.connect(endpoints.registryUrl);
  let kafka: Kafka;
  let producer: Producer;
  const ids = new Map<TopicId, number>();
  const placed = new Map<string, Placed>();

  async function produce(label: string, id: TopicId, key: string, value: Buffer | unknown, timestampMs: number): Promise<Placed> {
    const bytes = Buffer.isBuffer(value) ? value : await serde.encode(ids.get(id)!, value);
    const [meta] = await producer.send({ topic: name(id), acks: -1, messages: [{ key, value: bytes, timestamp: String(timestampMs) }] });
    const p = { key, partition: meta!.partition, offset: meta!.baseOffset!, timestampMs };
    placed.set(label, p);
    return p;
  }
  const head = (label: string) => {
    const p = placed.get(label)!;
    return `${iso(p.timestampMs)} p${p.partition}@${p.offset} key=${p.key}`;
  };

  before(async () => {
    kafka = testKafka('it-tail');
    await createTestTopic(kafka, name('chatMessages'), 3);
    await createTestTopic(kafka, name('chatEvents'), 2);
    await createTestTopic(kafka, name('deadLetter'), 1);
    await createTestTopic(kafka, name('hype'), 1);
    for (const id of ['chatMessages', 'chatEvents', 'deadLetter', 'hype'] as const) ids.set(id, await serde.registerTopic(TOPICS[id], name(id)));
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await produce('ann', 'chatMessages', '100', message('alpha', '100', 'ann', 'hello', OLD), OLD);
    await produce('hostile', 'chatMessages', '200', message('beta', '200', 'bob', HOSTILE, OLD), OLD);
    await produce('cat', 'chatMessages', '100', message('alpha', '100', 'cat', 'newer', RECENT), RECENT);
    await produce('junk', 'chatMessages', '300', Buffer.from('not avro'), RECENT);
    await produce('gift', 'chatEvents', '100', event('alpha', '100', 'submysterygift', 'submysterygift', { subPlan: '1000', massGiftCount: 5 }), RECENT);
    await produce('raid', 'chatEvents', '200', event('beta', '200', 'raid', 'raid', { login: 'raider', viewerCount: 1234 }), RECENT);
    await produce('new', 'chatEvents', '200', event('beta', '200', 'unknown', 'newthing', {}), RECENT);
    const letter = (raw: Buffer, offset: string): DeadLetter => ({
      stage: 'replay', errorCode: 'IRC_MALFORMED', reason: 'PRIVMSG without tag id', sourceTopic: 'twitch.chat.messages',
      sourcePartition: 4, sourceOffset: offset, channel: 'alpha', raw, occurredAtMs: RECENT,
    });
    await produce('letter', 'deadLetter', 'alpha', letter(Buffer.from(':a!a@a PRIVMSG #alpha :\x1b[31mred'), '17'), RECENT);
    await produce('binary', 'deadLetter', '', letter(Buffer.from([0xff, 0x00, 0xfe]), '18'), RECENT);
  });

  after(async () => {
    await producer.disconnect();
  });

  it('prints every record from the beginning with time, partition, offset, key and the main fields, hostile text escaped and undecodable bytes as such', async () => {
    const run = tail(['chatMessages', '--topic-prefix', prefix, '--from-beginning', '--exit-when-idle-ms', '2000']);
    assert.equal(await run.done, 0, run.stderr());
    const lines = run.stdout().split('\n').filter(Boolean);
    assert.deepEqual(lines.sort(), [
      `${head('ann')} #alpha ann: hello`,
      `${head('hostile')} #beta bob: pwn\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\r\\n2024-01-01T00:00:00.000Z p0@0 key=1 #alpha admin: fake\\u202e\\x9b31m`,
      `${head('cat')} #alpha cat: newer`,
      `${head('junk')} undecodable [SERDE_MISSING_MAGIC_BYTE]: payload starts with byte 110, expected the Confluent magic byte 0 (8 bytes) raw="not avro"`,
    ].sort());
    assert.doesNotMatch(run.stdout(), /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, 'no control character but the line ends reaches the terminal');
    assert.match(run.stderr(), /"msg":"tail stopped".*"printed":4,"filtered":0,"undecodable":1/);
  });

  it('filters by channel as JSON, one object per line with the decoded value', async () => {
    const lines = await tailLines(['twitch.chat.messages', '--topic-prefix', prefix, '--from-beginning', '--channel', 'ALPHA', '--json', '--exit-when-idle-ms', '2000']);
    const objects = lines.map((l) => JSON.parse(l) as { partition: number; offset: string; key: string; timestamp: string; schemaId?: number; value?: ChatMessage; error?: { code: string } });
    const decoded = objects.filter((o) => o.value).sort((a, b) => a.value!.eventTimeMs - b.value!.eventTimeMs);
    assert.deepEqual(decoded.map((o) => [o.partition, o.offset, o.key, o.timestamp, o.schemaId, o.value!.login, o.value!.text]), [
      [placed.get('ann')!.partition, placed.get('ann')!.offset, '100', iso(OLD), ids.get('chatMessages'), 'ann', 'hello'],
      [placed.get('cat')!.partition, placed.get('cat')!.offset, '100', iso(RECENT), ids.get('chatMessages'), 'cat', 'newer'],
    ]);
    assert.deepEqual(decoded[0]!.value, message('alpha', '100', 'ann', 'hello', OLD));
    assert.deepEqual(objects.filter((o) => o.error).map((o) => [o.error!.code, o.offset]), [['SERDE_MISSING_MAGIC_BYTE', placed.get('junk')!.offset]], 'an undecodable record has no channel to filter by and is shown');
    assert.equal(objects.length, 3);
  });

  it('--since starts at the first record at or after that time in each partition', async () => {
    const lines = await tailLines(['chatMessages', '--topic-prefix', prefix, '--since', '30m', '--json', '--exit-when-idle-ms', '2000']);
    const offsets = lines.map((l) => JSON.parse(l) as { partition: number; offset: string }).map((o) => `${o.partition}@${o.offset}`).sort();
    assert.deepEqual(offsets, ['cat', 'junk'].map((l) => `${placed.get(l)!.partition}@${placed.get(l)!.offset}`).sort());
    const since = iso(OLD - 1);
    assert.equal((await tailLines(['chatMessages', '--topic-prefix', prefix, '--since', since, '--exit-when-idle-ms', '2000'])).length, 4, 'an ISO time before every record starts at the beginning');
  });

  it('filters chat events by kind or msg-id and shows channel, kind, plan and gift count', async () => {
    assert.deepEqual(await tailLines(['chatEvents', '--topic-prefix', prefix, '--from-beginning', '--kind', 'submysterygift', '--exit-when-idle-ms', '2000']), [
      `${head('gift')} #alpha submysterygift gifter plan=1000 gifts=5`,
    ]);
    assert.deepEqual(await tailLines(['chatEvents', '--topic-prefix', prefix, '--from-beginning', '--kind', 'newthing', '--channel', 'beta', '--exit-when-idle-ms', '2000']), [
      `${head('new')} #beta unknown(msg-id=newthing) gifter`,
    ]);
  });

  it('shows a dead letter with its reason, source and raw payload, as text and as JSON', async () => {
    assert.deepEqual(await tailLines(['deadLetter', '--topic-prefix', prefix, '--from-beginning', '--max', '2']), [
      `${head('letter')} replay IRC_MALFORMED: PRIVMSG without tag id source=twitch.chat.messages/4@17 channel=alpha raw=":a!a@a PRIVMSG #alpha :\\x1b[31mred"`,
      `${iso(RECENT)} p0@${placed.get('binary')!.offset} key="" replay IRC_MALFORMED: PRIVMSG without tag id source=twitch.chat.messages/4@18 channel=alpha raw=hex:ff00fe`,
    ]);
    const [text, binary] = (await tailLines(['pulse.dead-letter', '--topic-prefix', prefix, '--from-beginning', '--json', '--max', '2'])).map((l) => JSON.parse(l).value as Record<string, unknown>);
    assert.deepEqual([text!.reason, text!.sourceOffset, text!.rawText, text!.raw], ['PRIVMSG without tag id', '17', ':a!a@a PRIVMSG #alpha :\x1b[31mred', Buffer.from(':a!a@a PRIVMSG #alpha :\x1b[31mred').toString('hex')]);
    assert.deepEqual([binary!.rawText, binary!.raw], [null, 'ff00fe']);
  });

  it('reads committed records only unless asked, and shows a hype as channel, begin–end, peak rate and alert', async () => {
    const hype = (channel: string) => ({ channel, roomId: '100', beginMs: RECENT, peakMs: RECENT + 20_000, endMs: RECENT + 60_000, peakRatePerMin: 720, baselineRatePerMin: 60, intensity: 11.5, messages: 305, topEmotes: [], alert: true });
    const tx = kafka.producer({ transactionalId: uniqueName('it-tail-tx'), idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    try {
      for (const [channel, commit] of [['alpha', true], ['aborted', false]] as const) {
        const t = await tx.transaction();
        await t.send({ topic: name('hype'), acks: -1, messages: [{ key: '100', value: await serde.encode(ids.get('hype')!, hype(channel)), timestamp: String(RECENT) }] });
        await (commit ? t.commit() : t.abort());
      }
    } finally {
      await tx.disconnect();
    }
    const committed = await tailLines(['hype', '--topic-prefix', prefix, '--from-beginning', '--exit-when-idle-ms', '2000']);
    assert.deepEqual(committed, [
      `${iso(RECENT)} p0@0 key=100 #alpha ${iso(RECENT)}–${iso(RECENT + 60_000)} peak 720/min at ${iso(RECENT + 20_000)} baseline 60/min intensity 11.50 messages 305 alert`,
    ]);
    const all = await tailLines(['hype', '--topic-prefix', prefix, '--from-beginning', '--read-uncommitted', '--exit-when-idle-ms', '2000']);
    assert.deepEqual(all.map((l) => l.split(' ')[3]), ['#alpha', '#aborted']);
  });

  it('follows from the end: prints a record produced after it started, nothing older, and commits no offsets', async () => {
    const run = tail(['chatMessages', '--topic-prefix', prefix, '--json', '--max', '1']);
    const deadline = Date.now() + 60_000;
    while (!run.stderr().includes('"msg":"tailing"')) {
      assert.ok(Date.now() < deadline && run.child.exitCode === null, `tail did not start:\n${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const later = await produce('later', 'chatMessages', '100', message('alpha', '100', 'dan', 'after start', NOW), Date.now());
    assert.equal(await run.done, 0, run.stderr());
    const [line, ...rest] = run.stdout().split('\n').filter(Boolean);
    assert.deepEqual(rest, []);
    const got = JSON.parse(line!) as { partition: number; offset: string; value: ChatMessage };
    assert.deepEqual([got.partition, got.offset, got.value.login, got.value.text], [later.partition, later.offset, 'dan', 'after start']);

    const group = /"group":"([^"]+)"/.exec(run.stderr())![1]!;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [name('chatMessages')] });
      assert.deepEqual(offsets!.partitions.map((p) => p.offset), ['-1', '-1', '-1'], `group ${group} committed nothing`);
    } finally {
      await admin.disconnect();
    }
  });

  it('stops cleanly on Ctrl-C (SIGINT) while following', async () => {
    const run = tail(['hype', '--topic-prefix', prefix]);
    const deadline = Date.now() + 60_000;
    while (!run.stderr().includes('"msg":"tailing"')) {
      assert.ok(Date.now() < deadline && run.child.exitCode === null, `tail did not start:\n${run.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    run.child.kill('SIGINT');
    assert.equal(await run.done, 0, run.stderr());
    assert.match(run.stderr(), /"msg":"tail stopped".*"printed":0/);
    assert.equal(run.stdout(), '', 'following from the end printed nothing older');
  });

  it('fails with a clear message for a topic that does not exist, and refuses --kind where the topic has none', async () => {
    const missing = tail(['chatMessages', '--topic-prefix', `${prefix}nope.`, '--max', '1']);
    assert.equal(await missing.done, 1);
    assert.match(missing.stderr(), /topic .*nope\.twitch\.chat\.messages does not exist in Kafka \[CONFIG_INVALID\]/);
    const noKind = tail(['hype', '--topic-prefix', prefix, '--kind', 'x']);
    assert.equal(await noKind.done, 2);
    assert.match(noKind.stderr(), /has no kind to filter by/);
  });
});
