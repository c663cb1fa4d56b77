import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChatLine } from '../connectors/twitch/chatRecord.ts';
import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';
import type { ChatEvent, ChatMessage } from '../schemas/types.ts';
import { decodeState, encodeState } from './stateCodec.ts';
import { ChatTask, EventTask, type TaskCheckpoint, type TaskOutput } from './tasks.ts';

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

// Crash after `crashAt` records: only the checkpoint (through the state codec, as stored in
// Kafka) survives; a new task restores it, re-reads from the low watermark without emitting,
// then carries on.
function crashAndRestore<R>(make: () => AnyTask, records: R[], crashAt: number): TaskOutput[] {
  const first = make();
  const before = records.slice(0, crashAt).flatMap((r, offset) => first.process(r as never, offset));
  const checkpoint = decodeState<TaskCheckpoint>(encodeState(first.checkpoint(crashAt)));
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
