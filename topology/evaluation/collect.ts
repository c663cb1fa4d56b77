import type { AnalyzeRecord } from '../analyze.ts';
import type { Interval } from './intervals.ts';
import type { ScoredAdWindow, ScoredHype } from './scores.ts';

/**
 * What an evaluation needs of one run of the detectors: the hype and ad-window records (only
 * the fields scored) and each channel's chat span. Fed `analyze`'s records and the messages'
 * event times; `evaluate` and `bench/highlights.ts` both gather their input through it.
 *
 * @example
 * const run = new DetectorRun();
 * const analysis = new Analysis((r) => run.record(r));
 * // for each message m: run.message(m.channel, m.eventTimeMs); analysis.message(m)
 * evaluateDetectors({ ...run, labels, lagMs: 30_000 });
 */
export class DetectorRun {
  readonly hypes: ScoredHype[] = [];
  readonly adWindows: ScoredAdWindow[] = [];
  /** Channel → [first, last] message event time, epoch ms. */
  readonly spans = new Map<string, Interval>();

  /** Keeps a hype or ad-window record; other kinds are ignored. */
  record(record: AnalyzeRecord): void {
    if (record.kind === 'hype') {
      const r = record as AnalyzeRecord & ScoredHype;
      this.hypes.push({ channel: r.channel, beginMs: r.beginMs, endMs: r.endMs, intensity: r.intensity, alert: r.alert === true });
    } else if (record.kind === 'ad_window') {
      const r = record as AnalyzeRecord & ScoredAdWindow;
      this.adWindows.push({ channel: r.channel, startMs: r.startMs, endMs: r.endMs, cancelledAtMs: typeof r.cancelledAtMs === 'number' ? r.cancelledAtMs : null });
    }
  }

  /** Widens the channel's chat span to a message at `eventTimeMs`. */
  message(channel: string, eventTimeMs: number): void {
    const span = this.spans.get(channel);
    this.spans.set(channel, span ? [Math.min(span[0], eventTimeMs), Math.max(span[1], eventTimeMs)] : [eventTimeMs, eventTimeMs]);
  }
}
