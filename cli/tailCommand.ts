import { endpointsFromEnv } from '../core/config.ts';
import { UsageError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { createKafka } from '../connectors/kafka/client.ts';
import { TailConsumer, type TailRecord } from '../connectors/kafka/tail.ts';
import { AvroSerde } from '../schemas/serde.ts';
import { GENERIC_FORMATTER, TAIL_FORMATTERS } from './tail/formatters.ts';
import { tailSettings } from './tail/options.ts';
import { jsonLine, passes, textLine, type TailOutcome } from './tail/render.ts';

/**
 * Writes a line to stdout, waiting while the pipe is full; resolves at once when `stopped` is
 * (or becomes) true, e.g. the reader of the pipe went away (`tail … | head`).
 */
async function writeLine(line: string, stopped: Promise<void>): Promise<void> {
  if (!process.stdout.write(line + '\n')) await Promise.race([new Promise((resolve) => process.stdout.once('drain', resolve)), stopped]);
}

/**
 * `twitch-pulse tail TOPIC|ID`: prints a topic's records as they arrive, decoded through the
 * schema registry, one line each (record time, partition, offset, key and the kind's main
 * fields) or one JSON object each (`--json`). Starts at the end unless `--from-beginning` or
 * `--since`; filters by `--channel` and `--kind`; stops at `--max N` printed records, after
 * `--exit-when-idle-ms N` without records, or on SIGINT/SIGTERM. Joins a throwaway consumer
 * group and never commits, so no real group is disturbed. A record that does not decode is
 * printed with the reason and tailing goes on.
 */
export async function tailCommand(argv: readonly string[]): Promise<number> {
  const settings = tailSettings(argv, Date.now());
  const formatter = settings.topic.id ? TAIL_FORMATTERS[settings.topic.id] : GENERIC_FORMATTER;
  if (settings.filter.kind !== undefined && !formatter.kinds) throw new UsageError(`--kind: ${settings.topic.name} has no kind to filter by`);
  const endpoints = endpointsFromEnv();
  const log = createLogger('tail').child({ topic: settings.topic.name });
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const stats = { received: 0, printed: 0, filtered: 0, undecodable: 0 };
  let lastRecordMs = Date.now();
  let stopping = false;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  const finish = () => {
    stopping = true;
    resolveFinished();
  };

  const onRecord = async (record: TailRecord): Promise<void> => {
    if (stopping) return;
    stats.received++;
    lastRecordMs = Date.now();
    let outcome: TailOutcome;
    try {
      const decoded = await serde.decode(record.value, { topic: record.topic, partition: record.partition, offset: record.offset });
      outcome = { record, schemaId: decoded.schemaId, value: decoded.value };
    } catch (error) {
      stats.undecodable++;
      outcome = { record, error };
    }
    if (!passes(formatter, outcome, settings.filter)) {
      stats.filtered++;
      return;
    }
    await writeLine(settings.json ? jsonLine(outcome) : textLine(formatter, outcome), finished);
    stats.printed++;
    if (settings.max !== undefined && stats.printed >= settings.max) finish();
  };

  const tail = new TailConsumer({
    kafka: createKafka(endpoints.kafkaBrokers, `twitch-pulse-tail-${process.pid}`),
    topic: settings.topic.name,
    start: settings.start,
    readUncommitted: settings.readUncommitted,
    onRecord,
  });
  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
  process.stdout.on('error', finish);
  let idle: NodeJS.Timeout | undefined;
  try {
    const offsets = await tail.start();
    lastRecordMs = Date.now();
    const idleExitMs = settings.idleExitMs;
    if (idleExitMs !== undefined) idle = setInterval(() => Date.now() - lastRecordMs >= idleExitMs && finish(), 50);
    log.info('tailing', {
      group: tail.groupId,
      from: [...offsets].sort((a, b) => a[0] - b[0]).map(([p, o]) => `${p}@${o}`).join(','),
      readCommitted: !settings.readUncommitted,
    });
    await finished;
  } finally {
    if (idle) clearInterval(idle);
    process.off('SIGINT', finish);
    process.off('SIGTERM', finish);
    await tail.stop();
  }
  log.info('tail stopped', stats);
  return 0;
}
