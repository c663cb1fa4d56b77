import { ChatIngester, type ChatRecordSink } from '../twitch/chatIngest.ts';
import { LiveTopology } from '../../topology/live.ts';
import type { ChatMessage } from '../../schemas/types.ts';
import { emoteNames } from '../twitch/emoteNames.ts';
import { WallFeed, type StatusUpdate, type WallUpdate } from './feed.ts';

/** Settings of an {@link InProcessWall}. */
export interface InProcessWallOptions {
  /** Shown in the header, e.g. `simulation` or `live: a, b`. */
  readonly mode: string;
  /** Wall clock, epoch ms, for messages per second. */
  readonly clock?: () => number;
  /** The source's current event time (a paced simulation runs its own clock); the wall clock by default. */
  readonly eventClock?: () => number;
}

const RATE_SPAN_MS = 5_000;
const MIN_RATE_SPAN_MS = 1_000;

/**
 * The wall's in-process source: raw chat lines through the parser into the {@link LiveTopology},
 * its records turned into wall updates. Updates gather until {@link flush}; {@link tick} (every
 * second) adds the early updates and the status line's numbers.
 *
 * @example
 * const wall = new InProcessWall((u) => server.publish(u), { mode: 'simulation' });
 * wall.line(raw, Date.now()); wall.flush();
 * setInterval(() => wall.tick(), 1000);
 */
export class InProcessWall {
  readonly feed: WallFeed;
  readonly topology: LiveTopology;
  private readonly ingester: ChatIngester;
  private readonly clock: () => number;
  private readonly samples: Array<[number, number]> = [];
  private pending: WallUpdate[] = [];
  /** The latest status, from the last {@link tick}. */
  status: StatusUpdate | undefined;

  constructor(private readonly publish: (updates: WallUpdate[]) => void, private readonly options: InProcessWallOptions) {
    this.clock = options.clock ?? Date.now;
    const eventClock = options.eventClock ?? this.clock;
    this.feed = new WallFeed(eventClock);
    this.topology = new LiveTopology((record) => this.pending.push(...this.feed.live(record)));
    const topology = this.topology;
    const feed = this.feed;
    const sink: ChatRecordSink & { stats: LiveTopology['stats'] } = {
      stats: topology.stats,
      message(m: ChatMessage, raw) {
        if (m.emotes.length > 0) for (const [id, name] of emoteNames(String(raw), m.text)) feed.nameEmote(id, name);
        topology.message(m);
      },
      event: (e) => topology.event(e),
      moderation: () => undefined,
      malformed: () => undefined,
    };
    this.ingester = new ChatIngester(sink);
  }

  /** Chat messages parsed so far. */
  get messages(): number {
    return this.ingester.stats.messages;
  }

  /** One raw IRC line; its updates wait for {@link flush}. */
  line(raw: string, receivedAtMs: number): void {
    this.ingester.line(raw, receivedAtMs);
  }

  /** Publishes the updates gathered since the last flush. */
  flush(): void {
    if (this.pending.length === 0) return;
    const updates = this.pending;
    this.pending = [];
    this.publish(updates);
  }

  /** Early updates, a fresh status and the ad windows whose state changed, published at once; returns the status. */
  tick(): StatusUpdate {
    this.topology.tick();
    const now = this.clock();
    this.samples.push([now, this.messages]);
    while (this.samples.length > 2 && now - this.samples[0]![0] > RATE_SPAN_MS) this.samples.shift();
    const [t0, m0] = this.samples[0]!;
    // Over less than a second (the first ticks, or one that came late behind a backlog) the
    // rate is noise: keep the previous figure.
    const perSec = now - t0 >= MIN_RATE_SPAN_MS ? ((this.messages - m0) * 1000) / (now - t0) : (this.status?.messagesPerSec ?? 0);
    const status = this.feed.setStatus({
      mode: this.options.mode,
      nowMs: (this.options.eventClock ?? this.clock)(),
      messagesPerSec: Math.round(perSec * 10) / 10,
      windowsOut: this.topology.windowsOut,
      hypes: this.topology.hypesInProgress.map((h) => `#${h.channel} ${Math.round(h.ratePerMin)}/min${h.alert ? ' ALERT' : ''}`),
    });
    this.status = status;
    // Ad windows that the passing time moved (soon, now, passed) go out with the status.
    this.pending.push(status, ...this.feed.due());
    this.flush();
    return status;
  }
}
