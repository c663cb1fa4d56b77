import { endpointsFromEnv } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { Pacer } from '../connectors/simulator/pacer.ts';
import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';
import { chatSource, chatSourceOptionsFromEnv, normaliseChannels } from '../connectors/twitch/chatSource.ts';
import { WallFeed, type StatusUpdate } from '../connectors/wall/feed.ts';
import { feedPaced, serveInProcessWall, type RunningWall } from '../connectors/wall/run.ts';
import { WallServer } from '../connectors/wall/server.ts';
import { parseCommandLine, type OptionValues } from './args.ts';
import { START, WALL } from './commands/wall.ts';

// The simulation starts this far in the past: it arrives as history at once (sparklines full,
// hype baselines warm), then goes on in real time.
const HISTORY_MS = 5 * 60_000;

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** The status line: messages per second in, windows out, hypes in progress. */
export function statusLine(s: Pick<StatusUpdate, 'messagesPerSec' | 'windowsOut' | 'hypes'>, extra = ''): string {
  const hype = s.hypes.length ? s.hypes.join(', ') : 'none';
  return `${s.messagesPerSec.toFixed(1).padStart(7)} msgs/s in  ${s.windowsOut.toLocaleString('en-US').padStart(7)} windows out  hype: ${hype}${extra}`;
}

/** Redraws the status in place on a terminal, else writes a line every `logEveryMs`. */
function statusPrinter(logEveryMs: number): { print(line: string): void; end(): void } {
  const tty = Boolean(process.stdout.isTTY);
  let last = -Infinity;
  return {
    print(line) {
      if (tty) process.stdout.write(`\r${line.slice(0, (process.stdout.columns || 200) - 1)}\x1b[K`);
      else if (Date.now() - last >= logEveryMs) {
        last = Date.now();
        process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      }
    },
    end() {
      if (tty) process.stdout.write('\n');
    },
  };
}

/** A wall being fed: `begin` starts the feed and returns how to stop it. */
interface Feeding {
  readonly running: RunningWall;
  readonly mode: string;
  readonly begin: () => () => void;
  /** Extra status text, e.g. how many channels are joined. */
  readonly extra: () => string;
}

async function simulationFeeding(values: OptionValues<typeof START.options>, listen: { host: string; port: number }): Promise<Feeding> {
  const { speed, seed, 'sim-channels': count } = values;
  const now = Date.now();
  const lines = simulateChat({
    channels: simulatedChannels(count), startMs: now - HISTORY_MS, durationMs: 365 * 86_400_000, seed,
    burstChancePerSecond: 1 / 240, giftBombChancePerSecond: 1 / 300, raidChancePerSecond: 1 / 1200,
  });
  const pacer = new Pacer(lines[Symbol.iterator](), { speed, startEventMs: now, startWallMs: now });
  const mode = `simulation of ${count} channels, ${speed === 1 ? 'real time' : `${speed}× real time`}`;
  const running = await serveInProcessWall({ ...listen, mode, eventClock: () => pacer.eventTimeAt(Date.now()) });
  return {
    running, mode, extra: () => '',
    begin() {
      const stop = feedPaced(running.wall, pacer);
      running.wall.tick();
      return stop;
    },
  };
}

async function liveFeeding(channels: readonly string[], listen: { host: string; port: number }): Promise<Feeding> {
  const mode = `live: ${channels.map((c) => `#${c}`).join(' ')}`;
  const running = await serveInProcessWall({ ...listen, mode });
  const log = createLogger('start');
  let joined = 0;
  return {
    running, mode, extra: () => `  joined ${joined}/${channels.length}`,
    begin() {
      const subscription = chatSource(chatSourceOptionsFromEnv(channels), (n) => {
        if (n.kind === 'joined') joined++;
        if (n.kind === 'join_failed') log.warn('channel not joined', { channel: n.channel, reason: n.reason });
      }).subscribe((raw) => running.wall.line(raw.line, raw.receivedAtMs));
      const flusher = setInterval(() => running.wall.flush(), 200);
      return () => {
        clearInterval(flusher);
        subscription.unsubscribe();
      };
    },
  };
}

/**
 * `twitch-pulse start [--speed N] [--seed S] [--channels a,b] [--port 8787] [--host 127.0.0.1]`:
 * the embedded default. The whole topology in-process, no servers, on the built-in simulation
 * of five channels paced in real time (or `--speed` times faster), or on live channels through
 * tmi.js; serves the live wall, prints its URL and a status line until Ctrl-C.
 */
export async function startCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(START, argv);
  const listen = { host: values.host, port: values.port };
  const channels = values.channels ? normaliseChannels(values.channels) : [];
  if (values.channels !== undefined && channels.length === 0) throw new UsageError('--channels needs at least one channel login');
  const logEveryMs = values['status-every'] * 1000;
  const feeding = channels.length ? await liveFeeding(channels, listen) : await simulationFeeding(values, listen);
  const { running } = feeding;

  console.log(`live wall: ${running.url}`);
  console.log(channels.length ? `reading live chat of ${channels.join(', ')}; Ctrl-C to stop` : `${feeding.mode} (--speed N for faster, --channels a,b for live Twitch); Ctrl-C to stop`);
  // The URL goes out first: the simulation's history takes a moment to go through.
  const stopFeed = feeding.begin();
  const printer = statusPrinter(logEveryMs);
  const show = () => printer.print(statusLine(running.wall.status ?? { messagesPerSec: 0, windowsOut: 0, hypes: [] }, feeding.extra()));
  show();
  const printing = setInterval(show, 1_000);
  await untilSignal();
  clearInterval(printing);
  stopFeed();
  await running.close();
  printer.end();
  console.log(`stopped: ${running.wall.messages.toLocaleString('en-US')} messages, ${running.wall.topology.windowsOut.toLocaleString('en-US')} windows`);
  return 0;
}

/**
 * `twitch-pulse wall [--port 8787] [--host 127.0.0.1] [--lookback 5m] [--topic-prefix P] [--demo …]`:
 * the live wall on the derived topics in Kafka (committed records, no offsets committed), or
 * with `--demo` on the in-process topology like `start`.
 */
export async function wallCommand(argv: readonly string[]): Promise<number> {
  const { values, given } = parseCommandLine(WALL, argv);
  if (values.demo) {
    const kafkaOnly = ['lookback', 'topic-prefix'].filter((name) => given.has(name));
    if (kafkaOnly.length > 0) throw new UsageError(`--demo reads no Kafka: ${kafkaOnly.map((n) => `--${n}`).join(' and ')} cannot go with it`);
    return startCommand(argv.filter((a) => a !== '--demo'));
  }
  const listen = { host: values.host, port: values.port };
  const lookbackMs = values.lookback;
  const endpoints = endpointsFromEnv();
  // Loaded here so that `start` does not wait for the Kafka and registry clients it never uses.
  const [{ createKafka }, { KafkaWallSource }, { AvroSerde }] = await Promise.all([
    import('../connectors/kafka/client.ts'), import('../connectors/wall/kafkaSource.ts'), import('../schemas/serde.ts'),
  ]);
  const feed = new WallFeed(Date.now);
  const server = new WallServer({ ...listen, snapshot: () => feed.snapshot() });
  const source = new KafkaWallSource({
    kafka: createKafka(endpoints.kafkaBrokers, 'twitch-pulse-wall'), serde: AvroSerde.connect(endpoints.registryUrl),
    feed, publish: (u) => server.publish(u), topicPrefix: values['topic-prefix'], lookbackMs,
  });
  await source.start();
  const url = await server.listen();
  console.log(`live wall: ${url}  (Kafka ${endpoints.kafkaBrokers.join(',')}: ${source.topics.join(', ')})`);
  const printer = statusPrinter(values['status-every'] * 1000);
  const tick = setInterval(() => {
    const status = feed.setStatus({ mode: 'kafka', nowMs: Date.now(), messagesPerSec: source.messagesPerSec(), windowsOut: source.stats.windowsOut, hypes: [] });
    server.publish([status, ...feed.due()]);
    printer.print(statusLine(status, `  records ${source.stats.records.toLocaleString('en-US')}${source.stats.skipped ? `, skipped ${source.stats.skipped}` : ''}`));
  }, 1_000);
  await untilSignal();
  clearInterval(tick);
  printer.end();
  await Promise.all([source.stop(), server.close()]);
  return 0;
}
