import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../core/log.ts';
import { BufferedProducer } from './bufferedProducer.ts';
import type { OutgoingRecord, RecordSender } from './recordSender.ts';

/** A sender that records every attempt and fails while `down` is true. */
function fakeSender() {
  const attempts: string[][] = [];
  const delivered: string[] = [];
  const state = { down: false };
  const sender: RecordSender = {
    async connect() {},
    async send(batch: readonly OutgoingRecord[]) {
      attempts.push(batch.map((r) => r.value.toString()));
      await new Promise((r) => setImmediate(r));
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
      delivered.push(...batch.map((r) => r.value.toString()));
    },
    async close() {},
  };
  return { sender, attempts, delivered, state };
}

function quietLog() {
  const lines: string[] = [];
  return { lines, log: createLogger('producer', 'debug', (line) => lines.push(line), {}, []) };
}

describe('BufferedProducer', () => {
  it('delivers every record once, in order, in batches of at most maxBatchRecords', async () => {
    const { sender, attempts, delivered } = fakeSender();
    const producer = new BufferedProducer(sender, { maxBatchRecords: 7, lingerMs: 0, log: quietLog().log });
    const sent = Array.from({ length: 100 }, (_, i) => `r${i}`);
    for (const v of sent) assert.equal(producer.enqueue(i2topic(v), 'k', Buffer.from(v)), true);
    await producer.close();
    assert.deepEqual(delivered, sent);
    assert.ok(attempts.every((a) => a.length <= 7));
    assert.deepEqual(producer.snapshot(), { delivered: 100, buffered: 0, bufferedBytes: 0, refused: 0, failedAttempts: 0 });
  });

  it('keeps records while the sender fails and sends the same batch again until it goes through', async () => {
    const { sender, attempts, delivered, state } = fakeSender();
    const { lines, log } = quietLog();
    const producer = new BufferedProducer(sender, { maxBatchRecords: 5, lingerMs: 0, retryBackoffMs: 1, maxRetryBackoffMs: 4, log });
    state.down = true;
    for (let i = 0; i < 12; i++) producer.enqueue('t', 'k', Buffer.from(`r${i}`));
    while (producer.snapshot().failedAttempts < 4) await new Promise((r) => setTimeout(r, 1));
    assert.deepEqual(delivered, []);
    assert.ok(attempts.every((a) => a.join() === 'r0,r1,r2,r3,r4'), 'a failed batch is retried as it was');
    state.down = false;
    await producer.flush();
    assert.deepEqual(delivered, Array.from({ length: 12 }, (_, i) => `r${i}`));
    assert.ok(producer.snapshot().failedAttempts >= 4);
    assert.equal(lines.filter((l) => l.includes('Kafka unreachable')).length, 1, 'the outage is logged once');
    assert.equal(lines.filter((l) => l.includes('Kafka reachable again')).length, 1);
  });

  it('refuses records beyond its byte bound and counts them', async () => {
    const { sender, state } = fakeSender();
    state.down = true;
    const producer = new BufferedProducer(sender, { maxBufferedBytes: 2_048, lingerMs: 1_000, retryBackoffMs: 1, log: quietLog().log });
    const accepted = Array.from({ length: 10 }, () => producer.enqueue('t', 'k', Buffer.alloc(500)));
    assert.deepEqual(accepted, [true, true, true, true, false, false, false, false, false, false]);
    assert.equal(producer.snapshot().refused, 6);
    state.down = false;
    await producer.flush();
    assert.equal(producer.snapshot().delivered, 4);
  });
});

function i2topic(v: string): string {
  return Number(v.slice(1)) % 3 === 0 ? 'events' : 'messages';
}
