/** What a progress line shows. */
export interface ProgressState {
  /** Items done so far (lines, records, streams). */
  readonly done: number;
  /** Share done in 0..1 when the total is known (bytes read of a file), else undefined. */
  readonly fraction?: number;
  /**
   * Items there are in all, when known in the unit of `done` (records up to the end offsets):
   * shown as `done / total` and, without `fraction`, the share done for the bar and ETA.
   */
  readonly total?: number;
  /** Extra fields, e.g. `{ kafka: 'buffered 0' }`. */
  readonly extra?: string;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Terminal: a bar redrawn in place; otherwise a log line every `logEveryMs`. */
  readonly tty?: boolean;
  readonly write?: (text: string) => void;
  readonly clock?: () => number;
  readonly redrawEveryMs?: number;
  readonly logEveryMs?: number;
  /** Unit of `done` for the rate, e.g. `lines`. */
  readonly unit?: string;
}

/**
 * Progress of a long operation: rate, totals, and on a terminal a bar with ETA redrawn in
 * place on stderr; elsewhere periodic plain lines. Time is injected for tests.
 */
export class Progress {
  private readonly startedMs: number;
  private lastDrawMs = -Infinity;
  private readonly tty: boolean;
  private readonly write: (text: string) => void;
  private readonly clock: () => number;
  private readonly everyMs: number;
  private readonly unit: string;

  constructor(private readonly label: string, options: ProgressOptions = {}) {
    this.tty = options.tty ?? Boolean(process.stderr.isTTY);
    this.write = options.write ?? ((t) => process.stderr.write(t));
    this.clock = options.clock ?? Date.now;
    this.everyMs = this.tty ? (options.redrawEveryMs ?? 200) : (options.logEveryMs ?? 10_000);
    this.unit = options.unit ?? 'items';
    this.startedMs = this.clock();
  }

  /** Reports the state; draws only when the redraw interval has passed. */
  update(state: ProgressState): void {
    const now = this.clock();
    if (now - this.lastDrawMs < this.everyMs) return;
    this.lastDrawMs = now;
    this.write(this.tty ? `\r${this.render(state, now)}\x1b[K` : `${this.render(state, now)}\n`);
  }

  /** Draws the final state and ends the line. */
  finish(state: ProgressState): void {
    const line = this.render(state, this.clock());
    this.write(this.tty ? `\r${line}\x1b[K\n` : `${line}\n`);
  }

  /** The progress text for `state` at time `now` (no control characters). */
  render(state: ProgressState, now: number): string {
    const elapsedS = Math.max(0.001, (now - this.startedMs) / 1000);
    const rate = state.done / elapsedS;
    const parts = [this.label];
    const fraction = state.fraction ?? (state.total === undefined ? undefined : state.total > 0 ? state.done / state.total : 1);
    if (fraction !== undefined) {
      const f = Math.min(1, Math.max(0, fraction));
      const width = 24;
      const filled = Math.round(f * width);
      const etaS = f > 0 ? (elapsedS * (1 - f)) / f : Infinity;
      parts.push(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}%`);
      parts.push(Number.isFinite(etaS) ? `ETA ${formatSeconds(etaS)}` : 'ETA --');
    }
    const total = state.total === undefined ? '' : ` / ${state.total.toLocaleString('en-US')}`;
    parts.push(`${state.done.toLocaleString('en-US')}${total} ${this.unit}`, `${Math.round(rate).toLocaleString('en-US')} ${this.unit}/s`, `${formatSeconds(elapsedS)} elapsed`);
    if (state.extra) parts.push(state.extra);
    return parts.join('  ');
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s >= 3_600) {
    const h = Math.floor(s / 3_600);
    return `${h} h ${Math.floor((s - h * 3_600) / 60)} min`;
  }
  const m = Math.floor(s / 60);
  return `${m} min ${Math.floor(s - m * 60)} s`;
}
