import { setTimeout as sleepMs } from 'node:timers/promises';
import { ConfigError } from '../../core/errors.ts';

/** Settings of a {@link HelixRateLimiter}; validated where built. */
export interface HelixRateLimiterOptions {
  /**
   * The bucket refills its whole `Ratelimit-Limit` over this many ms. Twitch documents 800
   * points per minute for app tokens, so 60,000; benchmarks may shorten both sides alike.
   */
  readonly refillWindowMs?: number;
  /** Bucket size assumed until the first `Ratelimit-Limit` header arrives; default 800. */
  readonly assumedLimit?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/** What the limiter currently believes about the bucket. */
export interface RateLimitSnapshot {
  /** `Ratelimit-Limit` of the last answer (or the assumed limit). */
  readonly limit: number;
  /** Points the limiter may still spend now, after what is in flight. */
  readonly remaining: number;
  /** Requests sent and not answered yet. */
  readonly inFlight: number;
  /** 429 answers seen. */
  readonly rateLimited: number;
  /** Total time requests waited for points, ms. */
  readonly waitedMs: number;
}

/**
 * One token bucket shared by every request of a collector, kept in step with Helix's
 * `Ratelimit-Limit`, `Ratelimit-Remaining` and `Ratelimit-Reset` headers
 * (https://dev.twitch.tv/docs/api/guide#twitch-rate-limits).
 *
 * Between answers the bucket refills at `limit / refillWindowMs`; each answer resets it to the
 * server's `Remaining` minus the requests still in flight (those may not be counted yet, so
 * this errs on the safe side). After a 429 nothing is sent until `Ratelimit-Reset`, as Twitch
 * asks. Until the first answer only one request goes out, so the real bucket size is learnt
 * before a burst.
 *
 * @example
 * await limiter.acquire();
 * const res = await fetch(url);
 * limiter.observe(res.status, res.headers);
 */
export class HelixRateLimiter {
  private limit: number;
  private points = 1;
  private atMs: number;
  private known = false;
  private inFlight = 0;
  private blockedUntilMs = 0;
  private rateLimited = 0;
  private waitedMs = 0;
  private answered: () => void = () => {};
  private readonly firstAnswer = new Promise<void>((resolve) => {
    this.answered = resolve;
  });
  private readonly windowMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(options: HelixRateLimiterOptions = {}) {
    this.windowMs = options.refillWindowMs ?? 60_000;
    if (!(this.windowMs > 0)) throw new ConfigError('refillWindowMs', `must be > 0 ms, got ${this.windowMs}`);
    this.limit = options.assumedLimit ?? 800;
    if (!(this.limit >= 1)) throw new ConfigError('assumedLimit', `must be >= 1, got ${this.limit}`);
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? sleepMs;
    this.atMs = this.clock();
  }

  /** Waits until one point is available and takes it; pair every call with {@link observe}. */
  async acquire(): Promise<void> {
    const startMs = this.clock();
    for (;;) {
      const now = this.clock();
      if (now < this.blockedUntilMs) {
        await this.sleep(this.blockedUntilMs - now);
        continue;
      }
      if (!this.known && this.inFlight > 0) {
        // The first answer tells the real bucket size; wait for it rather than guess.
        await this.firstAnswer;
        continue;
      }
      this.refill(now);
      if (this.points >= 1) {
        this.points -= 1;
        this.inFlight++;
        this.waitedMs += now - startMs;
        return;
      }
      await this.sleep(Math.max(1, Math.ceil(((1 - this.points) * this.windowMs) / this.limit)));
    }
  }

  /**
   * Records an answer to a request that {@link acquire} let through: its status and headers
   * (a `Headers` or a plain lower-case record). A status of 0 means no answer came.
   */
  observe(status: number, headers?: Headers | Record<string, string | undefined>): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.answered();
    const read = (name: string): number | undefined => {
      const raw = headers instanceof Headers ? headers.get(name) : headers?.[name];
      const value = raw === null || raw === undefined ? NaN : Number(raw);
      return Number.isFinite(value) ? value : undefined;
    };
    const now = this.clock();
    const limit = read('ratelimit-limit');
    const remaining = read('ratelimit-remaining');
    const resetS = read('ratelimit-reset');
    if (limit !== undefined && limit >= 1) this.limit = limit;
    if (remaining !== undefined || status === 0) {
      // No answer (status 0) teaches nothing about the bucket, but must not hold the others forever.
      this.known = true;
    }
    if (remaining !== undefined) {
      this.points = Math.max(0, remaining - this.inFlight);
      this.atMs = now;
    }
    if (status === 429) {
      this.rateLimited++;
      this.points = 0;
      this.atMs = now;
      const untilMs = resetS !== undefined ? resetS * 1000 : now + this.windowMs / this.limit;
      this.blockedUntilMs = Math.max(this.blockedUntilMs, untilMs);
    }
  }

  /** The limiter's view of the bucket, for progress lines and benchmarks. */
  snapshot(): RateLimitSnapshot {
    this.refill(this.clock());
    return { limit: this.limit, remaining: Math.floor(this.points), inFlight: this.inFlight, rateLimited: this.rateLimited, waitedMs: this.waitedMs };
  }

  private refill(now: number): void {
    if (!this.known) return;
    this.points = Math.min(this.limit, this.points + ((now - this.atMs) * this.limit) / this.windowMs);
    this.atMs = now;
  }
}
