import { ConfigError, UsageError } from '../../core/errors.ts';
import type { TailStart } from '../../connectors/kafka/tail.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import type { ParsedArgs } from '../args.ts';
import { stringOption } from '../args.ts';
import type { TailFilter } from './render.ts';

/** Usage of `twitch-pulse tail`. */
export const TAIL_USAGE = 'usage: twitch-pulse tail TOPIC|ID [--topic-prefix P] [--channel LOGIN] [--kind K] [--since 10m|ISO-TIME | --from-beginning] [--json] [--max N] [--exit-when-idle-ms N] [--read-uncommitted]';

/** The topic to tail: its name in Kafka and, when it is a catalogue topic, its id. */
export interface TailTopic {
  readonly name: string;
  readonly id: TopicId | null;
}

/** Everything `tail` was asked to do. */
export interface TailSettings {
  readonly topic: TailTopic;
  readonly start: TailStart;
  readonly filter: TailFilter;
  readonly json: boolean;
  /** Stop after printing this many records. */
  readonly max?: number;
  /** Stop after this long without any record, ms. */
  readonly idleExitMs?: number;
  readonly readUncommitted: boolean;
}

/** Flags of `tail` that take no value. */
export const TAIL_FLAGS = ['json', 'from-beginning', 'read-uncommitted'] as const;

/**
 * The Kafka topic for a catalogue id (`hype`) or name (`pulse.hype`), with `prefix` in front
 * as the other commands' `--topic-prefix` puts it; any other name is taken as it is.
 *
 * @example resolveTailTopic('hype', 'it-') // { name: 'it-pulse.hype', id: 'hype' }
 */
export function resolveTailTopic(arg: string, prefix = ''): TailTopic {
  if (Object.hasOwn(TOPICS, arg)) return { name: `${prefix}${TOPICS[arg as TopicId].name}`, id: arg as TopicId };
  for (const [id, spec] of Object.entries(TOPICS) as Array<[TopicId, { name: string }]>) {
    if (arg === spec.name || arg === `${prefix}${spec.name}`) return { name: `${prefix}${spec.name}`, id };
  }
  return { name: arg, id: null };
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `--since`: a duration before `nowMs` (`90s`, `10m`, `2h`, `7d`) or an ISO 8601 time
 * (`2024-05-01T12:00:00Z`, `2024-05-01`, read as UTC midnight). Epoch ms out.
 * @throws ConfigError naming `since` when it is neither.
 */
export function parseSince(text: string, nowMs: number): number {
  const duration = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (duration) return nowMs - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms)) throw new ConfigError('since', `must be a duration like 90s, 10m, 2h or 7d, or an ISO 8601 time, got ${JSON.stringify(text)}`);
  return ms;
}

function wholeNumber(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number >= 1, got ${JSON.stringify(text)}\n${TAIL_USAGE}`);
  return n;
}

/**
 * Reads the command line of `tail` (already split by `parseArgs` with {@link TAIL_FLAGS}).
 * @throws UsageError for a missing topic, conflicting start options or bad numbers;
 *   ConfigError for a bad `--since`.
 */
export function tailSettings(args: ParsedArgs, nowMs: number): TailSettings {
  if (args.positionals.length !== 1) throw new UsageError(TAIL_USAGE);
  const topic = resolveTailTopic(args.positionals[0]!, stringOption(args, 'topic-prefix', ''));
  const since = stringOption(args, 'since');
  const fromBeginning = args.options.has('from-beginning');
  if (since !== undefined && fromBeginning) throw new UsageError(`--since and --from-beginning exclude each other\n${TAIL_USAGE}`);
  const start: TailStart = since !== undefined ? { kind: 'time', timestampMs: parseSince(since, nowMs) } : fromBeginning ? { kind: 'beginning' } : { kind: 'end' };
  const channel = stringOption(args, 'channel')?.trim().replace(/^#/, '').toLowerCase();
  const kind = stringOption(args, 'kind')?.trim();
  for (const name of args.options.keys()) {
    if (!['topic-prefix', 'since', 'channel', 'kind', 'max', 'exit-when-idle-ms', ...TAIL_FLAGS].includes(name)) throw new UsageError(`unknown option --${name}\n${TAIL_USAGE}`);
  }
  return {
    topic,
    start,
    filter: { channel: channel || undefined, kind: kind || undefined },
    json: args.options.has('json'),
    max: wholeNumber(args, 'max'),
    idleExitMs: wholeNumber(args, 'exit-when-idle-ms'),
    readUncommitted: args.options.has('read-uncommitted'),
  };
}
