import { ConfigError } from '../../core/errors.ts';
import type { TailStart } from '../../connectors/kafka/tail.ts';
import { TOPICS, type TopicId } from '../../schemas/catalogue.ts';
import { durationOption, parseCommandLine } from '../args.ts';
import { TAIL } from '../commands/tail.ts';
import type { TailFilter } from './render.ts';

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

/**
 * `--since`: a duration before `nowMs` (`90s`, `10m`, `2h`, `7d`) or an ISO 8601 time
 * (`2024-05-01T12:00:00Z`, `2024-05-01`, read as UTC midnight). Epoch ms out.
 * @throws ConfigError naming `since` when it is neither.
 */
export function parseSince(text: string, nowMs: number): number {
  // A bare number is neither: as ms it would start at the end, as epoch seconds it would be a guess.
  if (/^\d+(ms|s|m|h|d)$/.test(text.trim())) return nowMs - durationOption('since', text);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms)) throw new ConfigError('since', `must be a duration like 90s, 10m, 2h or 7d, or an ISO 8601 time, got ${JSON.stringify(text)}`);
  return ms;
}

/**
 * Reads the command line of `tail` (the words after `tail`) through its declaration.
 * @throws UsageError for a missing topic, an unknown option, conflicting start options or bad
 *   numbers; ConfigError for a bad `--since`.
 */
export function tailSettings(argv: readonly string[], nowMs: number): TailSettings {
  const { values, positionals } = parseCommandLine(TAIL, argv);
  const topic = resolveTailTopic(positionals[0]!, values['topic-prefix']);
  const { since, 'from-beginning': fromBeginning } = values;
  const start: TailStart = since !== undefined ? { kind: 'time', timestampMs: parseSince(since, nowMs) } : fromBeginning ? { kind: 'beginning' } : { kind: 'end' };
  const channel = values.channel?.trim().replace(/^#/, '').toLowerCase();
  const kind = values.kind?.trim();
  return {
    topic,
    start,
    filter: { channel: channel || undefined, kind: kind || undefined },
    json: values.json,
    max: values.max,
    idleExitMs: values['exit-when-idle-ms'],
    readUncommitted: values['read-uncommitted'],
  };
}
