import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { produceChunks } from './produceChunks.ts';

const message = (n: number, bytes: number) => ({ key: `k${n}`, value: Buffer.alloc(bytes, n) });

describe('produceChunks', () => {
  it('returns nothing for no messages', () => {
    assert.deepEqual(produceChunks([]), []);
    assert.deepEqual(produceChunks([{ topic: 'a', messages: [] }]), []);
  });

  it('keeps a small transaction in one request', () => {
    const chunks = produceChunks([{ topic: 'a', messages: [message(1, 10)] }, { topic: 'b', messages: [message(2, 10)] }], 1_000);
    assert.equal(chunks.length, 1);
    assert.deepEqual(chunks[0]!.map((t) => [t.topic, t.messages.length]), [['a', 1], ['b', 1]]);
  });

  it('splits a large one into requests under the bound, every message once and in order', () => {
    const messages = Array.from({ length: 100 }, (_, i) => message(i, 100));
    const chunks = produceChunks([{ topic: 'late', messages }, { topic: 'rates', messages: [message(100, 100)] }], 1_000);
    assert.ok(chunks.length > 10);
    for (const chunk of chunks) {
      const bytes = chunk.flatMap((t) => t.messages).reduce((n, m) => n + m.key.length + m.value.length + 64, 0);
      assert.ok(bytes <= 1_000, `chunk of ${bytes} bytes`);
    }
    const flat = chunks.flatMap((c) => c.flatMap((t) => t.messages.map((m) => `${t.topic}/${m.key}`)));
    assert.deepEqual(flat, [...messages.map((m) => `late/${m.key}`), 'rates/k100']);
  });

  it('sends a single message bigger than the bound on its own rather than dropping it', () => {
    const chunks = produceChunks([{ topic: 'a', messages: [message(1, 10), message(2, 5_000), message(3, 10)] }], 1_000);
    assert.deepEqual(chunks.map((c) => c.flatMap((t) => t.messages.map((m) => m.key))), [['k1'], ['k2'], ['k3']]);
  });
});
