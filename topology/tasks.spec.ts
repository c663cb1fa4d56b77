import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChatLine } from '../connectors/twitch/chatRecord.ts';
import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';
import type { ChatEvent, ChatMessage } from '../schemas/types.ts';
import { checkpointRecords, checkpointsFromRecords } from './checkpointRecords.ts';
import { CHAT_TASK_FIELDS, ChatTask, EventTask, type TaskOutput } from './tasks.ts';

// One partition's worth of simulated chat, shuffled a little so some records come late.
const messages: ChatMessage[] = [];
const events: ChatEvent[] = [];
for (const line of simulateChat({ channels: simulatedChannels(3), startMs: 1_700_000_000_000, durationMs: 20 * 60_000, seed: 5, burstChancePerSecond: 1 / 120, giftBombChancePerSecond: 1 / 60, raidChancePerSecond: 1 / 300 })) {
  const r = parseChatLine(line, 0);
  if (r.kind === 'message') messages.push(r.value);
  else if (r.kind === 'event') events.push(r.value);
}
for (let i = 500; i < messages.length; i += 997) {
  const j = i - 400;
  [messages[i], messages[j]] = [messages[j]!, messages[i]!];
}

type AnyTask = ChatTask | EventTask;

function uninterrupted<R>(make: () => AnyTask, records: R[]): TaskOutput[] {
  const task = make();
  return records.flatMap((r, offset) => task.process(r as never, offset));
}

// Crash after `crashAt` records: the task checkpointed after every batch of 50 records as the
// runtime does (snapshots only when they may have changed); only the latest checkpoint records
// (through the state codec, as stored in Kafka) survive. A new task restores them, re-reads from
// the low watermark without emitting, then carries on.
function crashAndRestore<R>(make: () => AnyTask, records: R[], crashAt: number): TaskOutput[] {
  const first = make();
  const stored = new Map<string, Buffer>();
  const before: TaskOutput[] = [];
  for (let offset = 0; offset < crashAt; offset++) {
    before.push(...first.process(records[offset] as never, offset));
    if ((offset + 1) % 50 === 0 || offset + 1 === crashAt) {
      for (const r of checkpointRecords('in:0', first.checkpoint(offset + 1), first.takeSnapshotsChanged())) stored.set(r.key, r.value);
    }
  }
  const checkpoint = checkpointsFromRecords(stored).get('in:0')!;
  assert.equal(checkpoint.position, crashAt);
  const second = make();
  second.restore(checkpoint);
  second.emitting = false;
  const from = checkpoint.low ? checkpoint.low.offset : checkpoint.position;
  for (let offset = from; offset < checkpoint.position; offset++) assert.deepEqual(second.process(records[offset] as never, offset), []);
  second.emitting = true;
  const after = records.slice(crashAt).flatMap((r, i) => second.process(r as never, crashAt + i));
  return [...before, ...after];
}

describe('task checkpoints', () => {
  it('rebuild chat state exactly: crash anywhere, same results as one uninterrupted run', () => {
    const make = () => new ChatTask('in', 0);
    const expected = uninterrupted(make, messages);
    assert.ok(expected.some((o) => o.kind === 'hype') && expected.some((o) => o.kind === 'lateRecords') && expected.some((o) => o.kind === 'chatRates'));
    for (const crashAt of [1, 777, Math.floor(messages.length / 3), Math.floor(messages.length / 2) + 13, messages.length - 5]) {
      assert.deepEqual(JSON.parse(JSON.stringify(crashAndRestore(make, messages, crashAt))), JSON.parse(JSON.stringify(expected)), `crash at ${crashAt}`);
    }
  });

  it('rebuild event state exactly, gift origins and open bursts included', () => {
    const make = () => new EventTask('in', 0);
    const expected = uninterrupted(make, events);
    assert.ok(expected.some((o) => o.kind === 'subActivity') && expected.some((o) => o.kind === 'subBursts'));
    for (const crashAt of [1, Math.floor(events.length / 4), Math.floor(events.length / 2), events.length - 1]) {
      assert.deepEqual(JSON.parse(JSON.stringify(crashAndRestore(make, events, crashAt))), JSON.parse(JSON.stringify(expected)), `crash at ${crashAt}`);
    }
  });
});

describe('ChatTask fields', () => {
  it('gives the same results when messages carry only CHAT_TASK_FIELDS (what the runtime decodes)', () => {
    const projected = messages.map((m) => Object.fromEntries(CHAT_TASK_FIELDS.map((f) => [f, m[f]])) as unknown as ChatMessage);
    const make = () => new ChatTask('in', 0);
    assert.deepEqual(JSON.parse(JSON.stringify(uninterrupted(make, projected))), JSON.parse(JSON.stringify(uninterrupted(make, messages))));
  });
});
