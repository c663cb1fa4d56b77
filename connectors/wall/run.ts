import { Pacer } from '../simulator/pacer.ts';
import { InProcessWall } from './inProcess.ts';
import { WallServer } from './server.ts';

/** A wall served from the in-process topology. */
export interface RunningWall {
  readonly url: string;
  readonly wall: InProcessWall;
  readonly server: WallServer;
  /** Stops feeding, ticking and serving. */
  close(): Promise<void>;
}

/** Settings of {@link serveInProcessWall}. */
export interface ServeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly mode: string;
  /** The source's clock for open windows (a paced simulation's event time); wall clock by default. */
  readonly eventClock?: () => number;
  /** Early updates and status every this many ms (1000). */
  readonly tickMs?: number;
}

/**
 * Serves the wall on the in-process topology and ticks it (early updates, status) every
 * second. The caller feeds lines into `wall` (see {@link feedPaced} for a simulation); a first
 * `wall.tick()` right after a backlog keeps the backlog out of the messages-per-second figure.
 * @throws UnavailableError when the port cannot be bound.
 */
export async function serveInProcessWall(options: ServeOptions): Promise<RunningWall> {
  let server: WallServer | undefined;
  const wall = new InProcessWall((updates) => server?.publish(updates), { mode: options.mode, eventClock: options.eventClock });
  server = new WallServer({ host: options.host, port: options.port, snapshot: () => wall.feed.snapshot() });
  const url = await server.listen();
  const ticker = setInterval(() => wall.tick(), options.tickMs ?? 1_000);
  return {
    url, wall, server,
    async close() {
      clearInterval(ticker);
      await server.close();
    },
  };
}

/**
 * Feeds raw lines into the wall paced in real time by their `tmi-sent-ts` (`speed` times
 * faster), pumping every `pumpMs`; returns a function that stops it.
 */
export function feedPaced(wall: InProcessWall, pacer: Pacer, pumpMs = 100, clock: () => number = Date.now): () => void {
  const pump = () => {
    pacer.pump(clock(), (line) => wall.line(line, clock()));
    wall.flush();
    if (pacer.done) clearInterval(timer);
  };
  const timer = setInterval(pump, pumpMs);
  pump();
  return () => clearInterval(timer);
}
