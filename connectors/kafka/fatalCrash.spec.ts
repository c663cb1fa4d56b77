import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Consumer } from 'kafkajs';
import { fatalCrash } from './fatalCrash.ts';

// Only what fatalCrash touches: the CRASH event name and `on`.
function fakeConsumer() {
  const emitter = new EventEmitter();
  const consumer = { events: { CRASH: 'consumer.crash' }, on: (name: string, listener: (e: unknown) => void) => emitter.on(name, listener) } as unknown as Consumer;
  return { consumer, crash: (error: Error, restart: boolean) => emitter.emit('consumer.crash', { payload: { error, groupId: 'g', restart } }) };
}

describe('fatalCrash', () => {
  it('ignores crashes kafkajs recovers from and resolves with the first it gives up on', async () => {
    const { consumer, crash } = fakeConsumer();
    let settled: Error | null = null;
    const failed = fatalCrash(consumer).then((e) => (settled = e));
    crash(new Error('broker went away'), true);
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, null, 'a restarting consumer is not a failure');
    crash(new Error('message larger than the max message size'), false);
    await failed;
    assert.equal(settled!.message, 'message larger than the max message size');
  });
});
