import { ConfigError } from '../core/errors.ts';
import type { CategoryChange, StreamSnapshot } from '../schemas/types.ts';

/** Live viewers and streams of one category in one sweep. */
export interface CategoryTotalView {
  readonly gameId: string;
  readonly viewerCount: number;
  readonly streams: number;
}

/** One Helix sweep as the operator needs it. */
export interface SweepView {
  readonly sweepId: string;
  readonly snapshots: readonly StreamSnapshot[];
  /** Keyed by game id. */
  readonly categories: ReadonlyMap<string, CategoryTotalView>;
}

/** Settings of {@link CategorySwitches}; validated where built. */
export interface CategorySwitchOptions {
  /**
   * A switch is "popular → obscure" when the new category's viewers, the stream's own left out,
   * are at most this share of the old one's (in the later sweep); default 0.1.
   */
  readonly obscureRatio?: number;
  /** The old category counts as popular from this many viewers; default 1,000. */
  readonly popularMinViewers?: number;
  /** The stream's own viewers "hold" when after ÷ before is at least this; default 0.7. */
  readonly holdRatio?: number;
  /** Title patterns that suggest rebroadcast content; default {@link REBROADCAST_TITLE_PATTERNS}. */
  readonly rebroadcastPatterns?: readonly RegExp[];
}

/**
 * Titles that suggest a rebroadcast of someone else's content, the usual trigger of copyright
 * reports (watch parties, films, whole episodes or matches).
 */
export const REBROADCAST_TITLE_PATTERNS: readonly RegExp[] = Object.freeze([
  /\bwatch[\s-]?(party|along)\b/i,
  /\bmovies?\b/i,
  /\bfilm\b/i,
  /\bfull\s+(episode|season|movie|match|game|fight|race|concert)s?\b/i,
  /\bepisodes?\s+\d+/i,
  /\b(re-?run|rebroadcast|re-?stream)\b/i,
  /\bppv\b/i,
  /\bmarathon\b/i,
]);

/**
 * The category-switch operator: fed Helix sweeps in order, it emits one {@link CategoryChange}
 * per live stream (same user, same stream id) whose category differs from the previous sweep,
 * with both categories' viewers and streams in the later sweep and a compliance risk score in
 * 0..1 with its reasons.
 *
 * The score combines, as independent chances (1 − Π(1 − part)):
 * - a switch from a popular category to one whose other streams have at most `obscureRatio` of
 *   its viewers (0.2 to 0.8, higher the more obscure), which fewer people browse and so fewer report;
 * - while the stream's own viewers hold (0.3), i.e. the audience followed it there;
 * - the stream being most of the new category's viewers (0.2);
 * - a title suggesting rebroadcast content (0.5).
 *
 * Pure and deterministic: state is the previous sweep only; no clock. A stream missing from a
 * sweep is compared with its last sweep once it is back only if its stream id is unchanged.
 *
 * @example
 * const switches = new CategorySwitches();
 * switches.push(sweep1); // []
 * switches.push(sweep2); // [{ fromGameName: 'Just Chatting', toGameName: 'Indie Game 7', riskScore: 0.93, … }]
 */
export class CategorySwitches {
  private previous = new Map<string, { sweepId: string; snapshot: StreamSnapshot }>();
  private readonly obscureRatio: number;
  private readonly popularMinViewers: number;
  private readonly holdRatio: number;
  private readonly patterns: readonly RegExp[];

  constructor(options: CategorySwitchOptions = {}) {
    this.obscureRatio = options.obscureRatio ?? 0.1;
    this.popularMinViewers = options.popularMinViewers ?? 1_000;
    this.holdRatio = options.holdRatio ?? 0.7;
    this.patterns = options.rebroadcastPatterns ?? REBROADCAST_TITLE_PATTERNS;
    if (!(this.obscureRatio > 0 && this.obscureRatio < 1)) throw new ConfigError('obscureRatio', `must be in (0, 1), got ${this.obscureRatio}`);
    if (!(this.popularMinViewers >= 0)) throw new ConfigError('popularMinViewers', `must be >= 0, got ${this.popularMinViewers}`);
    if (!(this.holdRatio > 0)) throw new ConfigError('holdRatio', `must be > 0, got ${this.holdRatio}`);
  }

  /** Takes the next sweep; returns the category changes since the previous one, by user id. */
  push(sweep: SweepView): CategoryChange[] {
    const out: CategoryChange[] = [];
    for (const now of sweep.snapshots) {
      const before = this.previous.get(now.userId);
      if (!before || before.snapshot.streamId !== now.streamId || before.snapshot.gameId === now.gameId) continue;
      out.push(this.change(before.sweepId, before.snapshot, sweep, now));
    }
    for (const s of sweep.snapshots) this.previous.set(s.userId, { sweepId: sweep.sweepId, snapshot: s });
    return out.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }

  /** The risk score in 0..1 (3 decimals) and its reasons for one switch. */
  risk(c: Omit<CategoryChange, 'riskScore' | 'reasons'>): { riskScore: number; reasons: string[] } {
    const parts: number[] = [];
    const reasons: string[] = [];
    // The new category's audience without the stream itself: a big channel moving into an empty
    // category makes it look popular, yet nobody browsing there would have seen it before.
    const othersTo = Math.max(0, c.toCategoryViewers - c.viewersAfter);
    const ratio = othersTo / Math.max(1, c.fromCategoryViewers);
    if (c.fromCategoryViewers >= this.popularMinViewers && ratio <= this.obscureRatio) {
      parts.push(0.2 + 0.6 * (1 - ratio / this.obscureRatio));
      reasons.push(`popular → obscure: ${c.fromGameName} has ${c.fromCategoryViewers} viewers, ${c.toGameName} ${othersTo} besides this stream (${(ratio * 100).toFixed(1)} %)`);
      if (c.viewersAfter / Math.max(1, c.viewersBefore) >= this.holdRatio) {
        parts.push(0.3);
        reasons.push(`own viewers held: ${c.viewersBefore} → ${c.viewersAfter}`);
      }
      if (c.viewersAfter * 2 >= c.toCategoryViewers && c.toCategoryViewers > 0) {
        parts.push(0.2);
        reasons.push(`the stream is ${Math.round((100 * c.viewersAfter) / c.toCategoryViewers)} % of ${c.toGameName}'s viewers`);
      }
    }
    const match = this.patterns.map((p) => p.exec(c.title)).find((m) => m !== null);
    if (match) {
      parts.push(0.5);
      reasons.push(`title suggests rebroadcast content: "${match[0]}"`);
    }
    const riskScore = 1 - parts.reduce((keep, p) => keep * (1 - p), 1);
    return { riskScore: Math.round(riskScore * 1000) / 1000, reasons };
  }

  private change(fromSweepId: string, before: StreamSnapshot, sweep: SweepView, now: StreamSnapshot): CategoryChange {
    const from = sweep.categories.get(before.gameId);
    const to = sweep.categories.get(now.gameId);
    const base = {
      userId: now.userId,
      login: now.login,
      streamId: now.streamId,
      title: now.title,
      fromSweepId,
      toSweepId: sweep.sweepId,
      observedAtMs: now.observedAtMs,
      fromGameId: before.gameId,
      fromGameName: before.gameName,
      toGameId: now.gameId,
      toGameName: now.gameName,
      viewersBefore: before.viewerCount,
      viewersAfter: now.viewerCount,
      fromCategoryViewers: from?.viewerCount ?? 0,
      fromCategoryStreams: from?.streams ?? 0,
      toCategoryViewers: to?.viewerCount ?? 0,
      toCategoryStreams: to?.streams ?? 0,
    };
    return { ...base, ...this.risk(base) };
  }
}
