import { ConfigError, HelixRequestError } from '../../core/errors.ts';
import type { StreamSnapshot } from '../../schemas/types.ts';
import { ChainPacer } from './chainPacer.ts';
import { TWITCH_STREAM_LANGUAGES, languageChains } from './chainPlan.ts';
import type { HelixClient } from './client.ts';

export { TWITCH_STREAM_LANGUAGES } from './chainPlan.ts';

/** Which live streams a sweep covers; empty means every live stream. */
export interface SweepFilter {
  readonly gameIds?: readonly string[];
  readonly languages?: readonly string[];
  readonly userLogins?: readonly string[];
}

/** Live viewers and streams of one category in one sweep. */
export interface CategoryTotal {
  readonly gameId: string;
  readonly gameName: string;
  readonly viewerCount: number;
  readonly streams: number;
}

/** Counters of one sweep. */
export interface SweepStats {
  /** Disjoint cursor chains the sweep was split into. */
  chains: number;
  /** Most chains in flight at once (see {@link ChainPacer}). */
  peakChainsInFlight: number;
  /** Stream pages received. */
  pages: number;
  /** Pages with fewer than `first` streams that still carried a cursor. */
  shortPages: number;
  /** Unique live streams found. */
  streams: number;
  /** Streams seen again on a later page of the same sweep (the live list reordered), dropped. */
  duplicates: number;
  /** Chains stopped because their cursor led back to pages already read. */
  loopsDetected: number;
  /** Chains restarted from the first page because Helix refused their cursor (400). */
  cursorRestarts: number;
  /**
   * Streams of the previous sweep that the chains missed and a `user_id` lookup found still
   * live (the reordering hazard loses streams that climb past a chain's cursor).
   */
  recovered: number;
  /** Lookup requests: `/users` and `/games` batches. */
  userLookups: number;
  gameLookups: number;
}

/** What one sweep saw: one snapshot per live stream, and totals per category. */
export interface SweepResult {
  readonly sweepId: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly snapshots: readonly StreamSnapshot[];
  /** Keyed by game id (`''` for streams without a category). */
  readonly categories: ReadonlyMap<string, CategoryTotal>;
  readonly stats: Readonly<SweepStats>;
}

/** Settings of a {@link HelixCollector}; validated where built. */
export interface HelixCollectorOptions {
  /**
   * How a sweep is split into disjoint chains: by `language` (for a sweep of everything, over
   * {@link TWITCH_STREAM_LANGUAGES}; small languages share a chain, see {@link languageChains}),
   * by `game` (needs game ids), or `none`. Default: `game` when game ids are given, else `language`.
   */
  readonly split?: 'language' | 'game' | 'none';
  /**
   * Chains in flight at most; default 8. A sweep starts with one and adds more only while the
   * chains in flight leave the rate-limit bucket unused ({@link ChainPacer}).
   */
  readonly chainConcurrency?: number;
  /** `/users` and `/games` lookups in flight at once; default 4. */
  readonly lookupConcurrency?: number;
  /** Restarts of one chain after invalid cursors before the sweep fails; default 3. */
  readonly maxChainRestarts?: number;
  /**
   * After the chains, look up by `user_id` (100 per request) the streams the previous sweep of
   * the same filter saw and this one missed; default true.
   */
  readonly recoverMissing?: boolean;
  /** Look up `/helix/users` for broadcaster type; default true. */
  readonly enrichUsers?: boolean;
  readonly clock?: () => number;
  /** Called after every page, for progress lines. */
  readonly onPage?: (stats: Readonly<SweepStats>) => void;
}

interface HelixStream {
  id: string;
  user_id: string;
  user_login: string;
  user_name: string;
  game_id: string;
  game_name: string;
  title: string;
  tags: string[] | null;
  viewer_count: number;
  started_at: string;
  language: string;
  thumbnail_url: string;
  is_mature: boolean;
}

interface StreamsPage {
  data: HelixStream[];
  pagination?: { cursor?: string };
}

const PAGE_SIZE = 100;
const LOOKUP_BATCH = 100;

/**
 * Sweeps Helix's live streams (`GET /helix/streams`, `first=100`, cursor pagination) and
 * enriches them from `GET /helix/users` and `GET /helix/games` in batches of 100 ids.
 *
 * Helix hazards it handles (https://dev.twitch.tv/docs/api/reference#get-streams: "there may be
 * duplicate or missing streams, as viewers join and leave streams"): streams are deduplicated
 * by stream id per sweep and the duplicates counted; a cursor that leads back to pages already
 * read stops its chain; a 400 for an invalid cursor restarts that chain from its first page;
 * short pages are followed while a cursor comes back. A sweep is split into disjoint chains
 * (one per language or game) that run in parallel under the client's shared rate limit;
 * lookups start as soon as 100 new ids are known. Categories and users are cached across
 * sweeps (both rarely change; a category's box art never does).
 *
 * @throws HelixRequestError / UnavailableError from the client when Helix keeps failing.
 * @example
 * const collector = new HelixCollector(client);
 * const sweep = await collector.sweep({ languages: ['de'] });
 */
export class HelixCollector {
  private readonly games = new Map<string, { name: string; boxArtUrl: string }>();
  private readonly users = new Map<string, string>();
  private sweeps = 0;
  /** User ids the last sweep of each filter found, for {@link HelixCollectorOptions.recoverMissing}. */
  private readonly lastFound = new Map<string, string[]>();
  /** Streams per language the last sweep of each filter found, to plan the next one's chains. */
  private readonly lastLanguages = new Map<string, Map<string, number>>();
  private readonly chainConcurrency: number;
  private readonly lookupConcurrency: number;
  private readonly maxChainRestarts: number;
  private readonly clock: () => number;

  constructor(private readonly client: HelixClient, private readonly options: HelixCollectorOptions = {}) {
    this.chainConcurrency = options.chainConcurrency ?? 8;
    this.lookupConcurrency = options.lookupConcurrency ?? 4;
    this.maxChainRestarts = options.maxChainRestarts ?? 3;
    if (!(this.chainConcurrency >= 1)) throw new ConfigError('chainConcurrency', `must be >= 1, got ${this.chainConcurrency}`);
    if (!(this.lookupConcurrency >= 1)) throw new ConfigError('lookupConcurrency', `must be >= 1, got ${this.lookupConcurrency}`);
    if (!(this.maxChainRestarts >= 0)) throw new ConfigError('maxChainRestarts', `must be >= 0, got ${this.maxChainRestarts}`);
    this.clock = options.clock ?? Date.now;
  }

  /** One sweep of the live streams `filter` selects. */
  async sweep(filter: SweepFilter = {}): Promise<SweepResult> {
    const startedAtMs = this.clock();
    const sweepId = `${new Date(startedAtMs).toISOString()}#${++this.sweeps}`;
    const stats: SweepStats = { chains: 0, peakChainsInFlight: 0, pages: 0, shortPages: 0, streams: 0, duplicates: 0, loopsDetected: 0, cursorRestarts: 0, recovered: 0, userLookups: 0, gameLookups: 0 };
    const found = new Map<string, { stream: HelixStream; observedAtMs: number }>();
    const lookups = new LookupQueue(this.lookupConcurrency);
    const pendingUsers: string[] = [];
    const pendingGames: string[] = [];
    const queuedUsers = new Set<string>();
    const queuedGames = new Set<string>();
    const enrichUsers = this.options.enrichUsers ?? true;

    const flushUsers = (all: boolean): void => {
      while (pendingUsers.length >= LOOKUP_BATCH || (all && pendingUsers.length > 0)) {
        const ids = pendingUsers.splice(0, LOOKUP_BATCH);
        stats.userLookups++;
        lookups.run(async () => {
          const body = await this.client.get<{ data: Array<{ id: string; broadcaster_type: string }> }>('users', ids.map((id) => ['id', id] as const));
          for (const u of body.data) this.users.set(u.id, u.broadcaster_type);
        });
      }
    };
    const flushGames = (all: boolean): void => {
      while (pendingGames.length >= LOOKUP_BATCH || (all && pendingGames.length > 0)) {
        const ids = pendingGames.splice(0, LOOKUP_BATCH);
        stats.gameLookups++;
        lookups.run(async () => {
          const body = await this.client.get<{ data: Array<{ id: string; name: string; box_art_url: string }> }>('games', ids.map((id) => ['id', id] as const));
          for (const g of body.data) this.games.set(g.id, { name: g.name, boxArtUrl: g.box_art_url });
        });
      }
    };
    const accept = (page: HelixStream[], observedAtMs: number): void => {
      for (const stream of page) {
        if (found.has(stream.id)) {
          stats.duplicates++;
          continue;
        }
        found.set(stream.id, { stream, observedAtMs });
        if (enrichUsers && !this.users.has(stream.user_id) && !queuedUsers.has(stream.user_id)) {
          queuedUsers.add(stream.user_id);
          pendingUsers.push(stream.user_id);
        }
        if (stream.game_id && !this.games.has(stream.game_id) && !queuedGames.has(stream.game_id)) {
          queuedGames.add(stream.game_id);
          pendingGames.push(stream.game_id);
        }
      }
      stats.streams = found.size;
      flushUsers(false);
      flushGames(false);
    };

    const chains = this.chains(filter);
    stats.chains = chains.length;
    await this.runChains(chains, stats, accept);
    const filterKey = filterKeyOf(filter);
    if ((this.options.recoverMissing ?? true) && !filter.userLogins?.length) {
      const foundUsers = new Set([...found.values()].map((f) => f.stream.user_id));
      const missing = (this.lastFound.get(filterKey) ?? []).filter((id) => !foundUsers.has(id));
      const narrowing = [...(filter.gameIds ?? []).map((g) => ['game_id', g] as const), ...(filter.languages ?? []).map((l) => ['language', l] as const)];
      const batches: string[][] = [];
      for (let i = 0; i < missing.length; i += PAGE_SIZE) batches.push(missing.slice(i, i + PAGE_SIZE));
      const before = found.size;
      await Promise.all(batches.map(async (ids) => {
        const page = await this.client.get<StreamsPage>('streams', [...ids.map((id) => ['user_id', id] as const), ...narrowing, ['first', String(PAGE_SIZE)]]);
        stats.pages++;
        accept(page.data ?? [], this.clock());
      }));
      stats.recovered = found.size - before;
    }
    this.lastFound.set(filterKey, [...found.values()].map((f) => f.stream.user_id));
    const languages = new Map<string, number>();
    for (const { stream } of found.values()) languages.set(stream.language, (languages.get(stream.language) ?? 0) + 1);
    this.lastLanguages.set(filterKey, languages);
    flushUsers(true);
    flushGames(true);
    await lookups.drain();

    const snapshots = [...found.values()].map(({ stream, observedAtMs }) => this.snapshot(sweepId, stream, observedAtMs));
    return { sweepId, startedAtMs, finishedAtMs: this.clock(), snapshots, categories: categoryTotals(snapshots), stats };
  }

  /** The disjoint query-parameter sets a sweep of `filter` is split into. */
  chains(filter: SweepFilter): Array<Array<readonly [string, string]>> {
    const logins = filter.userLogins ?? [];
    const games = filter.gameIds ?? [];
    const languages = filter.languages ?? [];
    if (logins.length > 0) {
      // user_login takes up to 100 values per request; each batch is its own short chain.
      const out: Array<Array<readonly [string, string]>> = [];
      for (let i = 0; i < logins.length; i += 100) {
        out.push([...logins.slice(i, i + 100).map((l) => ['user_login', l] as const), ...games.map((g) => ['game_id', g] as const), ...languages.map((l) => ['language', l] as const)]);
      }
      return out;
    }
    const split = this.options.split ?? (games.length > 0 ? 'game' : 'language');
    if (split === 'game' && games.length > 0) {
      return games.map((g) => [['game_id', g] as const, ...languages.map((l) => ['language', l] as const)]);
    }
    if (split === 'language') {
      const langs = languages.length > 0 ? languages : TWITCH_STREAM_LANGUAGES;
      return languageChains(langs, this.lastLanguages.get(filterKeyOf(filter)))
        .map((chain) => [...chain.map((l) => ['language', l] as const), ...games.map((g) => ['game_id', g] as const)]);
    }
    return [[...games.map((g) => ['game_id', g] as const), ...languages.map((l) => ['language', l] as const)]];
  }

  /**
   * Runs `chains` (largest first) starting with one in flight, adding one whenever the
   * {@link ChainPacer} sees the bucket unused (up to `chainConcurrency`) and letting one go
   * when it sees the bucket empty.
   */
  private async runChains(
    chains: ReadonlyArray<ReadonlyArray<readonly [string, string]>>,
    stats: SweepStats,
    accept: (page: HelixStream[], observedAtMs: number) => void,
  ): Promise<void> {
    const pacer = new ChainPacer(this.chainConcurrency, () => this.client.rateLimit(), { clock: this.clock });
    const workers: Array<Promise<void>> = [];
    let next = 0;
    let inFlight = 0;
    let failure: { error: unknown } | undefined;
    const afterPage = (): void => {
      if (next < chains.length && pacer.mayWiden(inFlight)) workers.push(worker());
    };
    const worker = async (): Promise<void> => {
      inFlight++;
      stats.peakChainsInFlight = Math.max(stats.peakChainsInFlight, inFlight);
      try {
        while (next < chains.length && !failure) {
          await this.runChain(chains[next++]!, stats, accept, afterPage);
          if (pacer.shouldNarrow(inFlight)) return;
        }
      } catch (error) {
        failure ??= { error };
      } finally {
        inFlight--;
      }
    };
    if (chains.length > 0) workers.push(worker());
    // Workers started later are pushed while earlier ones run, so the list grows as it is awaited.
    for (let i = 0; i < workers.length; i++) await workers[i];
    if (failure) throw failure.error;
  }

  private async runChain(
    filter: ReadonlyArray<readonly [string, string]>,
    stats: SweepStats,
    accept: (page: HelixStream[], observedAtMs: number) => void,
    afterPage: () => void,
  ): Promise<void> {
    let cursor: string | undefined;
    let restarts = 0;
    const seenInChain = new Set<string>();
    for (;;) {
      const params: Array<readonly [string, string]> = [...filter, ['first', String(PAGE_SIZE)]];
      if (cursor) params.push(['after', cursor]);
      let page: StreamsPage;
      try {
        page = await this.client.get<StreamsPage>('streams', params);
      } catch (error) {
        if (cursor && error instanceof HelixRequestError && error.status === 400 && restarts < this.maxChainRestarts) {
          // Helix refuses cursors it no longer knows; the chain's streams can only be reached
          // from its first page again. Streams already found are dropped as duplicates.
          restarts++;
          stats.cursorRestarts++;
          cursor = undefined;
          seenInChain.clear();
          continue;
        }
        throw error;
      }
      const observedAtMs = this.clock();
      stats.pages++;
      const data = page.data ?? [];
      let newInChain = 0;
      for (const s of data) {
        if (!seenInChain.has(s.id)) {
          seenInChain.add(s.id);
          newInChain++;
        }
      }
      accept(data, observedAtMs);
      const nextCursor = page.pagination?.cursor;
      if (nextCursor && data.length < PAGE_SIZE) stats.shortPages++;
      this.options.onPage?.(stats);
      afterPage();
      if (!nextCursor || data.length === 0) return;
      if (newInChain === 0) {
        // Every stream of this page was already read in this chain: the cursor looped back
        // (a known Helix hazard on the last page). Following it would never end.
        stats.loopsDetected++;
        return;
      }
      cursor = nextCursor;
    }
  }

  private snapshot(sweepId: string, s: HelixStream, observedAtMs: number): StreamSnapshot {
    const game = this.games.get(s.game_id);
    return {
      sweepId,
      observedAtMs,
      streamId: s.id,
      userId: s.user_id,
      login: s.user_login,
      displayName: s.user_name,
      viewerCount: s.viewer_count,
      gameId: s.game_id ?? '',
      gameName: s.game_name || game?.name || '',
      title: s.title,
      language: s.language,
      startedAtMs: Date.parse(s.started_at),
      isMature: Boolean(s.is_mature),
      thumbnailUrl: s.thumbnail_url ?? '',
      tags: s.tags ?? [],
      broadcasterType: this.users.get(s.user_id) ?? null,
      boxArtUrl: game?.boxArtUrl ?? null,
    };
  }
}

/** The same key for the same filter whatever the order of its values. */
function filterKeyOf(filter: SweepFilter): string {
  const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();
  return JSON.stringify([sorted(filter.gameIds), sorted(filter.languages), sorted(filter.userLogins)]);
}

/** Viewers and streams per category of a sweep's snapshots. */
export function categoryTotals(snapshots: readonly StreamSnapshot[]): Map<string, CategoryTotal> {
  const out = new Map<string, { gameId: string; gameName: string; viewerCount: number; streams: number }>();
  for (const s of snapshots) {
    const total = out.get(s.gameId) ?? { gameId: s.gameId, gameName: s.gameName, viewerCount: 0, streams: 0 };
    total.viewerCount += s.viewerCount;
    total.streams++;
    out.set(s.gameId, total);
  }
  return out;
}

/** Runs tasks with at most `limit` at once; `drain` waits for all and rethrows the first failure. */
class LookupQueue {
  private active = 0;
  private readonly waiting: Array<() => Promise<void>> = [];
  private readonly running = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(private readonly limit: number) {}

  run(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.pump();
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    if (this.failure) throw this.failure;
  }

  private pump(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.active++;
      const p: Promise<void> = task()
        .catch((error: unknown) => {
          this.failure ??= error;
        })
        .finally(() => {
          this.active--;
          this.running.delete(p);
          this.pump();
        });
      this.running.add(p);
    }
  }
}
