import { setTimeout as sleepMs } from 'node:timers/promises';
import type { Endpoints } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/log.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { CategoryChange } from '../../schemas/types.ts';
import { CategorySwitches, type CategorySwitchOptions } from '../../topology/categorySwitches.ts';
import { createTopics } from '../kafka/admin.ts';
import { BufferedProducer } from '../kafka/bufferedProducer.ts';
import { createKafka } from '../kafka/client.ts';
import { createRecordSender } from '../kafka/recordSender.ts';
import type { HelixCollector, SweepFilter, SweepResult } from './sweep.ts';

/** Topic names the Helix sweep writes to; the catalogue's by default (tests use their own). */
export interface HelixTopicNames {
  readonly snapshots: string;
  readonly categoryChanges: string;
}

/** The catalogue's Helix topics. */
export const DEFAULT_HELIX_TOPICS: HelixTopicNames = Object.freeze({
  snapshots: TOPICS.streamSnapshots.name,
  categoryChanges: TOPICS.categoryChanges.name,
});

/** What one sweep produced. */
export interface PublishedSweep {
  readonly sweep: SweepResult;
  readonly changes: readonly CategoryChange[];
}

/** Settings of {@link runHelixSweeps}. */
export interface HelixSweepLoopOptions {
  readonly filter?: SweepFilter;
  /** Time from one sweep's start to the next one's, ms; default 60,000. */
  readonly everyMs?: number;
  /** Stop after this many sweeps; default: until `signal` aborts. */
  readonly sweeps?: number;
  readonly signal?: AbortSignal;
  readonly topics?: HelixTopicNames;
  readonly switches?: CategorySwitchOptions;
  readonly log?: Logger;
  /** Called before each sweep with its 0-based number (tests script the server here). */
  readonly beforeSweep?: (index: number) => void | Promise<void>;
  /** Called once a sweep's records are acknowledged by Kafka. */
  readonly afterSweep?: (published: PublishedSweep) => void;
  readonly sleep?: (ms: number) => Promise<unknown>;
  readonly clock?: () => number;
}

/**
 * Runs Helix sweeps into Kafka: every sweep's snapshots go to the snapshots topic and the
 * {@link CategorySwitches} operator, applied to consecutive sweeps right here, sends its
 * category changes to the category-changes topic (both Avro, keyed by user id, acks=all).
 *
 * The operator runs in the collector rather than in the Kafka topology because it needs whole
 * sweeps, which only the collector knows the bounds of; its state is the previous sweep, so a
 * restarted collector starts comparing from its first sweep again (a switch made while it was
 * down is not reported).
 *
 * @throws UnavailableError when Kafka or the registry does not answer at start.
 */
export async function runHelixSweeps(
  endpoints: Endpoints,
  collector: HelixCollector,
  options: HelixSweepLoopOptions = {},
): Promise<PublishedSweep[]> {
  const everyMs = options.everyMs ?? 60_000;
  if (!(everyMs >= 0)) throw new ConfigError('every', `must be >= 0 ms, got ${everyMs}`);
  const topics = options.topics ?? DEFAULT_HELIX_TOPICS;
  const log = options.log ?? createLogger('helix');
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms, undefined, { signal: options.signal }).catch(() => undefined));
  const clock = options.clock ?? Date.now;
  const kafka = createKafka(endpoints.kafkaBrokers, 'twitch-pulse-helix');
  const serde = AvroSerde.connect(endpoints.registryUrl);
  await createTopics(kafka, [
    { ...TOPICS.streamSnapshots, name: topics.snapshots },
    { ...TOPICS.categoryChanges, name: topics.categoryChanges },
  ]);
  const encodeSnapshot = await serde.encoder(await serde.registerTopic(TOPICS.streamSnapshots, topics.snapshots));
  const encodeChange = await serde.encoder(await serde.registerTopic(TOPICS.categoryChanges, topics.categoryChanges));
  const producer = new BufferedProducer(createRecordSender(endpoints.kafkaBrokers, 'twitch-pulse-helix'), { log });
  await producer.connect();
  const switches = new CategorySwitches(options.switches);
  const published: PublishedSweep[] = [];
  try {
    for (let i = 0; options.sweeps === undefined || i < options.sweeps; i++) {
      if (options.signal?.aborted) break;
      const startedMs = clock();
      await options.beforeSweep?.(i);
      const sweep = await collector.sweep(options.filter);
      const changes = switches.push(sweep);
      for (const s of sweep.snapshots) {
        while (!producer.enqueue(topics.snapshots, s.userId, encodeSnapshot(s))) await producer.backpressure();
      }
      for (const c of changes) {
        while (!producer.enqueue(topics.categoryChanges, c.userId, encodeChange(c))) await producer.backpressure();
      }
      await producer.flush();
      const result = { sweep, changes };
      published.push(result);
      options.afterSweep?.(result);
      log.info('sweep done', {
        sweepId: sweep.sweepId, streams: sweep.stats.streams, pages: sweep.stats.pages, duplicates: sweep.stats.duplicates,
        recovered: sweep.stats.recovered, loops: sweep.stats.loopsDetected, cursorRestarts: sweep.stats.cursorRestarts,
        categoryChanges: changes.length, tookMs: sweep.finishedAtMs - sweep.startedAtMs,
      });
      const last = options.sweeps !== undefined && i + 1 >= options.sweeps;
      if (!last) await sleep(Math.max(0, startedMs + everyMs - clock()));
    }
  } finally {
    await producer.close();
  }
  return published;
}
