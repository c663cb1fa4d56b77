import { ConfigError } from '../../core/errors.ts';
import { readLines, sentTimestampOf } from './lineReader.ts';

/** How a replay is paced. */
export interface ReplayPace {
  /**
   * Speed factor over the recording's own clock (`tmi-sent-ts`): 1 is real time, 10 ten times
   * faster. Undefined replays as fast as the sink takes lines (`--max`).
   */
  readonly speed?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What a replay hands each line to; may ask the replay to wait (backpressure). */
export interface ReplaySink {
  line(raw: Buffer, receivedAtMs: number): void;
  /** Awaited after each chunk of lines; resolves when the sink has room again. */
  backpressure?(): Promise<void>;
}

/** Checks a speed factor: a finite number > 0. */
export function validateSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) throw new ConfigError('speed', `must be a number > 0, got ${speed}`);
  return speed;
}

/**
 * Replays recorded raw IRC lines into `sink`, either as fast as it takes them or paced by the
 * recording's `tmi-sent-ts` divided by `speed`. Lines without a timestamp go out right away.
 * The first `skipLines` lines are read past without pacing (a resumed replay's done part).
 * @returns the number of lines replayed, skipped ones not counted.
 */
export async function replay(source: AsyncIterable<Buffer | string>, sink: ReplaySink, pace: ReplayPace = {}, skipLines = 0): Promise<number> {
  const clock = pace.clock ?? Date.now;
  const sleep = pace.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const speed = pace.speed === undefined ? undefined : validateSpeed(pace.speed);
  let count = 0;
  let firstTs: number | null = null;
  let startedMs = 0;
  let toSkip = skipLines;
  for await (const lines of readLines(source)) {
    for (const line of lines) {
      if (toSkip > 0) {
        toSkip--;
        continue;
      }
      if (speed !== undefined) {
        const ts = sentTimestampOf(line);
        if (ts !== null) {
          if (firstTs === null) {
            firstTs = ts;
            startedMs = clock();
          }
          const dueMs = startedMs + (ts - firstTs) / speed;
          const waitMs = dueMs - clock();
          if (waitMs > 1) await sleep(waitMs);
        }
      }
      sink.line(line, clock());
      count++;
    }
    if (sink.backpressure) await sink.backpressure();
  }
  return count;
}
