// A full Helix sweep against the local Helix server, timed against the lower bound its rate
// limit sets. Usage:
//   node --import tsx bench/helix-sweep.ts [streams=100000] [latencyMs=50] [refillWindowMs=60000] [driftShare=0.001] [sweeps=1]
// The local server runs on its own thread (bench/helixServerWorker.ts).
// The bucket holds 800 points and refills them over refillWindowMs on both sides (Twitch: 800 per
// minute); a shorter window scales the whole run down in time, the ratio to the bound stays
// comparable. Later sweeps run back to back (empty bucket, users and categories cached, streams
// the chains missed recovered by user_id). Prints one JSON object per sweep.
import { once } from 'node:events';
import { createLogger } from '../core/log.ts';
import { startTsWorker } from '../core/tsWorker.ts';
import { HelixClient } from '../connectors/helix/client.ts';
import { HelixRateLimiter } from '../connectors/helix/rateLimiter.ts';
import { HelixCollector } from '../connectors/helix/sweep.ts';
import type { HelixCensus } from './helixServerWorker.ts';

const [streams = 100_000, latencyMs = 50, refillWindowMs = 60_000, driftShare = 0.001, sweeps = 1] = process.argv.slice(2).map(Number);
const LIMIT = 800;

const serverThread = startTsWorker(new URL('./helixServerWorker.ts', import.meta.url), {
  workerData: { streams, latencyMs, ratelimitLimit: LIMIT, refillWindowMs, driftShare, driftMaxRatio: 0.2, seed: 42 },
});
const [server] = (await once(serverThread, 'message')) as [{ url: string; clientId: string; clientSecret: string }];
const base = server.url;
const census = async (): Promise<HelixCensus> => {
  serverThread.postMessage('census');
  return ((await once(serverThread, 'message')) as [HelixCensus])[0];
};
const limiter = new HelixRateLimiter({ refillWindowMs });
const client = new HelixClient({
  helixUrl: `${base}/helix`, authUrl: `${base}/oauth2`, clientId: server.clientId, clientSecret: server.clientSecret,
  limiter, log: createLogger('helix', 'warn'),
});
const collector = new HelixCollector(client, { chainConcurrency: 8, lookupConcurrency: 4 });
for (let i = 0; i < sweeps; i++) {
  const before = await census();
  const live = new Set(before.liveStreamIds);
  const startedMs = Date.now();
  const sweep = await collector.sweep();
  const tookMs = Date.now() - startedMs;
  const after = await census();
  const requests = after.requests - before.requests;
  // No sweep can spend fewer points than one page per 100 streams, plus on the first one lookup
  // per 100 users and per 100 categories. The first sweep starts with a full bucket (LIMIT
  // points); later ones start empty. Beyond that, points come at LIMIT per window.
  const minimumRequests = Math.ceil(streams / 100) + (i === 0 ? Math.ceil(streams / 100) + Math.ceil(after.games / 100) : 0);
  const boundMs = (Math.max(0, minimumRequests - (i === 0 ? LIMIT : 0)) * refillWindowMs) / LIMIT;
  const liveFound = sweep.snapshots.filter((s) => live.has(s.streamId)).length;
  console.log(JSON.stringify({
    sweep: i + 1, streams, latencyMs, refillWindowMs, driftShare,
    tookMs, boundMs: Math.round(boundMs), ratio: Number((tookMs / boundMs).toFixed(3)),
    requests, minimumRequests, chains: sweep.stats.chains, peakChainsInFlight: sweep.stats.peakChainsInFlight, pages: sweep.stats.pages, shortPages: sweep.stats.shortPages,
    duplicates: sweep.stats.duplicates, recovered: sweep.stats.recovered, completeness: Number((liveFound / live.size).toFixed(4)),
    rateLimited: after.rateLimited,
  }));
}
serverThread.postMessage('close');
await once(serverThread, 'exit');
