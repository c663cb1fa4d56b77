import { setTimeout as sleepMs } from 'node:timers/promises';
import { ConfigError, PulseError, messageOf } from './errors.ts';
import type { Logger } from './log.ts';

/** Settings of {@link retryWithBackoff}; validated where used. */
export interface RetryOptions {
  /** What is being tried, for the log: `upload to MinIO`. */
  readonly what: string;
  readonly log: Logger;
  /** First wait after a failure, ms; doubles up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /**
   * Called before every wait. Throwing ends the retries with that error: a consumer uses it to
   * heartbeat its group, and to stop retrying once it has lost its partitions.
   */
  readonly beforeWait?: () => Promise<void>;
  /** Injected for tests; `node:timers/promises` by default. */
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly now?: () => number;
}

/**
 * Runs `step` until it succeeds, waiting with exponential backoff between attempts, for as long
 * as it fails with a retriable error (a {@link PulseError} with `retriable`, e.g. an
 * {@link UnavailableError}). Any other error is thrown at once.
 *
 * Logs the first failure as a warning, then one line every 30 s while it keeps failing, and the
 * recovery with how long it took, so an outage reads as two or three log lines, not thousands.
 *
 * @throws the first non-retriable error of `step`, or whatever `beforeWait` throws.
 * @example
 * await retryWithBackoff(() => sink.put(name, body), { what: 'upload to MinIO', log });
 */
export async function retryWithBackoff<T>(step: () => Promise<T>, options: RetryOptions): Promise<T> {
  const initialMs = options.initialBackoffMs ?? 250;
  const maxMs = options.maxBackoffMs ?? 10_000;
  if (!(initialMs > 0)) throw new ConfigError('initialBackoffMs', `must be > 0 ms, got ${initialMs}`);
  if (!(maxMs >= initialMs)) throw new ConfigError('maxBackoffMs', `must be >= initialBackoffMs (${initialMs} ms), got ${maxMs}`);
  const sleep = options.sleep ?? sleepMs;
  const now = options.now ?? Date.now;
  let failedSinceMs: number | null = null;
  let lastLoggedMs = 0;
  let backoffMs = initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await step();
      if (failedSinceMs !== null) {
        options.log.info(`${options.what} succeeded again`, { attempts: attempt, downMs: now() - failedSinceMs });
      }
      return result;
    } catch (error) {
      if (!(error instanceof PulseError && error.retriable)) throw error;
      const at = now();
      if (failedSinceMs === null || at - lastLoggedMs >= 30_000) {
        options.log.warn(`${options.what} failed; retrying with backoff`, {
          attempt, backoffMs, failingForMs: failedSinceMs === null ? 0 : at - failedSinceMs, error: messageOf(error),
        });
        lastLoggedMs = at;
      }
      failedSinceMs ??= at;
    }
    await options.beforeWait?.();
    await sleep(backoffMs);
    backoffMs = Math.min(maxMs, backoffMs * 2);
  }
}
