import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { seededRandom } from '../../connectors/simulator/chatSimulator.ts';
import type { HelixClip } from '../../connectors/helix/clips.ts';

/** A stream as `GET /helix/streams` returns it. */
export interface HelixStreamJson {
  id: string;
  user_id: string;
  user_login: string;
  user_name: string;
  game_id: string;
  game_name: string;
  type: string;
  title: string;
  tags: string[];
  viewer_count: number;
  started_at: string;
  language: string;
  thumbnail_url: string;
  tag_ids: string[];
  is_mature: boolean;
}

/** A category as `GET /helix/games` returns it. */
export interface HelixGameJson {
  id: string;
  name: string;
  box_art_url: string;
  igdb_id: string;
}

/** A user as `GET /helix/users` returns it. */
export interface HelixUserJson {
  id: string;
  login: string;
  display_name: string;
  type: string;
  broadcaster_type: string;
  description: string;
  profile_image_url: string;
  offline_image_url: string;
  view_count: number;
  created_at: string;
}

/** A clip as `GET /helix/clips` returns it: the shape the collector reads. */
export type HelixClipJson = HelixClip;

/** A video (VOD) as `GET /helix/videos` returns it. */
export interface HelixVideoJson {
  id: string;
  stream_id: string | null;
  user_id: string;
  user_login: string;
  user_name: string;
  title: string;
  description: string;
  created_at: string;
  published_at: string;
  url: string;
  thumbnail_url: string;
  viewable: string;
  view_count: number;
  language: string;
  type: string;
  duration: string;
  muted_segments: Array<{ duration: number; offset: number }> | null;
}

/** The hand-written clips sample (see test/fixtures/helix/SOURCES.md). */
export interface ClipsSample {
  users: { data: HelixUserJson[] };
  videos: { data: HelixVideoJson[] };
  clips: { data: HelixClipJson[] };
}

/** One channel's clips, videos and user in Helix's shapes, seeded into every {@link HelixServer}. */
export function loadClipsSample(): ClipsSample {
  return JSON.parse(readFileSync(new URL('../fixtures/helix/clips-sample.json', import.meta.url), 'utf8')) as ClipsSample;
}

/**
 * Most clips Get Clips returns for one query, over all its pages (Twitch API reference, Get
 * Clips: "The clips service returns a maximum of 1000 clips"); pagination stops there.
 */
export const HELIX_CLIPS_CAP = 1_000;

interface Sample {
  streams: { data: HelixStreamJson[] };
  games: { data: HelixGameJson[] };
  users: { data: HelixUserJson[] };
}

/** The recorded sample the synthetic streams are scaled from (see test/fixtures/helix/SOURCES.md). */
export function loadHelixSample(): Sample {
  return JSON.parse(readFileSync(new URL('../fixtures/helix/streams-sample.json', import.meta.url), 'utf8')) as Sample;
}

/** Options of {@link HelixServer}. Rates are shares in 0..1; the hazards are off by default. */
export interface HelixServerOptions {
  /** Live streams (the sample scaled synthetically); default 1,000. */
  readonly streams?: number;
  readonly seed?: number;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Lifetime of app access tokens, ms (Twitch: about 60 days). */
  readonly tokenTtlMs?: number;
  /** Points of the bucket (`Ratelimit-Limit`); Twitch gives app tokens 800. */
  readonly ratelimitLimit?: number;
  /** The bucket refills `ratelimitLimit` points over this many ms (Twitch: 60,000). */
  readonly refillWindowMs?: number;
  /** Added before every answer, ms. */
  readonly latencyMs?: number;
  /** Share of streams whose viewer count moves by up to ±`driftMaxRatio` on each streams request. */
  readonly driftShare?: number;
  readonly driftMaxRatio?: number;
  /** Share of API requests answered 503. */
  readonly errorRate?: number;
  /** Share of pages that come back shorter than asked, with a cursor all the same. */
  readonly shortPageRate?: number;
  /** The last page of a chain carries a cursor back to the first page instead of none. */
  readonly loopAtEnd?: boolean;
  /** Synthetic long-tail categories beside the sample's; default 200. */
  readonly syntheticGames?: number;
  /** Languages streams are drawn from (weights follow the order); default a realistic mix. */
  readonly languages?: readonly string[];
  readonly clock?: () => number;
  /** How latency is waited; a virtual clock's sleep in specs. */
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly port?: number;
}

/** Counters of what the server answered. */
export interface HelixServerStats {
  streamsRequests: number;
  usersRequests: number;
  gamesRequests: number;
  clipsRequests: number;
  videosRequests: number;
  tokenRequests: number;
  rateLimited: number;
  unauthorized: number;
  serverErrors: number;
  badRequests: number;
  loopCursors: number;
}

interface Token {
  readonly clientId: string;
  expiresAtMs: number;
}

interface Bucket {
  points: number;
  atMs: number;
}

/** Languages of the synthetic streams, most common first (roughly Twitch's mix). */
export const DEFAULT_STREAM_LANGUAGES: readonly string[] = ['en', 'es', 'de', 'pt', 'fr', 'ru', 'ja', 'ko', 'it', 'zh', 'tr', 'pl', 'other'];


/**
 * A local HTTP server modelling the Helix endpoints twitch-pulse uses, over real HTTP as the
 * collector talks to Twitch: `POST /oauth2/token` (client credentials), `GET /helix/streams`
 * (`first` ≤ 100, opaque `after` cursors, `game_id`, `language`, `user_id`, `user_login`
 * filters, sorted by viewers), `GET /helix/users` (`id`, `login`) and `GET /helix/games` (`id` up to
 * 100), and for `helix clips`: `GET /helix/clips` (`broadcaster_id`, `game_id` or `id`;
 * `started_at`/`ended_at`, `first` ≤ 100, `after` cursors, most viewed first, at most 1,000 clips
 * per query like Twitch) and `GET /helix/videos` (`id` up to 100; 404 when none is found). Clips
 * come from `test/fixtures/helix/clips-sample.json` plus what a test adds; every endpoint takes
 * a point from the same rate-limit bucket.
 *
 * Hazards as on Twitch: viewer counts drift between requests so the live list reorders under a
 * cursor (duplicates and missing streams across pages); a token bucket with `Ratelimit-*`
 * headers and 429 when empty; expired tokens answer 401; occasional 503; short pages; an
 * optional last-page cursor that loops to the first page; an invalidated cursor answers 400.
 *
 * @example
 * const helix = new HelixServer({ streams: 5_000, latencyMs: 50 });
 * const url = await helix.listen();
 */
export class HelixServer {
  private readonly http: Server;
  private readonly random: () => number;
  private readonly streams: HelixStreamJson[] = [];
  private readonly byUserId = new Map<string, HelixStreamJson>();
  private readonly games = new Map<string, HelixGameJson>();
  private readonly users = new Map<string, HelixUserJson>();
  private readonly clips: HelixClipJson[] = [];
  private readonly videos = new Map<string, HelixVideoJson>();
  private readonly tokens = new Map<string, Token>();
  private readonly buckets = new Map<string, Bucket>();
  private sorted = false;
  private cursorGeneration = 1;
  private pendingFailures: number[] = [];
  private tokenCounter = 0;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stats: HelixServerStats = {
    streamsRequests: 0, usersRequests: 0, gamesRequests: 0, clipsRequests: 0, videosRequests: 0, tokenRequests: 0, rateLimited: 0,
    unauthorized: 0, serverErrors: 0, badRequests: 0, loopCursors: 0,
  };

  constructor(private readonly options: HelixServerOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? sleepMs;
    this.clientId = options.clientId ?? 'local-client-id';
    this.clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
    this.seed(options.streams ?? 1_000);
    const clipsSample = loadClipsSample();
    for (const u of clipsSample.users.data) this.users.set(u.id, u);
    this.addVideos(clipsSample.videos.data);
    this.addClips(clipsSample.clips.data);
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'Internal Server Error', status: 500, message: String(error) }));
      });
    });
    this.http.keepAliveTimeout = 60_000;
  }

  /** Starts listening on 127.0.0.1; resolves to the base URL (`http://127.0.0.1:PORT`). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Stops the server and its keep-alive connections. */
  async close(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Every live stream right now, in Helix's shape (copies). */
  liveStreams(): HelixStreamJson[] {
    return this.streams.map((s) => ({ ...s, tags: [...s.tags] }));
  }

  /** The category a game id names, if the server knows it. */
  game(gameId: string): HelixGameJson | undefined {
    return this.games.get(gameId);
  }

  /** The user behind a user id, if the server knows it. */
  user(userId: string): HelixUserJson | undefined {
    return this.users.get(userId);
  }

  /** Ids of every category, sample first. */
  gameIds(): string[] {
    return [...this.games.keys()];
  }

  /** Scripts a stream: new category, title or viewer count, as a broadcaster would change them. */
  update(userId: string, change: { gameId?: string; title?: string; viewerCount?: number }): void {
    const stream = this.byUserId.get(userId);
    if (!stream) throw new Error(`no live stream for user ${userId}`);
    if (change.gameId !== undefined) {
      const game = this.games.get(change.gameId);
      if (!game) throw new Error(`unknown game ${change.gameId}`);
      stream.game_id = game.id;
      stream.game_name = game.name;
    }
    if (change.title !== undefined) stream.title = change.title;
    if (change.viewerCount !== undefined) {
      stream.viewer_count = change.viewerCount;
      this.sorted = false;
    }
  }

  /** Every token issued so far answers 401 from now on. */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAtMs = -1;
  }

  /** Every cursor handed out so far answers 400 from now on. */
  invalidateCursors(): void {
    this.cursorGeneration++;
  }

  /** The next `statuses.length` API requests answer these statuses (e.g. `[503, 500]`). */
  failNext(...statuses: number[]): void {
    this.pendingFailures.push(...statuses);
  }

  /** Adds clips as Get Clips will return them (copies); a clip's `video_id` need not be a known video. */
  addClips(clips: readonly HelixClipJson[]): void {
    for (const c of clips) this.clips.push({ ...c });
  }

  /** Adds videos (VODs) as Get Videos will return them (copies). */
  addVideos(videos: readonly HelixVideoJson[]): void {
    for (const v of videos) this.videos.set(v.id, { ...v });
  }

  /** Deletes a video, as a broadcaster does: Get Videos no longer returns it, its clips keep its id. */
  deleteVideo(videoId: string): void {
    this.videos.delete(videoId);
  }

  /** Every clip the server holds, in Helix's shape (copies). */
  allClips(): HelixClipJson[] {
    return this.clips.map((c) => ({ ...c }));
  }

  /**
   * Adds `count` synthetic clips of a known user, made `everyMs` apart from `fromMs` on, each
   * 10-30 s long (so none overlaps the next while `everyMs` > 30 s) and without a VOD
   * (`video_id` '', `vod_offset` null), as for a channel whose VODs have expired. View counts
   * are drawn from the server's seeded random numbers. Returns the clips added (copies).
   */
  addSyntheticClips(userId: string, count: number, fromMs: number, everyMs: number): HelixClipJson[] {
    const user = this.users.get(userId);
    if (!user) throw new Error(`unknown user ${userId}`);
    const added: HelixClipJson[] = [];
    for (let i = 0; i < count; i++) {
      const id = `SyntheticClip${user.login}${String(this.clips.length).padStart(6, '0')}`;
      const clip: HelixClipJson = {
        id,
        url: `https://clips.twitch.tv/${id}`,
        embed_url: `https://clips.twitch.tv/embed?clip=${id}`,
        broadcaster_id: user.id,
        broadcaster_name: user.display_name,
        creator_id: String(20_000_000 + i),
        creator_name: `viewer_${i}`,
        video_id: '',
        game_id: '509658',
        language: 'en',
        title: `moment ${i}`,
        view_count: Math.floor(200 * this.random() ** 2),
        created_at: new Date(fromMs + i * everyMs).toISOString().replace('.000Z', 'Z'),
        thumbnail_url: `https://clips-media-assets2.twitch.tv/${id}-preview-480x272.jpg`,
        duration: 10 + Math.round(this.random() * 200) / 10,
        vod_offset: null,
        is_featured: false,
      };
      this.clips.push(clip);
      added.push({ ...clip });
    }
    return added;
  }

  private seed(count: number): void {
    const sample = loadHelixSample();
    for (const g of sample.games.data) this.games.set(g.id, g);
    const synthetic = this.options.syntheticGames ?? 200;
    for (let k = 0; k < synthetic; k++) {
      const id = String(900_000 + k);
      this.games.set(id, { id, name: `Indie Game ${k}`, box_art_url: `https://static-cdn.jtvnw.net/ttv-boxart/${id}-{width}x{height}.jpg`, igdb_id: '' });
    }
    const gameIds = [...this.games.keys()];
    const languages = this.options.languages ?? DEFAULT_STREAM_LANGUAGES;
    const templates = sample.streams.data;
    const startedBaseMs = Date.parse('2024-05-06T12:00:00Z');
    for (let i = 0; i < count; i++) {
      const t = templates[i % templates.length]!;
      // Sample streams keep their category; the rest fall on a Zipf-like spread of categories so
      // a few are popular and the long tail is obscure, as on Twitch.
      const gameId = i < templates.length ? t.game_id : gameIds[Math.floor(gameIds.length * this.random() ** 3)]!;
      const game = this.games.get(gameId)!;
      const language = i < templates.length ? t.language : languages[Math.floor(languages.length * this.random() ** 2)]!;
      const userId = String(10_000_000 + i);
      const login = i < templates.length ? t.user_login : `${t.user_login}_${i}`;
      const stream: HelixStreamJson = {
        ...t,
        id: String(50_000_000_000 + i),
        user_id: userId,
        user_login: login,
        user_name: i < templates.length ? t.user_name : `${t.user_name}_${i}`,
        game_id: game.id,
        game_name: game.name,
        language,
        tags: [...t.tags],
        viewer_count: i < templates.length ? t.viewer_count : Math.max(1, Math.floor(40_000 / (i + 1) ** 0.8 + this.random() * 20)),
        started_at: new Date(startedBaseMs + Math.floor(this.random() * 8 * 3_600_000 / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
        thumbnail_url: `https://static-cdn.jtvnw.net/previews-ttv/live_user_${login}-{width}x{height}.jpg`,
      };
      this.streams.push(stream);
      this.byUserId.set(userId, stream);
      this.users.set(userId, {
        ...sample.users.data[0]!,
        id: userId,
        login,
        display_name: stream.user_name,
        broadcaster_type: i % 10 === 0 ? 'partner' : i % 3 === 0 ? '' : 'affiliate',
        view_count: 0,
      });
    }
  }

  private userIdByLogin(login: string): string | undefined {
    const lower = login.toLowerCase();
    return this.streams.find((s) => s.user_login === lower)?.user_id ?? [...this.users.values()].find((u) => u.login === lower)?.id;
  }

  private sortStreams(): void {
    if (this.sorted) return;
    this.streams.sort((a, b) => b.viewer_count - a.viewer_count || (a.id < b.id ? -1 : 1));
    this.sorted = true;
  }

  private drift(): void {
    const share = this.options.driftShare ?? 0;
    if (share <= 0 || this.streams.length === 0) return;
    const maxRatio = this.options.driftMaxRatio ?? 0.2;
    const n = Math.max(1, Math.round(this.streams.length * share));
    for (let k = 0; k < n; k++) {
      const s = this.streams[Math.floor(this.random() * this.streams.length)]!;
      s.viewer_count = Math.max(0, Math.round(s.viewer_count * (1 + (this.random() * 2 - 1) * maxRatio)));
    }
    this.sorted = false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for await (const _ of req) {
      // Drain the body; the token endpoint takes its parameters in the query string.
    }
    if (this.options.latencyMs) await this.sleep(this.options.latencyMs);
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return this.token(url, res);
    if (req.method !== 'GET' || !['/helix/streams', '/helix/users', '/helix/games', '/helix/clips', '/helix/videos'].includes(url.pathname)) {
      return send(res, 404, { error: 'Not Found', status: 404, message: 'no such endpoint' });
    }
    const clientId = req.headers['client-id'];
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const token = auth ? this.tokens.get(auth[1]!) : undefined;
    if (!token || token.expiresAtMs <= this.clock() || token.clientId !== clientId) {
      this.stats.unauthorized++;
      return send(res, 401, { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' });
    }
    const headers = this.takePoint(token.clientId);
    if (!headers) {
      this.stats.rateLimited++;
      return send(res, 429, { error: 'Too Many Requests', status: 429, message: 'Too Many Requests' }, this.rateHeaders(token.clientId));
    }
    const scripted = this.pendingFailures.shift();
    if (scripted !== undefined || this.random() < (this.options.errorRate ?? 0)) {
      this.stats.serverErrors++;
      const status = scripted ?? 503;
      return send(res, status, { error: 'Service Unavailable', status, message: '' }, headers);
    }
    if (url.pathname === '/helix/streams') return this.streamsPage(url, res, headers);
    if (url.pathname === '/helix/clips') return this.clipsPage(url, res, headers);
    const ids = url.searchParams.getAll('id');
    if (ids.length > 100) {
      this.stats.badRequests++;
      return send(res, 400, { error: 'Bad Request', status: 400, message: 'The parameter "id" may only be specified up to 100 times' }, headers);
    }
    if (url.pathname === '/helix/users') {
      this.stats.usersRequests++;
      const logins = url.searchParams.getAll('login').map((l) => this.userIdByLogin(l));
      const data = [...ids, ...logins.filter((id): id is string => id !== undefined)].map((id) => this.users.get(id));
      return send(res, 200, { data: data.filter((u): u is HelixUserJson => u !== undefined) }, headers);
    }
    if (url.pathname === '/helix/videos') {
      this.stats.videosRequests++;
      if (ids.length === 0) {
        this.stats.badRequests++;
        return send(res, 400, { error: 'Bad Request', status: 400, message: 'Missing required parameter "id"' }, headers);
      }
      // Twitch skips ids it does not find, and answers 404 only when it finds none of them.
      const found = [...new Set(ids)].map((id) => this.videos.get(id)).filter((v): v is HelixVideoJson => v !== undefined);
      if (found.length === 0) return send(res, 404, { error: 'Not Found', status: 404, message: 'videos not found' }, headers);
      return send(res, 200, { data: found, pagination: {} }, headers);
    }
    this.stats.gamesRequests++;
    return send(res, 200, { data: ids.map((id) => this.games.get(id)).filter((g): g is HelixGameJson => g !== undefined) }, headers);
  }

  private token(url: URL, res: ServerResponse): void {
    this.stats.tokenRequests++;
    const q = url.searchParams;
    if (q.get('grant_type') !== 'client_credentials' || q.get('client_id') !== this.clientId || q.get('client_secret') !== this.clientSecret) {
      return send(res, 400, { status: 400, message: 'invalid client secret' });
    }
    const ttlMs = this.options.tokenTtlMs ?? 60 * 24 * 3_600_000;
    const accessToken = `local${++this.tokenCounter}${Math.floor(this.random() * 1e9).toString(36)}`;
    this.tokens.set(accessToken, { clientId: this.clientId, expiresAtMs: this.clock() + ttlMs });
    send(res, 200, { access_token: accessToken, expires_in: Math.floor(ttlMs / 1000), token_type: 'bearer' });
  }

  private refill(clientId: string): Bucket {
    const limit = this.options.ratelimitLimit ?? 800;
    const windowMs = this.options.refillWindowMs ?? 60_000;
    const now = this.clock();
    const bucket = this.buckets.get(clientId) ?? { points: limit, atMs: now };
    bucket.points = Math.min(limit, bucket.points + ((now - bucket.atMs) * limit) / windowMs);
    bucket.atMs = now;
    this.buckets.set(clientId, bucket);
    return bucket;
  }

  private rateHeaders(clientId: string): Record<string, string> {
    const limit = this.options.ratelimitLimit ?? 800;
    const windowMs = this.options.refillWindowMs ?? 60_000;
    const bucket = this.refill(clientId);
    const fullAtMs = bucket.atMs + ((limit - bucket.points) * windowMs) / limit;
    return {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.floor(bucket.points)),
      'ratelimit-reset': String(Math.ceil(fullAtMs / 1000)),
    };
  }

  private takePoint(clientId: string): Record<string, string> | null {
    const bucket = this.refill(clientId);
    if (bucket.points < 1) return null;
    bucket.points -= 1;
    return this.rateHeaders(clientId);
  }

  private streamsPage(url: URL, res: ServerResponse, headers: Record<string, string>): void {
    this.stats.streamsRequests++;
    const q = url.searchParams;
    const firstText = q.get('first') ?? '20';
    const first = Number(firstText);
    if (!Number.isInteger(first) || first < 1 || first > 100) {
      this.stats.badRequests++;
      return send(res, 400, { error: 'Bad Request', status: 400, message: 'first must be between 1 and 100' }, headers);
    }
    const filter = {
      game: q.getAll('game_id').sort(),
      language: q.getAll('language').sort(),
      login: q.getAll('user_login').map((l) => l.toLowerCase()).sort(),
      user: q.getAll('user_id').sort(),
    };
    const filterKey = JSON.stringify(filter);
    let offset = 0;
    const after = q.get('after');
    if (after) {
      const cursor = decodeCursor(after);
      if (!cursor || cursor.g !== this.cursorGeneration || cursor.f !== hash(filterKey)) {
        this.stats.badRequests++;
        return send(res, 400, { error: 'Bad Request', status: 400, message: 'invalid cursor' }, headers);
      }
      offset = cursor.o;
    }
    this.drift();
    this.sortStreams();
    const sets = {
      game: new Set(filter.game), language: new Set(filter.language), login: new Set(filter.login), user: new Set(filter.user),
    };
    const matching = this.streams.filter((s) =>
      (sets.game.size === 0 || sets.game.has(s.game_id))
      && (sets.language.size === 0 || sets.language.has(s.language))
      && (sets.login.size === 0 || sets.login.has(s.user_login))
      && (sets.user.size === 0 || sets.user.has(s.user_id)));
    let size = first;
    if (this.random() < (this.options.shortPageRate ?? 0)) size = Math.max(1, Math.floor(first * (0.3 + 0.5 * this.random())));
    const data = matching.slice(offset, offset + size);
    const next = offset + data.length;
    let cursor: string | undefined;
    if (next < matching.length) cursor = encodeCursor({ o: next, g: this.cursorGeneration, f: hash(filterKey) });
    else if (this.options.loopAtEnd && data.length > 0) {
      this.stats.loopCursors++;
      cursor = encodeCursor({ o: 0, g: this.cursorGeneration, f: hash(filterKey) });
    }
    send(res, 200, { data, pagination: cursor ? { cursor } : {} }, headers);
  }

  private clipsPage(url: URL, res: ServerResponse, headers: Record<string, string>): void {
    this.stats.clipsRequests++;
    const q = url.searchParams;
    const bad = (message: string) => {
      this.stats.badRequests++;
      send(res, 400, { error: 'Bad Request', status: 400, message }, headers);
    };
    const broadcaster = q.get('broadcaster_id');
    const game = q.get('game_id');
    const ids = q.getAll('id');
    if ([broadcaster !== null, game !== null, ids.length > 0].filter(Boolean).length !== 1) return bad('exactly one of broadcaster_id, game_id or id is required');
    const firstText = q.get('first') ?? '20';
    const first = Number(firstText);
    if (!Number.isInteger(first) || first < 1 || first > 100) return bad('first must be between 1 and 100');
    const startedText = q.get('started_at');
    const endedText = q.get('ended_at');
    const startedMs = startedText === null ? null : Date.parse(startedText);
    let endedMs = endedText === null ? null : Date.parse(endedText);
    if (Number.isNaN(startedMs) || Number.isNaN(endedMs)) return bad('started_at and ended_at must be RFC3339 times');
    // As documented: ended_at alone is ignored; started_at alone runs for one week.
    if (startedMs !== null && endedMs === null) endedMs = startedMs + 7 * 86_400_000;
    const filterKey = JSON.stringify([broadcaster, game, [...ids].sort(), startedMs, startedMs === null ? null : endedMs, q.get('is_featured')]);
    let offset = 0;
    const after = q.get('after');
    if (after) {
      const cursor = decodeCursor(after);
      if (!cursor || cursor.g !== this.cursorGeneration || cursor.f !== hash(filterKey)) return bad('invalid cursor');
      offset = cursor.o;
    }
    const featured = q.get('is_featured');
    const idSet = new Set(ids);
    const matching = this.clips
      .filter((c) => (broadcaster === null || c.broadcaster_id === broadcaster) && (game === null || c.game_id === game) && (idSet.size === 0 || idSet.has(c.id)))
      .filter((c) => featured === null || String(c.is_featured) === featured)
      .filter((c) => {
        if (startedMs === null) return true;
        const createdMs = Date.parse(c.created_at);
        return createdMs >= startedMs && createdMs < endedMs!;
      })
      // Most viewed first, as Helix orders clips; then by id so pages are stable.
      .sort((a, b) => b.view_count - a.view_count || (a.id < b.id ? -1 : 1))
      .slice(0, HELIX_CLIPS_CAP);
    const data = matching.slice(offset, offset + first);
    const next = offset + data.length;
    const cursor = ids.length === 0 && next < matching.length ? encodeCursor({ o: next, g: this.cursorGeneration, f: hash(filterKey) }) : undefined;
    send(res, 200, { data, pagination: cursor ? { cursor } : {} }, headers);
  }
}

interface Cursor {
  o: number;
  g: number;
  f: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ b: null, a: { Offset: c.o, G: c.g, F: c.f } })).toString('base64url');
}

function decodeCursor(text: string): Cursor | null {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { a?: { Offset?: unknown; G?: unknown; F?: unknown } };
    const a = parsed.a;
    if (!a || typeof a.Offset !== 'number' || typeof a.G !== 'number' || typeof a.F !== 'string') return null;
    return { o: a.Offset, g: a.G, f: a.F };
  } catch {
    return null;
  }
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
