import { writeFileSync } from 'node:fs';
import { endpointsFromEnv, envValue } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { Progress } from '../core/progress.ts';
import { clipLabels, formatClipLabels, mergeMoments } from '../connectors/helix/clipMoments.ts';
import { ClipCollector } from '../connectors/helix/clips.ts';
import { DEFAULT_CLIP_TOPICS, publishClips } from '../connectors/helix/clipsToKafka.ts';
import { HelixClient } from '../connectors/helix/client.ts';
import { HelixRateLimiter } from '../connectors/helix/rateLimiter.ts';
import { HelixCollector, type SweepFilter } from '../connectors/helix/sweep.ts';
import { DEFAULT_HELIX_TOPICS, runHelixSweeps } from '../connectors/helix/sweepToKafka.ts';
import { parseDurationMs } from '../topology/windows.ts';
import { parseArgs, stringOption } from './args.ts';
import { parseSinceMs, parseUntilSeconds } from './reportCommand.ts';

const USAGE = `usage: twitch-pulse helix sweep [--games ID,…] [--languages en,…] [--logins a,…] [--every 60s] [--once | --sweeps N] [--split language|game|none] [--snapshots-topic T] [--changes-topic T]
       twitch-pulse helix clips --channel LOGIN [--since 7d] [--until ISO-TIME] [--min-views N] [--out FILE|-] [--slice 1d] [--clips-topic T] [--dead-letter-topic T]`;

function list(text: string | undefined): string[] | undefined {
  const items = text?.split(',').map((s) => s.trim()).filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

/**
 * `twitch-pulse helix sweep`: sweeps Helix's live streams (all, or the given games, languages
 * or logins) every `--every` into Kafka: one snapshot per live stream per sweep, and the
 * category changes between consecutive sweeps. Credentials come from HELIX_CLIENT_ID and
 * HELIX_CLIENT_SECRET (never logged); HELIX_URL and HELIX_AUTH_URL point it elsewhere (tests).
 * A progress line per sweep shows streams and their rate, pages, requests left in the
 * rate-limit bucket and the totals over all sweeps.
 */
export async function helixCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ['once']);
  if (args.positionals[0] === 'clips') return clipsCommand(args);
  if (args.positionals[0] !== 'sweep') throw new UsageError(USAGE);
  const filter: SweepFilter = {
    gameIds: list(stringOption(args, 'games')),
    languages: list(stringOption(args, 'languages')),
    userLogins: list(stringOption(args, 'logins')),
  };
  const everyMs = parseDurationMs(stringOption(args, 'every', '60s')!, 'every');
  const sweepsText = stringOption(args, 'sweeps');
  if (sweepsText !== undefined && args.options.has('once')) throw new UsageError('--once and --sweeps exclude each other');
  const sweeps = args.options.has('once') ? 1 : sweepsText === undefined ? undefined : Number(sweepsText);
  if (sweeps !== undefined && !(Number.isInteger(sweeps) && sweeps >= 1)) throw new UsageError(`--sweeps must be a whole number >= 1, got ${sweepsText}`);
  const split = stringOption(args, 'split');
  if (split !== undefined && !['language', 'game', 'none'].includes(split)) throw new UsageError(`--split must be language, game or none, got ${split}`);

  const log = createLogger('helix');
  const limiter = new HelixRateLimiter();
  const client = helixClient(limiter, log);
  // One progress line per sweep, so its rate is the sweep's own and not diluted by the wait
  // between sweeps; Helix gives no total, so it shows rate and counts, and totals over sweeps.
  let sweepsDone = 0;
  let total = 0;
  let progress: Progress | undefined;
  const line = (streams: number, pages: number) => ({
    done: streams,
    extra: `pages ${pages}  bucket ${limiter.snapshot().remaining}/${limiter.snapshot().limit}  all sweeps ${(total + streams).toLocaleString('en-US')} streams`,
  });
  const collector = new HelixCollector(client, {
    split: split as 'language' | 'game' | 'none' | undefined,
    onPage: (s) => {
      progress ??= new Progress(`helix sweep ${sweepsDone + 1}`, { unit: 'streams' });
      progress.update(line(s.streams, s.pages));
    },
  });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runHelixSweeps(endpointsFromEnv(), collector, {
      filter, everyMs, sweeps, signal: abort.signal, log,
      topics: {
        snapshots: stringOption(args, 'snapshots-topic', DEFAULT_HELIX_TOPICS.snapshots)!,
        categoryChanges: stringOption(args, 'changes-topic', DEFAULT_HELIX_TOPICS.categoryChanges)!,
      },
      afterSweep: ({ sweep, changes }) => {
        (progress ?? new Progress(`helix sweep ${sweepsDone + 1}`, { unit: 'streams' })).finish(line(sweep.stats.streams, sweep.stats.pages));
        progress = undefined;
        total += sweep.stats.streams;
        sweepsDone++;
        console.log(JSON.stringify({ sweepId: sweep.sweepId, ...sweep.stats, categories: sweep.categories.size, categoryChanges: changes.length }));
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

/** A client on HELIX_URL with the app credentials of HELIX_CLIENT_ID/SECRET and one shared rate limiter. */
function helixClient(limiter: HelixRateLimiter, log: Logger): HelixClient {
  return new HelixClient({
    helixUrl: envValue('HELIX_URL'),
    authUrl: envValue('HELIX_AUTH_URL'),
    clientId: envValue('HELIX_CLIENT_ID'),
    clientSecret: envValue('HELIX_CLIENT_SECRET'),
    limiter,
    log,
  });
}

/**
 * `twitch-pulse helix clips --channel LOGIN`: the channel's clips made in the last `--since`
 * (before `--until`, default now) into Kafka, one record each with the broadcast moment it shows,
 * unusable ones dead-lettered; with `--out FILE` (`-`: stdout) also the labels file that
 * `evaluate --labels` reads: the channel's merged moments with at least `--min-views` views.
 * Ends with one JSON line of counters (on stderr when the labels go to stdout).
 */
async function clipsCommand(args: ReturnType<typeof parseArgs>): Promise<number> {
  const login = stringOption(args, 'channel')?.replace(/^#/, '').toLowerCase();
  if (!login) throw new UsageError(`--channel is required\n${USAGE}`);
  const untilMs = parseUntilSeconds(stringOption(args, 'until'), Date.now) * 1000;
  const sinceMs = untilMs - parseSinceMs(stringOption(args, 'since', '7d')!);
  const minViewsText = stringOption(args, 'min-views', '0')!;
  const minViews = Number(minViewsText);
  if (!(/^\d+$/.test(minViewsText) && Number.isSafeInteger(minViews))) throw new UsageError(`--min-views must be a whole number >= 0, got ${JSON.stringify(minViewsText)}`);
  const sliceMs = parseSinceMs(stringOption(args, 'slice', '1d')!);
  const out = stringOption(args, 'out');
  const log = createLogger('helix').child({ channel: login });
  let progress: Progress | undefined;
  const collector = new ClipCollector(helixClient(new HelixRateLimiter(), log), {
    sliceMs,
    onPage: (s) => {
      progress ??= new Progress(`helix clips ${login}`, { unit: 'pages' });
      progress.update({ done: s.pages });
    },
    onTruncated: (slice) => log.warn('a one-minute slice still holds 1,000 clips or more: the least viewed of them are out of reach', {
      startedAt: new Date(slice.startMs).toISOString(),
    }),
  });
  const found = await collector.collect(login, sinceMs, untilMs);
  progress?.finish({ done: found.stats.pages, extra: `slices ${found.stats.slices}  splits ${found.stats.splits}` });
  const published = await publishClips(endpointsFromEnv(), found, {
    log,
    topics: {
      clips: stringOption(args, 'clips-topic', DEFAULT_CLIP_TOPICS.clips)!,
      deadLetter: stringOption(args, 'dead-letter-topic', DEFAULT_CLIP_TOPICS.deadLetter)!,
    },
  });
  const merged = mergeMoments(found.clips.map((c) => ({ startMs: c.momentStartMs, endMs: c.momentEndMs, views: c.viewCount, title: c.title })));
  const labels = clipLabels(found.broadcaster.login, merged, minViews);
  if (out === '-') process.stdout.write(formatClipLabels([labels]));
  else if (out !== undefined) writeFileSync(out, formatClipLabels([labels]));
  const summary = JSON.stringify({
    channel: found.broadcaster.login, broadcasterId: found.broadcaster.id,
    from: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(),
    ...found.stats, deadLetters: published.deadLetters, moments: merged.length, highlights: labels.highlights.length,
  });
  if (out === '-') console.error(summary);
  else console.log(summary);
  return 0;
}
