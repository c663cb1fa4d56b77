import type { Consumer } from 'kafkajs';
import { messageOf } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';

/** How a consumer is run again after kafkajs gave up on it only because Kafka was unreachable. */
export interface CrashRecovery {
  /** Runs the consumer again, with the configuration it was first run with. */
  rerun(): Promise<void>;
  /** True once the owner is stopping: a pending rerun is skipped. */
  stopping(): boolean;
  log: Logger;
  /** Delay before the first rerun; doubled per rerun until the group is joined again (default 1000). */
  initialDelayMs?: number;
  /** Longest delay between reruns (default 10000). */
  maxDelayMs?: number;
}

/**
 * True for the crashes that only mean Kafka could not be reached although kafkajs calls them
 * not retriable. When the coordinator's broker goes away, kafkajs asks every known broker for
 * the new coordinator; if none answers (a one-broker cluster restarting, or all of Kafka down)
 * it throws `KafkaJSGroupCoordinatorNotFound`, which is not retriable, and stops the consumer.
 */
export function isKafkaUnreachable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e.name === 'KafkaJSGroupCoordinatorNotFound') return true;
  }
  return false;
}

/**
 * Resolves with the error when kafkajs gives up on a consumer: it restarts a consumer by itself
 * after retriable errors, but after a non-retriable one (a record the broker refuses, say) the
 * consumer just stops while the process lives on, consuming nothing. Commands race this against
 * their signals and exit non-zero, so a supervisor restarts them and the failure is seen.
 *
 * With `recovery`, a consumer stopped because Kafka was unreachable ({@link isKafkaUnreachable})
 * is run again after a growing delay instead, for as long as the outage lasts: processes ride
 * out a Kafka restart by themselves. Its owner must be able to take a new group generation, as
 * it must after any kafkajs restart.
 */
export function fatalCrash(consumer: Consumer, recovery?: CrashRecovery): Promise<Error> {
  const initialDelayMs = recovery?.initialDelayMs ?? 1_000;
  const maxDelayMs = recovery?.maxDelayMs ?? 10_000;
  let reruns = 0;
  if (recovery) consumer.on(consumer.events.GROUP_JOIN, () => (reruns = 0));
  return new Promise((resolve) => {
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      if (restart) return;
      if (!recovery || !isKafkaUnreachable(error)) return resolve(error);
      const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** reruns++);
      recovery.log.warn('the consumer stopped because Kafka could not be reached; running it again', { error: messageOf(error), delayMs });
      setTimeout(() => {
        if (recovery.stopping()) return;
        recovery.rerun().catch((rerunError: unknown) => resolve(rerunError instanceof Error ? rerunError : new Error(messageOf(rerunError))));
      }, delayMs);
    });
  });
}
