import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it, mock } from 'node:test';
import kafkajs, { type Consumer } from 'kafkajs';
import { createLogger } from '../../core/log.ts';
import { fatalCrash, isKafkaUnreachable } from './fatalCrash.ts';

// Only what fatalCrash touches: the CRASH and GROUP_JOIN event names and `on`.
function fakeConsumer() {
  const emitter = new EventEmitter();
  const events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' };
  const consumer = { events, on: (name: string, listener: (e: unknown) => void) => emitter.on(name, listener) } as unknown as Consumer;
  return {
    consumer,
    crash: (error: Error, restart: boolean) => emitter.emit(events.CRASH, { payload: { error, groupId: 'g', restart } }),
    join: () => emitter.emit(events.GROUP_JOIN, { payload: { memberAssignment: {} } }),
  };
}

// kafkajs's own error classes; Node's ESM loader does not see them as named exports.
const { KafkaJSConnectionError, KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError } = kafkajs;
// kafkajs throws it with this message; its type declares no constructor arguments.
const coordinatorNotFound = () => new (KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => kafkajs.KafkaJSError)('Failed to find group coordinator');
const quiet = createLogger('test', 'error', () => undefined);
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('fatalCrash', () => {
  it('ignores crashes kafkajs recovers from and resolves with the first it gives up on', async () => {
    const { consumer, crash } = fakeConsumer();
    let settled: Error | null = null;
    const failed = fatalCrash(consumer).then((e) => (settled = e));
    crash(new Error('broker went away'), true);
    await turn();
    assert.equal(settled, null, 'a restarting consumer is not a failure');
    crash(new Error('message larger than the max message size'), false);
    await failed;
    assert.equal(settled!.message, 'message larger than the max message size');
  });

  it('without recovery, a coordinator that cannot be found is fatal as kafkajs says', async () => {
    const { consumer, crash } = fakeConsumer();
    const failed = fatalCrash(consumer);
    crash(coordinatorNotFound(), false);
    assert.equal((await failed).name, 'KafkaJSGroupCoordinatorNotFound');
  });

  it('with recovery, runs the consumer again after Kafka was unreachable, with a delay that doubles until the group is joined', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { consumer, crash, join } = fakeConsumer();
      let reruns = 0;
      let settled: Error | null = null;
      void fatalCrash(consumer, { rerun: async () => void reruns++, stopping: () => false, log: quiet, initialDelayMs: 100, maxDelayMs: 300 }).then((e) => (settled = e));
      const unreachable = () => crash(coordinatorNotFound(), false);

      unreachable();
      mock.timers.tick(99);
      assert.equal(reruns, 0, 'not before the first delay');
      mock.timers.tick(1);
      assert.equal(reruns, 1);
      unreachable();
      mock.timers.tick(199);
      assert.equal(reruns, 1, 'the second delay is twice the first');
      mock.timers.tick(1);
      assert.equal(reruns, 2);
      unreachable();
      mock.timers.tick(300);
      assert.equal(reruns, 3, 'the delay stops growing at maxDelayMs');
      join();
      unreachable();
      mock.timers.tick(100);
      assert.equal(reruns, 4, 'joining the group again resets the delay');
      await turn();
      assert.equal(settled, null, 'an outage is not a failure');
    } finally {
      mock.timers.reset();
    }
  });

  it('with recovery, other non-retriable crashes are still fatal, and a stopping owner is not run again', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { consumer, crash } = fakeConsumer();
      let reruns = 0;
      let stopping = false;
      const failed = fatalCrash(consumer, { rerun: async () => void reruns++, stopping: () => stopping, log: quiet, initialDelayMs: 100 });
      crash(coordinatorNotFound(), false);
      stopping = true;
      mock.timers.tick(1_000);
      assert.equal(reruns, 0, 'the owner stopped before the delay ran out');
      crash(new KafkaJSNonRetriableError('The producer attempted a transactional operation in an invalid state'), false);
      assert.match((await failed).message, /invalid state/);
    } finally {
      mock.timers.reset();
    }
  });

  it('a rerun that throws is the failure', async () => {
    const { consumer, crash } = fakeConsumer();
    const failed = fatalCrash(consumer, { rerun: () => Promise.reject(new Error('subscribe refused')), stopping: () => false, log: quiet, initialDelayMs: 1 });
    crash(coordinatorNotFound(), false);
    assert.equal((await failed).message, 'subscribe refused');
  });
});

describe('isKafkaUnreachable', () => {
  it('is the coordinator lookup kafkajs gives up on, also as the cause of another error, and kafkajs calls it not retriable', () => {
    const notFound = coordinatorNotFound();
    assert.equal(notFound.retriable, false, 'why kafkajs does not restart the consumer itself');
    assert.equal(isKafkaUnreachable(notFound), true);
    assert.equal(isKafkaUnreachable(Object.assign(new KafkaJSNonRetriableError('Failed to join the group'), { cause: notFound })), true);
    assert.equal(isKafkaUnreachable(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')), false, 'kafkajs restarts after those itself');
    assert.equal(isKafkaUnreachable(new Error('message too large')), false);
    assert.equal(isKafkaUnreachable('a string'), false);
  });
});
