import type { RateLimitSnapshot } from './rateLimiter.ts';

/**
 * Decides when a sweep may run one more cursor chain in parallel: only while the rate-limit
 * bucket is not being drained, i.e. while the chains in flight leave points unused.
 *
 * More chains than that cannot finish a sweep sooner (the bucket sets the pace) but do lose
 * streams: every chain in flight lives longer, and a stream that climbs past a chain's cursor
 * while it pages is on none of its pages. With Helix's 50 ms answers one chain already asks
 * faster than the 800-points-a-minute refill, so a sweep widens only when answers are slow or
 * the bucket sits full.
 *
 * @example
 * const pacer = new ChainPacer(8, () => limiter.snapshot());
 * if (pacer.mayWiden(inFlight)) startAnotherChain();
 */
export class ChainPacer {
  private lastRemaining = Number.POSITIVE_INFINITY;
  private heldChecks = 0;

  /**
   * @param maxChains chains in flight at most.
   * @param bucket the shared limiter's current view of the bucket.
   * @param floorShare below this share of the bucket, points are scarce whatever their trend.
   * @param steadyChecks consecutive checks the bucket must hold its level before a widening, so
   *   one answer's jitter in `Ratelimit-Remaining` does not add a chain for the rest of the sweep.
   */
  constructor(
    private readonly maxChains: number,
    private readonly bucket: () => RateLimitSnapshot,
    private readonly floorShare = 0.1,
    private readonly steadyChecks = 5,
  ) {}

  /** Whether another chain may start now, given `inFlight` chains running; call after each page. */
  mayWiden(inFlight: number): boolean {
    const { remaining, limit } = this.bucket();
    const holding = remaining >= this.lastRemaining && remaining > limit * this.floorShare;
    this.lastRemaining = remaining;
    this.heldChecks = holding ? this.heldChecks + 1 : 0;
    if (inFlight >= this.maxChains || this.heldChecks < this.steadyChecks) return false;
    this.heldChecks = 0;
    return true;
  }
}
