// The local Helix server on its own thread for bench/helix-sweep.ts, so the server's work (drift,
// sorting 100,000 streams, JSON) does not hold up the collector's event loop, as Twitch's servers
// would not. Answers 'census' messages with what the benchmark compares the sweep against.
import { parentPort, workerData } from 'node:worker_threads';
import { HelixServer, type HelixServerOptions } from '../test/servers/helixServer.ts';

/** What the benchmark asks the server thread for between sweeps. */
export interface HelixCensus {
  readonly liveStreamIds: string[];
  readonly requests: number;
  readonly rateLimited: number;
  readonly games: number;
}

const server = new HelixServer(workerData as HelixServerOptions);
const url = await server.listen();
parentPort!.postMessage({ url, clientId: server.clientId, clientSecret: server.clientSecret });
parentPort!.on('message', async (message: 'census' | 'close') => {
  if (message === 'close') {
    await server.close();
    parentPort!.close();
    return;
  }
  const census: HelixCensus = {
    liveStreamIds: server.liveStreams().map((s) => s.id),
    requests: server.stats.streamsRequests + server.stats.usersRequests + server.stats.gamesRequests,
    rateLimited: server.stats.rateLimited,
    games: server.gameIds().length,
  };
  parentPort!.postMessage(census);
});
