import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChatLine } from '../twitch/chatRecord.ts';
import { simulateChat, simulatedChannels } from './chatSimulator.ts';

describe('simulateChat', () => {
  const options = { channels: simulatedChannels(3), startMs: 1_700_000_000_000, durationMs: 120_000, seed: 7, giftBombChancePerSecond: 1 / 30, raidChancePerSecond: 1 / 60 };

  it('repeats exactly for a seed and differs for another', () => {
    const a = [...simulateChat(options)];
    assert.deepEqual([...simulateChat(options)], a);
    assert.notDeepEqual([...simulateChat({ ...options, seed: 8 })], a);
  });

  it('writes lines the parser reads, in event-time order, inside the span', () => {
    let last = 0;
    const kinds = new Map<string, number>();
    for (const line of simulateChat(options)) {
      const r = parseChatLine(line, 0);
      assert.ok(r.kind === 'message' || r.kind === 'event');
      const ts = r.value.eventTimeMs;
      assert.ok(ts >= last && ts >= options.startMs && ts < options.startMs + options.durationMs + 1_000);
      last = ts;
      const k = r.kind === 'event' ? r.value.kind : 'message';
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    assert.ok((kinds.get('message') ?? 0) > 1000);
    assert.ok((kinds.get('submysterygift') ?? 0) > 0 && (kinds.get('subgift') ?? 0) >= (kinds.get('submysterygift') ?? 0));
  });

  it('produces nothing for an empty span or no channels', () => {
    assert.deepEqual([...simulateChat({ ...options, durationMs: 0 })], []);
    assert.deepEqual([...simulateChat({ ...options, channels: [] })], []);
  });
});
