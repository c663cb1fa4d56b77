import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import type { AvroSerde } from '../schemas/serde.ts';
import { TopologyRuntime } from './runtime.ts';

type Failure = 'none' | 'commit' | 'send-and-abort';

/**
 * A transactional producer with kafkajs's state rule: a transaction whose EndTxn (commit or
 * abort) failed leaves the producer in a state where every later transaction() is refused as
 * not retriable.
 */
function producerThat(failure: Failure, log: string[], id: number) {
  let state: 'ready' | 'transacting' | 'ending' = 'ready';
  const failing = (message: string, retriable: boolean) => Object.assign(new Error(message), { retriable });
  return {
    connect: async () => void log.push(`connect ${id}`),
    disconnect: async () => void log.push(`disconnect ${id}`),
    transaction: async () => {
      if (state !== 'ready') throw failing(`transaction state exception: ${state}`, false);
      state = 'transacting';
      return {
        sendBatch: async () => {
          if (failure === 'send-and-abort') throw failing('broker went away', true);
        },
        sendOffsets: async () => undefined,
        commit: async () => {
          state = 'ending';
          if (failure === 'commit') throw failing('EndTxn could not be delivered', true);
          state = 'ready';
          log.push(`committed on ${id}`);
        },
        abort: async () => {
          state = 'ending';
          if (failure === 'send-and-abort') throw failing('EndTxn could not be delivered', true);
          state = 'ready';
        },
      };
    },
  };
}

function runtimeWith(failures: Failure[]) {
  const log: string[] = [];
  let made = 0;
  const kafka = {
    producer: () => producerThat(failures[made] ?? 'none', log, made++),
    consumer: () => ({ on: () => undefined, events: { CRASH: 'consumer.crash' } }),
  } as unknown as Kafka;
  const runtime = new TopologyRuntime({ kafka, serde: {} as AvroSerde, groupId: 'g', instanceId: 'i', threads: 1 });
  const commit = (runtime as unknown as { commit(parts: unknown[]): Promise<void> }).commit.bind(runtime);
  return { runtime, commit, log, made: () => made };
}

const part = { messages: new Map([['out', [{ key: 'k', value: Buffer.from('v') }]]]), input: { topic: 'in', partition: 0, offset: '1' } };

describe('TopologyRuntime transactions', () => {
  it('after a commit that failed mid-way, the next transaction runs on a renewed producer', async () => {
    const { runtime, commit, log, made } = runtimeWith(['commit']);
    await assert.rejects(commit([part]), /EndTxn could not be delivered/);
    await commit([part]);
    assert.equal(made(), 2);
    assert.deepEqual(log, ['disconnect 0', 'connect 1', 'committed on 1']);
    assert.equal(runtime.stats.transactions, 1);
  });

  it('when a failed send cannot even be aborted, the retry runs on a renewed producer', async () => {
    const { runtime, commit, log } = runtimeWith(['send-and-abort']);
    await commit([part]);
    assert.deepEqual(log, ['disconnect 0', 'connect 1', 'committed on 1']);
    assert.equal(runtime.stats.transactions, 1);
  });

  it('keeps its producer while transactions succeed', async () => {
    const { commit, log, made } = runtimeWith([]);
    await commit([part]);
    await commit([part]);
    assert.equal(made(), 1);
    assert.deepEqual(log, ['committed on 0', 'committed on 0']);
  });
});

describe('TopologyRuntime checkpoint reads', () => {
  it('a read that fails while Kafka is away rejects only the next batch, not the process', async () => {
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { retriable: true }));
    const kafka = {
      producer: () => producerThat('none', [], 0),
      consumer: () => ({ on: () => undefined, events: { CRASH: 'consumer.crash' }, connect: refused, disconnect: async () => undefined }),
      admin: () => ({ connect: refused, disconnect: async () => undefined }),
    } as unknown as Kafka;
    const runtime = new TopologyRuntime({ kafka, serde: {} as AvroSerde, groupId: 'g', instanceId: 'i', threads: 1 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const inner = runtime as unknown as { reloadCheckpoints(): void; ready: Promise<void> };
      inner.reloadCheckpoints();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(unhandled, [], 'no unhandled rejection while no batch waits');
      await assert.rejects(inner.ready, (error: Error & { code?: string; retriable?: boolean }) => error.code === 'TOPOLOGY_RESTORE_FAILED' && error.retriable === true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

