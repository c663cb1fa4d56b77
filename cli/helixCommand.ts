import { endpointsFromEnv, envValue } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { Progress } from '../core/progress.ts';
import { HelixClient } from '../connectors/helix/client.ts';
import { HelixRateLimiter } from '../connectors/helix/rateLimiter.ts';
import { HelixCollector, type SweepFilter } from '../connectors/helix/sweep.ts';
import { DEFAULT_HELIX_TOPICS, runHelixSweeps } from '../connectors/helix/sweepToKafka.ts';
import { parseDurationMs } from '../topology/windows.ts';
import { parseArgs, stringOption } from './args.ts';

const USAGE = 'usage: twitch-pulse helix sweep [--games ID,…] [--languages en,…] [--logins a,…] [--every 60s] [--once | --sweeps N] [--split language|game|none] [--snapshots-topic T] [--changes-topic T]';

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
  const client = new HelixClient({
    helixUrl: envValue('HELIX_URL'),
    authUrl: envValue('HELIX_AUTH_URL'),
    clientId: envValue('HELIX_CLIENT_ID'),
    clientSecret: envValue('HELIX_CLIENT_SECRET'),
    limiter,
    log,
  });
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
