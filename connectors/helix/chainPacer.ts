import type { RateLimitSnapshot } from './rateLimiter.ts';

/** Thresholds of a {@link ChainPacer}; shares are of the bucket's `Ratelimit-Limit`. */
export interface ChainPacerOptions {
  /**
   * Widen only while the bucket holds more than this share; default 0.15. Points below it are
   * few enough that the chains in flight and the lookups spend them before the sweep ends.
   */
  readonly widenAboveShare?: number;
  /** Below this share the chains in flight already wait for points: let one go; default 0.02. */
  readonly narrowBelowShare?: number;
  /**
   * How long the bucket must hold its level (within `toleranceShare`) before a widening, and
   * again after one, so its effect shows before the next; default 2,000 ms.
   */
  readonly steadyMs?: number;
  /** A fall of up to this share counts as holding: answers in flight make the level jitter; default 0.01. */
  readonly toleranceShare?: number;
  readonly clock?: () => number;
}

/**
 * Decides how many cursor chains a sweep runs in parallel: one more while the rate-limit bucket
 * holds its level (the chains in flight leave points unused), one fewer once the bucket is
 * nearly empty (they wait for points anyway).
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
  private steadySinceMs = Number.NaN;
  private steadyLevel = 0;
  private readonly widenAboveShare: number;
  private readonly narrowBelowShare: number;
  private readonly steadyMs: number;
  private readonly toleranceShare: number;
  private readonly clock: () => number;

  /**
   * @param maxChains chains in flight at most.
   * @param bucket the shared limiter's current view of the bucket.
   */
  constructor(
    private readonly maxChains: number,
    private readonly bucket: () => RateLimitSnapshot,
    options: ChainPacerOptions = {},
  ) {
    this.widenAboveShare = options.widenAboveShare ?? 0.15;
    this.narrowBelowShare = options.narrowBelowShare ?? 0.02;
    this.steadyMs = options.steadyMs ?? 2_000;
    this.toleranceShare = options.toleranceShare ?? 0.01;
    this.clock = options.clock ?? Date.now;
  }

  /** Whether another chain may start now, given `inFlight` chains running; call after each page. */
  mayWiden(inFlight: number): boolean {
    const nowMs = this.clock();
    const { remaining, limit } = this.bucket();
    const fell = remaining < this.steadyLevel - Math.max(2, limit * this.toleranceShare);
    if (Number.isNaN(this.steadySinceMs) || fell || remaining <= limit * this.widenAboveShare) {
      this.restartSteady(nowMs, remaining);
      return false;
    }
    if (inFlight >= this.maxChains || nowMs - this.steadySinceMs < this.steadyMs) return false;
    this.restartSteady(nowMs, remaining);
    return true;
  }

  /** Whether one of `inFlight` chains should stop taking new chains once its current one ends. */
  shouldNarrow(inFlight: number): boolean {
    const { remaining, limit } = this.bucket();
    return inFlight > 1 && remaining < limit * this.narrowBelowShare;
  }

  private restartSteady(nowMs: number, level: number): void {
    this.steadySinceMs = nowMs;
    this.steadyLevel = level;
  }
}
