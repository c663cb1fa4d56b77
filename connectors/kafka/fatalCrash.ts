import type { Consumer } from 'kafkajs';

/**
 * Resolves with the error when kafkajs gives up on a consumer: it restarts a consumer by itself
 * after retriable errors, but after a non-retriable one (a record the broker refuses, say) the
 * consumer just stops while the process lives on, consuming nothing. Commands race this against
 * their signals and exit non-zero, so a supervisor restarts them and the failure is seen.
 */
export function fatalCrash(consumer: Consumer): Promise<Error> {
  return new Promise((resolve) => {
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) resolve(event.payload.error);
    });
  });
}
