import { ConfigError, HelixRecordError, HelixRequestError } from '../../core/errors.ts';
import type { Clip } from '../../schemas/types.ts';
import { clipMoment } from './clipMoments.ts';
import { planSlices, walkSlices, type SliceWalkStats, type TimeSlice } from './clipSlices.ts';
import type { HelixClient } from './client.ts';

/** A clip as Get Clips answers it; anything may be missing or wrong until {@link parseHelixClip} checked it. */
export interface HelixClip {
  id: string;
  url: string;
  embed_url: string;
  broadcaster_id: string;
  broadcaster_name: string;
  creator_id: string;
  creator_name: string;
  /** '' when the clip has no VOD. */
  video_id: string;
  game_id: string;
  language: string;
  title: string;
  view_count: number;
  created_at: string;
  thumbnail_url: string;
  /** Seconds, with tenths. */
  duration: number;
  /** Seconds into the VOD; null when the VOD is not available (yet). */
  vod_offset: number | null;
  is_featured: boolean;
}

interface ClipsPage {
  data?: HelixClip[];
  pagination?: { cursor?: string };
}

/** The channel clips were asked for. */
export interface Broadcaster {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
}

/** Counters of one {@link ClipCollector.collect}. */
export interface ClipCollectStats extends SliceWalkStats {
  /** Get Clips pages received. */
  pages: number;
  /** Clips that went on as records. */
  clips: number;
  /** Clips seen again (in another slice, or on another page while views reordered the list), dropped. */
  duplicates: number;
  /** Clips Helix answered that cannot be used as they are (see {@link parseHelixClip}). */
  rejected: number;
  /** Get Videos requests. */
  videoLookups: number;
  /** VODs asked for that Get Videos no longer returns (deleted). */
  vodsGone: number;
  /** Clips placed on their VOD, and clips placed by their `created_at`. */
  fromVod: number;
  fromCreatedAt: number;
}

/** A clip Helix answered that cannot be used, and why: it goes to the dead-letter topic. */
export interface RejectedClip {
  readonly raw: unknown;
  readonly error: HelixRecordError;
}

/** What one {@link ClipCollector.collect} found. */
export interface ClipCollection {
  readonly broadcaster: Broadcaster;
  /** Clips in order of creation. */
  readonly clips: readonly Clip[];
  readonly rejected: readonly RejectedClip[];
  readonly stats: Readonly<ClipCollectStats>;
}

/** Settings of a {@link ClipCollector}; validated where built. */
export interface ClipCollectorOptions {
  /** Width of the slices a range is first cut into, ms (whole minutes); default one day. */
  readonly sliceMs?: number;
  /** Slices queried at once; default 4. */
  readonly sliceConcurrency?: number;
  /** Get Videos batches in flight at once; default 4. */
  readonly videoConcurrency?: number;
  readonly clock?: () => number;
  /** Called after every Get Clips page, for progress lines. */
  readonly onPage?: (stats: Readonly<ClipCollectStats>) => void;
  /** Called for a one-minute slice that still holds 1,000 clips or more (some are out of reach). */
  readonly onTruncated?: (slice: TimeSlice) => void;
}

const PAGE_SIZE = 100;
const VIDEO_BATCH = 100;
const DAY_MS = 86_400_000;

/**
 * Reads a channel's clips from Helix: the login through Get Users, then Get Clips
 * (`broadcaster_id`, `started_at`/`ended_at`, `first=100`, cursor `after`) slice by slice,
 * halving a slice that hits the 1,000-clip cap ({@link walkSlices}), then the VODs' starts
 * through Get Videos (100 ids a request) to place each clip's moment ({@link clipMoment}).
 * Every request goes through the client, so it shares the rate-limit bucket with a sweep.
 *
 * @throws ConfigError when no Twitch user has the login.
 * @throws HelixRequestError / UnavailableError from the client when Helix keeps failing.
 * @example
 * const found = await new ClipCollector(client).collect('chewiemelodies', Date.now() - 7 * 86_400_000, Date.now());
 */
export class ClipCollector {
  private readonly sliceMs: number;
  private readonly sliceConcurrency: number;
  private readonly videoConcurrency: number;
  private readonly clock: () => number;

  constructor(private readonly client: HelixClient, private readonly options: ClipCollectorOptions = {}) {
    this.sliceMs = options.sliceMs ?? DAY_MS;
    this.sliceConcurrency = options.sliceConcurrency ?? 4;
    this.videoConcurrency = options.videoConcurrency ?? 4;
    if (!(this.sliceConcurrency >= 1)) throw new ConfigError('sliceConcurrency', `must be >= 1, got ${this.sliceConcurrency}`);
    if (!(this.videoConcurrency >= 1)) throw new ConfigError('videoConcurrency', `must be >= 1, got ${this.videoConcurrency}`);
    this.clock = options.clock ?? Date.now;
  }

  /** The user behind a login (Get Users). @throws ConfigError when there is none. */
  async broadcaster(login: string): Promise<Broadcaster> {
    const body = await this.client.get<{ data?: Array<{ id: string; login: string; display_name: string }> }>('users', [['login', login]]);
    const user = body.data?.[0];
    if (!user) throw new ConfigError('channel', `names no Twitch user: ${JSON.stringify(login)}`);
    return { id: user.id, login: user.login, displayName: user.display_name };
  }

  /** Every clip of `login` made in `[startedAtMs, endedAtMs)` (widened to whole minutes), with its moment. */
  async collect(login: string, startedAtMs: number, endedAtMs: number): Promise<ClipCollection> {
    const slices = planSlices(startedAtMs, endedAtMs, this.sliceMs);
    const broadcaster = await this.broadcaster(login);
    const stats: ClipCollectStats = {
      slices: 0, splits: 0, truncated: 0, pages: 0, clips: 0, duplicates: 0, rejected: 0, videoLookups: 0, vodsGone: 0, fromVod: 0, fromCreatedAt: 0,
    };
    const walk = await walkSlices(slices, (slice) => this.slice(broadcaster.id, slice, stats), {
      concurrency: this.sliceConcurrency,
      onTruncated: this.options.onTruncated,
    });
    Object.assign(stats, walk.stats);
    const fetchedAtMs = this.clock();

    const byId = new Map<string, HelixClip>();
    const rejected: RejectedClip[] = [];
    const valid: Array<{ raw: HelixClip; parsed: ParsedClip }> = [];
    for (const raw of walk.items) {
      const id = typeof raw?.id === 'string' ? raw.id : undefined;
      if (id !== undefined && byId.has(id)) {
        stats.duplicates++;
        continue;
      }
      if (id !== undefined) byId.set(id, raw);
      try {
        valid.push({ raw, parsed: parseHelixClip(raw, broadcaster.id) });
      } catch (error) {
        if (!(error instanceof HelixRecordError)) throw error;
        rejected.push({ raw, error });
      }
    }
    stats.rejected = rejected.length;

    const vodStarts = await this.vodStarts(valid.filter((v) => v.parsed.vodOffsetSeconds !== null && v.parsed.videoId !== '').map((v) => v.parsed.videoId), stats);
    const clips = valid.map(({ parsed }) => {
      const moment = clipMoment(parsed, parsed.vodOffsetSeconds === null ? undefined : vodStarts.get(parsed.videoId));
      if (moment.from === 'vod') stats.fromVod++;
      else stats.fromCreatedAt++;
      const clip: Clip = {
        ...parsed,
        channel: broadcaster.login,
        vodCreatedAtMs: moment.from === 'vod' ? vodStarts.get(parsed.videoId)! : null,
        momentStartMs: moment.startMs,
        momentEndMs: moment.endMs,
        momentFrom: moment.from,
        fetchedAtMs,
      };
      return clip;
    });
    clips.sort((a, b) => a.createdAtMs - b.createdAtMs || (a.clipId < b.clipId ? -1 : 1));
    stats.clips = clips.length;
    return { broadcaster, clips, rejected, stats };
  }

  /** Every page of one slice's query; Helix stops paging at its cap by itself. */
  private async slice(broadcasterId: string, slice: TimeSlice, stats: ClipCollectStats): Promise<HelixClip[]> {
    const out: HelixClip[] = [];
    let cursor: string | undefined;
    for (;;) {
      const params: Array<readonly [string, string]> = [
        ['broadcaster_id', broadcasterId],
        ['started_at', rfc3339(slice.startMs)],
        ['ended_at', rfc3339(slice.endMs)],
        ['first', String(PAGE_SIZE)],
      ];
      if (cursor) params.push(['after', cursor]);
      const page = await this.client.get<ClipsPage>('clips', params);
      stats.pages++;
      const data = page.data ?? [];
      out.push(...data);
      this.options.onPage?.(stats);
      cursor = page.pagination?.cursor;
      if (!cursor || data.length === 0) return out;
    }
  }

  /** Start of each VOD Get Videos still knows, by video id; a deleted VOD is simply absent. */
  private async vodStarts(videoIds: readonly string[], stats: ClipCollectStats): Promise<Map<string, number>> {
    const ids = [...new Set(videoIds)];
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += VIDEO_BATCH) batches.push(ids.slice(i, i + VIDEO_BATCH));
    const starts = new Map<string, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        stats.videoLookups++;
        let videos: Array<{ id: string; created_at: string }>;
        try {
          videos = (await this.client.get<{ data?: Array<{ id: string; created_at: string }> }>('videos', batch.map((id) => ['id', id] as const))).data ?? [];
        } catch (error) {
          // Get Videos answers 404 when it finds none of the ids: every VOD of the batch is gone.
          if (!(error instanceof HelixRequestError && error.status === 404)) throw error;
          videos = [];
        }
        for (const v of videos) {
          const createdMs = Date.parse(v.created_at);
          if (Number.isFinite(createdMs)) starts.set(v.id, createdMs);
        }
        stats.vodsGone += batch.filter((id) => !starts.has(id)).length;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.videoConcurrency, batches.length) }, worker));
    return starts;
  }
}

/** The fields of a clip that come straight from Helix, checked. */
export type ParsedClip = Omit<Clip, 'channel' | 'vodCreatedAtMs' | 'momentStartMs' | 'momentEndMs' | 'momentFrom' | 'fetchedAtMs'>;

/**
 * Checks a Get Clips record and takes its fields: an id, the asked-for broadcaster, a
 * `created_at` that is a time, a positive finite `duration`, a whole non-negative `view_count`,
 * a `vod_offset` that is null or a whole non-negative number of seconds. Missing text fields
 * become ''.
 * @throws HelixRecordError naming the first field at fault.
 */
export function parseHelixClip(raw: HelixClip, broadcasterId: string): ParsedClip {
  const fail = (field: string, detail: string): never => {
    throw new HelixRecordError('clips', field, detail);
  };
  if (raw === null || typeof raw !== 'object') fail('data[]', `is not an object: ${JSON.stringify(raw)}`);
  if (typeof raw.id !== 'string' || raw.id === '') fail('id', `is missing or empty: ${JSON.stringify(raw.id)}`);
  if (raw.broadcaster_id !== broadcasterId) fail('broadcaster_id', `is ${JSON.stringify(raw.broadcaster_id)}, not the channel asked for (${broadcasterId})`);
  const createdAtMs = typeof raw.created_at === 'string' ? Date.parse(raw.created_at) : Number.NaN;
  if (!Number.isFinite(createdAtMs)) fail('created_at', `is not a time: ${JSON.stringify(raw.created_at)}`);
  if (typeof raw.duration !== 'number' || !Number.isFinite(raw.duration) || raw.duration <= 0) fail('duration', `must be a positive number of seconds, got ${JSON.stringify(raw.duration)}`);
  if (!Number.isSafeInteger(raw.view_count) || raw.view_count < 0) fail('view_count', `must be a whole number >= 0, got ${JSON.stringify(raw.view_count)}`);
  const offset = raw.vod_offset ?? null;
  if (offset !== null && !(Number.isInteger(offset) && offset >= 0 && offset <= 0x7fff_ffff)) fail('vod_offset', `must be null or whole seconds >= 0, got ${JSON.stringify(offset)}`);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    clipId: raw.id,
    broadcasterId,
    broadcasterName: text(raw.broadcaster_name),
    creatorId: text(raw.creator_id),
    creatorName: text(raw.creator_name),
    videoId: text(raw.video_id),
    gameId: text(raw.game_id),
    language: text(raw.language),
    title: text(raw.title),
    viewCount: raw.view_count,
    createdAtMs,
    durationSeconds: raw.duration,
    vodOffsetSeconds: offset,
    url: text(raw.url),
    embedUrl: text(raw.embed_url),
    thumbnailUrl: text(raw.thumbnail_url),
    isFeatured: raw.is_featured === true,
  };
}

/** RFC 3339 in UTC without milliseconds, as Helix's examples write times. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
