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
import { parseCommandLine } from './args.ts';
import { HELIX_CLIPS, HELIX_SWEEP } from './commands/helix.ts';
import { parseUntilSeconds } from './reportCommand.ts';

/**
 * `twitch-pulse helix sweep`: sweeps Helix's live streams (all, or the given games, languages
 * or logins) every `--every` into Kafka: one snapshot per live stream per sweep, and the
 * category changes between consecutive sweeps. Credentials come from HELIX_CLIENT_ID and
 * HELIX_CLIENT_SECRET (never logged); HELIX_URL and HELIX_AUTH_URL point it elsewhere (tests).
 * A progress line per sweep shows streams and their rate, pages, requests left in the
 * rate-limit bucket and the totals over all sweeps.
 */
export async function helixSweepCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(HELIX_SWEEP, argv);
  const filter: SweepFilter = { gameIds: values.games, languages: values.languages, userLogins: values.logins };
  const { every: everyMs, split } = values;
  const sweeps = values.once ? 1 : values.sweeps;

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
    split,
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
        snapshots: values['snapshots-topic'] ?? DEFAULT_HELIX_TOPICS.snapshots,
        categoryChanges: values['changes-topic'] ?? DEFAULT_HELIX_TOPICS.categoryChanges,
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
export async function helixClipsCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(HELIX_CLIPS, argv);
  const login = values.channel.replace(/^#/, '').toLowerCase();
  if (!login) throw new UsageError('--channel names no channel');
  const untilMs = parseUntilSeconds(values.until, Date.now) * 1000;
  const sinceMs = untilMs - values.since;
  const { 'min-views': minViews, slice: sliceMs, out } = values;
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
      clips: values['clips-topic'] ?? DEFAULT_CLIP_TOPICS.clips,
      deadLetter: values['dead-letter-topic'] ?? DEFAULT_CLIP_TOPICS.deadLetter,
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
