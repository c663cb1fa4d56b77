import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enqueueRecords } from '../connectors/twitch/lineChunk.ts';
import { UnavailableError } from '../core/errors.ts';
import { checkpointsFromRecords } from './checkpointRecords.ts';
import { packTaskInput } from './taskInput.ts';
import { TaskRunner, taskTopicList, type TaskDecoder, type TaskReply, type TaskTarget } from './taskRunner.ts';
import { ChatTask, DEFAULT_TASK_WINDOWS, type TaskOutput } from './tasks.ts';
import { message } from './testkit.ts';

// JSON stands in for Avro here: the runner only needs some decoder and some encoders.
const json: TaskDecoder = {
  decodeCachedAt: (bytes, start, length) => ({ schemaId: 1, value: JSON.parse(bytes.toString('utf8', start, start + length)) }),
  decode: async (payload) => ({ schemaId: 1, value: JSON.parse(payload!.toString()) }),
};
const topics = { chatRates: 'rates', subActivity: 'subs', subBursts: 'bursts', hype: 'hype', hypeStarts: 'hype-starts', adWindows: 'ads', lateRecords: 'late', deadLetter: 'dlq', checkpoints: 'cp' } satisfies Record<TaskTarget, string>;
const encode = (v: unknown) => Buffer.from(JSON.stringify(v));
const encoders = { chatRates: encode, subActivity: encode, subBursts: encode, hype: encode, hypeStarts: encode, adWindows: encode, lateRecords: encode, deadLetter: encode };

// 300 messages over 3 channels, 10 s windows closing along the way, one record late.
const messages = Array.from({ length: 300 }, (_, i) => message({ eventTimeMs: 1_700_000_000_000 + i * 200, roomId: String(i % 3), channel: `c${i % 3}`, userId: `u${i % 7}` }));
messages[250] = { ...messages[250]!, eventTimeMs: 1_700_000_000_000 };

function request(values: Array<Buffer | null>, firstOffset: number, options: { create?: boolean; emitFromOffset?: number } = {}) {
  const records = values.map((value, i) => ({ offset: String(firstOffset + i), value }));
  return {
    id: '0/in:0', key: 'in:0', topic: 'in', partition: 0, kind: 'chat' as const, emitFromOffset: options.emitFromOffset ?? 0,
    create: options.create === false ? undefined : { windows: DEFAULT_TASK_WINDOWS, checkpoint: null },
    input: packTaskInput(records, 0),
  };
}

function unpack(reply: TaskReply): Array<{ topic: string; key: string; value: string }> {
  const out: Array<{ topic: string; key: string; value: string }> = [];
  enqueueRecords(reply.records, taskTopicList(topics), { enqueue: (topic, key, value) => out.push({ topic, key, value: value.toString() }) > 0 });
  return out;
}

const asRecords = (outputs: TaskOutput[]) => outputs.map((o) => ({ topic: topics[o.kind], key: o.key, value: JSON.stringify(o.value) }));

describe('TaskRunner', () => {
  it('encodes exactly what the task yields, in order, followed by the checkpoint of the position after the batch', async () => {
    const runner = new TaskRunner({ chat: json, events: json }, topics, encoders);
    const reply = await runner.run(request(messages.map((m) => Buffer.from(JSON.stringify(m))), 40));
    const direct = new ChatTask('in', 0);
    const expected = asRecords(messages.flatMap((m, i) => direct.process(m, 40 + i)));
    assert.ok(expected.some((r) => r.topic === 'late') && expected.some((r) => r.topic === 'rates'));
    const records = unpack(reply);
    assert.deepEqual(records.filter((r) => r.topic !== 'cp'), expected);
    assert.deepEqual([reply.lastOffset, reply.processed, reply.outputs, reply.deadLetters], [339, 300, expected.length, 0]);
    const checkpoint = checkpointsFromRecords(new Map(records.filter((r) => r.topic === 'cp').map((r) => [r.key, Buffer.from(r.value)]))).get('in:0')!;
    assert.equal(checkpoint.position, 340);
  });

  it('rebuilds without emitting before emitFromOffset, then emits as if it had never stopped', async () => {
    const values = messages.map((m) => Buffer.from(JSON.stringify(m)));
    const runner = new TaskRunner({ chat: json, events: json }, topics, encoders);
    const first = unpack(await runner.run(request(values.slice(0, 150), 0, { emitFromOffset: 100 })));
    const rest = unpack(await runner.run(request(values.slice(150), 150, { create: false })));
    const direct = new ChatTask('in', 0);
    const all = asRecords(messages.flatMap((m, i) => {
      direct.emitting = i >= 100;
      return direct.process(m, i);
    }));
    assert.deepEqual([...first, ...rest].filter((r) => r.topic !== 'cp'), all);
  });

  it('turns an undecodable record into a dead letter with its offset and goes on', async () => {
    const runner = new TaskRunner({ chat: json, events: json }, topics, encoders);
    const reply = await runner.run(request([Buffer.from(JSON.stringify(messages[0])), Buffer.from('{not json'), null, Buffer.from(JSON.stringify(messages[1]))], 7));
    const letters = unpack(reply).filter((r) => r.topic === 'dlq').map((r) => JSON.parse(r.value) as { sourceOffset: string; raw: { data: number[] }; stage: string });
    assert.deepEqual(letters.map((l) => [l.sourceOffset, Buffer.from(l.raw.data).toString(), l.stage]), [['8', '{not json', 'topology'], ['9', '', 'topology']]);
    assert.deepEqual([reply.processed, reply.deadLetters, reply.lastOffset], [4, 2, 10]);
  });

  it('gives the same records when the schema must first be looked up, also when the looked-up record is a dead letter', async () => {
    // Like AvroSerde: decodeCachedAt knows the schema only once decode() has looked it up.
    const lookingUp = (): TaskDecoder => {
      let known = false;
      return {
        decodeCachedAt: (bytes, start, length) => (known ? json.decodeCachedAt(bytes, start, length) : undefined),
        decode: async (payload) => {
          known = true;
          return json.decode(payload);
        },
      };
    };
    const stable = (records: ReturnType<typeof unpack>) => records.map((r) => (r.topic === 'dlq' ? { ...r, value: r.value.replace(/"occurredAtMs":\d+/, '') } : r));
    const good = messages.map((m) => Buffer.from(JSON.stringify(m)));
    for (const values of [good, [Buffer.from('{not json'), ...good]]) {
      const decoder = lookingUp();
      const looked = unpack(await new TaskRunner({ chat: decoder, events: decoder }, topics, encoders).run(request(values, 0)));
      const cached = unpack(await new TaskRunner({ chat: json, events: json }, topics, encoders).run(request(values, 0)));
      assert.equal(looked.filter((r) => r.topic === 'dlq').length, values.length - good.length);
      assert.deepEqual(stable(looked), stable(cached));
    }
  });

  it('fails the whole batch on a retriable error and forgets the task, so it is rebuilt from its checkpoint', async () => {
    const down: TaskDecoder = { decodeCachedAt: () => undefined, decode: async () => { throw new UnavailableError('schema registry', 'connection refused'); } };
    const runner = new TaskRunner({ chat: down, events: down }, topics, encoders);
    const failed = await runner.run(request([Buffer.from(JSON.stringify(messages[0]))], 0));
    assert.equal(failed.error?.retriable, true);
    assert.equal(unpack(failed).length, 0, 'nothing to commit');
    const again = await runner.run(request([Buffer.from(JSON.stringify(messages[0]))], 0, { create: false }));
    assert.equal(again.error?.code, 'TOPOLOGY_TASK_MISSING');
  });
});
