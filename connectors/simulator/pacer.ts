import { ConfigError } from '../../core/errors.ts';

/** Settings of a {@link Pacer}. */
export interface PacerOptions {
  /** Event time per wall time: 1 is real time, 10 ten times faster. */
  readonly speed?: number;
  /** Wall time of the start, epoch ms (the pacer's first `pump` by default). */
  readonly startWallMs?: number;
  /**
   * Event time at the start, epoch ms (the first line's by default). Lines before it are due at
   * once: a simulation that begins in the past arrives as history, then continues in real time.
   */
  readonly startEventMs?: number;
}

const TS = /(?:^@|;)tmi-sent-ts=(\d+)[; ]/;

/** The `tmi-sent-ts` of a raw line, or undefined when it has none. */
export function sentTimestamp(line: string): number | undefined {
  const match = TS.exec(line);
  return match ? Number(match[1]) : undefined;
}

/**
 * Paces raw IRC lines in event time (`tmi-sent-ts`) against the wall clock: a line is due once
 * `(its time - first line's time) / speed` of wall time has passed since the start. Lines
 * without a timestamp are due at once. Pull-based and clock-free: the caller pumps with the
 * current time (a timer in production, plain numbers in tests).
 *
 * @example
 * const pacer = new Pacer(simulateChat(options)[Symbol.iterator](), { speed: 1 });
 * setInterval(() => pacer.pump(Date.now(), (line) => ingester.line(line, Date.now())), 100);
 * @throws ConfigError when speed is not a positive number
 */
export class Pacer {
  private readonly speed: number;
  private startWallMs: number | undefined;
  private startEventMs: number | undefined;
  private pending: { line: string; tsMs: number | undefined } | undefined;
  private ended = false;

  constructor(private readonly lines: Iterator<string>, options: PacerOptions = {}) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0 && Number.isFinite(this.speed))) throw new ConfigError('speed', `must be a number > 0, got ${options.speed}`);
    this.startWallMs = options.startWallMs;
    this.startEventMs = options.startEventMs;
  }

  /** True once every line has been delivered. */
  get done(): boolean {
    return this.ended && this.pending === undefined;
  }

  /** The event time that corresponds to wall time `nowMs` (the simulation's clock). */
  eventTimeAt(nowMs: number): number {
    if (this.startWallMs === undefined || this.startEventMs === undefined) return nowMs;
    return this.startEventMs + (nowMs - this.startWallMs) * this.speed;
  }

  /** Delivers every line due at wall time `nowMs`, in order; returns how many. */
  pump(nowMs: number, deliver: (line: string) => void): number {
    this.startWallMs ??= nowMs;
    let delivered = 0;
    for (;;) {
      const next = this.peek();
      if (!next) return delivered;
      if (next.tsMs !== undefined) {
        this.startEventMs ??= next.tsMs;
        if (next.tsMs > this.eventTimeAt(nowMs)) return delivered;
      }
      this.pending = undefined;
      deliver(next.line);
      delivered++;
    }
  }

  private peek(): { line: string; tsMs: number | undefined } | undefined {
    if (this.pending || this.ended) return this.pending;
    const next = this.lines.next();
    if (next.done) {
      this.ended = true;
      return undefined;
    }
    this.pending = { line: next.value, tsMs: sentTimestamp(next.value) };
    return this.pending;
  }
}
