import type { RateLimitSnapshot } from './rateLimiter.ts';

/** Thresholds of a {@link ChainPacer}, as shares of the bucket's `Ratelimit-Limit`. */
export interface ChainPacerOptions {
  /** Widen only above this share of the bucket; default 0.05. */
  readonly widenAboveShare?: number;
  /** Below this share the chains in flight already wait for points: let one go; default 0.02. */
  readonly narrowBelowShare?: number;
  /**
   * Consecutive checks the bucket must hold its level before a widening, so one answer's
   * jitter in `Ratelimit-Remaining` does not add a chain; default 5.
   */
  readonly steadyChecks?: number;
}

/**
 * Decides how many cursor chains a sweep runs in parallel: one more while the rate-limit
 * bucket holds its level (the chains in flight leave points unused), one fewer once the bucket
 * is nearly empty (they wait for points anyway).
 *
 * More chains than the bucket can feed do not finish a sweep sooner but do lose streams: every
 * chain in flight lives longer, and a stream that climbs past a chain's cursor while it pages
 * is on none of its pages. With Helix's 50 ms answers one chain already asks faster than the
 * 800-points-a-minute refill, so a sweep widens only when answers are slow.
 *
 * @example
 * const pacer = new ChainPacer(8, () => limiter.snapshot());
 * if (pacer.mayWiden(inFlight)) startAnotherChain();
 * if (pacer.shouldNarrow(inFlight)) stopAfterThisChain();
 */
export class ChainPacer {
  private lastRemaining = Number.POSITIVE_INFINITY;
  private heldChecks = 0;
  private readonly widenAboveShare: number;
  private readonly narrowBelowShare: number;
  private readonly steadyChecks: number;

  /**
   * @param maxChains chains in flight at most.
   * @param bucket the shared limiter's current view of the bucket.
   */
  constructor(
    private readonly maxChains: number,
    private readonly bucket: () => RateLimitSnapshot,
    options: ChainPacerOptions = {},
  ) {
    this.widenAboveShare = options.widenAboveShare ?? 0.05;
    this.narrowBelowShare = options.narrowBelowShare ?? 0.02;
    this.steadyChecks = options.steadyChecks ?? 5;
  }

  /** Whether another chain may start now, given `inFlight` chains running; call after each page. */
  mayWiden(inFlight: number): boolean {
    const { remaining, limit } = this.bucket();
    const holding = remaining >= this.lastRemaining && remaining > limit * this.widenAboveShare;
    this.lastRemaining = remaining;
    this.heldChecks = holding ? this.heldChecks + 1 : 0;
    if (inFlight >= this.maxChains || this.heldChecks < this.steadyChecks) return false;
    this.heldChecks = 0;
    return true;
  }

  /** Whether one of `inFlight` chains should stop taking new chains once its current one ends. */
  shouldNarrow(inFlight: number): boolean {
    const { remaining, limit } = this.bucket();
    return inFlight > 1 && remaining < limit * this.narrowBelowShare;
  }
}
