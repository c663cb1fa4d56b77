import { createLogger } from '../../core/log.ts';
import { HelixServer, type HelixServerOptions } from '../../test/servers/helixServer.ts';
import { HelixClient } from './client.ts';
import { HelixRateLimiter } from './rateLimiter.ts';
import { HelixCollector, type HelixCollectorOptions } from './sweep.ts';

/**
 * A virtual clock for specs: `sleep` moves time forward instead of waiting. Shared by the local
 * Helix server and the collector, so rate-limit waits take no real time.
 */
export interface VirtualClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A {@link VirtualClock} starting at `startMs`. */
export function virtualClock(startMs = Date.parse('2024-05-06T18:00:00Z')): VirtualClock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      nowMs += ms;
      // A macrotask, so sockets make progress while a spec's code waits in virtual time.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

/** A local Helix server and a collector wired to it over HTTP, in virtual time. */
export interface HelixRig {
  readonly server: HelixServer;
  readonly client: HelixClient;
  readonly limiter: HelixRateLimiter;
  readonly collector: HelixCollector;
  readonly clock: VirtualClock;
  close(): Promise<void>;
}

/** Starts a {@link HelixServer} and a collector talking to it; specs call `close()`. */
export async function helixRig(
  serverOptions: HelixServerOptions = {},
  collectorOptions: HelixCollectorOptions = {},
  refillWindowMs = serverOptions.refillWindowMs ?? 60_000,
): Promise<HelixRig> {
  const clock = virtualClock();
  const server = new HelixServer({ clock: clock.now, sleep: clock.sleep, ...serverOptions });
  const base = await server.listen();
  const limiter = new HelixRateLimiter({ clock: clock.now, sleep: clock.sleep, refillWindowMs });
  const client = new HelixClient({
    helixUrl: `${base}/helix`, authUrl: `${base}/oauth2`, clientId: server.clientId, clientSecret: server.clientSecret,
    limiter, sleep: clock.sleep, log: createLogger('helix', 'error'),
  });
  const collector = new HelixCollector(client, { clock: clock.now, ...collectorOptions });
  return { server, client, limiter, collector, clock, close: () => server.close() };
}
