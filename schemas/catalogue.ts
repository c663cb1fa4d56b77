import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Day in milliseconds, for retention figures. */
const DAY_MS = 24 * 60 * 60 * 1000;

/** One Kafka topic of twitch-pulse: what it holds and how Kafka keeps it. */
export interface TopicSpec {
  /** Topic name in Kafka. */
  readonly name: string;
  /** What the record key is; every key is a UTF-8 string. */
  readonly key: string;
  /** File under `schemas/avro/` with the value schema. */
  readonly schemaFile: string;
  readonly partitions: number;
  /** `retention.ms`; -1 keeps forever. */
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  /** `max.message.bytes` when a record may exceed the broker's default (1 MiB), e.g. checkpoints. */
  readonly maxMessageBytes?: number;
  /** What the topic is for, in one line. */
  readonly doc: string;
}

/** The logical name each part of the code uses to refer to a topic. */
export type TopicId =
  | 'chatMessages'
  | 'chatEvents'
  | 'moderation'
  | 'streamSnapshots'
  | 'deadLetter'
  | 'lateRecords'
  | 'chatRates'
  | 'subActivity'
  | 'subBursts'
  | 'hype'
  | 'hypeStarts'
  | 'adWindows'
  | 'categoryChanges'
  | 'clips';

// Raw chat is spread over 6 partitions so up to 6 topology instances share the work; derived
// topics are small and need fewer.
const RAW_PARTITIONS = 6;
const DERIVED_PARTITIONS = 3;

/**
 * Every topic of twitch-pulse. Keys are the channel's room id for chat and derived chat
 * records (so one channel's records stay in order on one partition) and the broadcaster's
 * user id for Helix records.
 */
export const TOPICS: Readonly<Record<TopicId, TopicSpec>> = Object.freeze({
  chatMessages: {
    name: 'twitch.chat.messages', key: 'room id', schemaFile: 'chat-message.avsc',
    partitions: RAW_PARTITIONS, retentionMs: 7 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Every PRIVMSG, typed.',
  },
  chatEvents: {
    name: 'twitch.chat.events', key: 'room id', schemaFile: 'chat-event.avsc',
    partitions: RAW_PARTITIONS, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Every USERNOTICE: subs, gifts, raids, announcements, unknown kinds with raw tags.',
  },
  moderation: {
    name: 'twitch.chat.moderation', key: 'room id', schemaFile: 'moderation.avsc',
    partitions: RAW_PARTITIONS, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'CLEARCHAT (timeouts, bans, clears) and CLEARMSG.',
  },
  streamSnapshots: {
    name: 'twitch.helix.stream-snapshots', key: 'user id', schemaFile: 'stream-snapshot.avsc',
    partitions: RAW_PARTITIONS, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'One record per live stream per Helix sweep.',
  },
  deadLetter: {
    name: 'pulse.dead-letter', key: 'source key, when any', schemaFile: 'dead-letter.avsc',
    partitions: 1, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Inputs and records that could not be processed, with the reason and the raw bytes.',
  },
  lateRecords: {
    name: 'pulse.late-records', key: 'room id', schemaFile: 'late-record.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Records that arrived after their window closed.',
  },
  chatRates: {
    name: 'pulse.chat-rates', key: 'room id', schemaFile: 'chat-rate.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Chat activity per channel and tumbling window.',
  },
  subActivity: {
    name: 'pulse.sub-activity', key: 'room id', schemaFile: 'sub-activity.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Subscriptions per channel and tumbling window.',
  },
  subBursts: {
    name: 'pulse.sub-bursts', key: 'room id', schemaFile: 'sub-burst.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Bursts of subscriptions from distinct users.',
  },
  hype: {
    name: 'pulse.hype', key: 'room id', schemaFile: 'hype.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Chat rate far above the channel baseline: begin, peak, end.',
  },
  hypeStarts: {
    name: 'pulse.hype-starts', key: 'room id', schemaFile: 'hype-start.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'The moment each hype begins, as soon as its first bucket closes (alerts).',
  },
  adWindows: {
    name: 'pulse.ad-windows', key: 'room id', schemaFile: 'ad-window.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 90 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Moments to run an ad, with score and reason.',
  },
  categoryChanges: {
    name: 'pulse.category-changes', key: 'user id', schemaFile: 'category-change.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 365 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Category switches between Helix sweeps, with compliance risk.',
  },
  clips: {
    name: 'twitch.helix.clips', key: 'user id', schemaFile: 'clip.avsc',
    partitions: DERIVED_PARTITIONS, retentionMs: 365 * DAY_MS, cleanupPolicy: 'delete',
    doc: 'Viewer clips of a channel with the broadcast moment each shows (helix clips).',
  },
});

/** All topic specs, in catalogue order. */
export const ALL_TOPICS: readonly TopicSpec[] = Object.freeze(Object.values(TOPICS));

/** Subject of a topic's value schema (Confluent TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

const AVRO_DIR = fileURLToPath(new URL('./avro/', import.meta.url));

/** The value schema of a topic, parsed from its `.avsc` file. */
export function loadSchema(spec: Pick<TopicSpec, 'schemaFile'>): Record<string, unknown> {
  return JSON.parse(readFileSync(AVRO_DIR + spec.schemaFile, 'utf8')) as Record<string, unknown>;
}
