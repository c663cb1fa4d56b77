import { isUtf8 } from 'node:buffer';
import { IrcParseError, PulseError, messageOf } from '../../core/errors.ts';
import type { ChatEvent, ChatMessage, DeadLetter, Moderation } from '../../schemas/types.ts';
import { parseChatLine } from './chatRecord.ts';

/** Where encoded records go: the tiny interface a buffered Kafka producer satisfies. */
export interface RecordOutput {
  /** Accepts a record; false when it cannot (buffer full). */
  enqueue(topic: string, key: string, value: Buffer): boolean;
}

/** Topic names and synchronous Avro encoders for what ingestion writes. */
export interface IngestTargets {
  readonly messages: { readonly topic: string; readonly encode: (v: unknown) => Buffer };
  readonly events: { readonly topic: string; readonly encode: (v: unknown) => Buffer };
  readonly moderation: { readonly topic: string; readonly encode: (v: unknown) => Buffer };
  readonly deadLetter: { readonly topic: string; readonly encode: (v: unknown) => Buffer };
}

/** Counters of one ingestion run. `events` counts USERNOTICE lines by the msg-id Twitch sent. */
export interface IngestStats {
  lines: number;
  messages: number;
  events: Record<string, number>;
  eventTotal: number;
  moderation: number;
  control: number;
  malformed: number;
  cheers: number;
  bits: number;
  /** Records the output refused (its buffer was full): lost, and logged as errors. */
  refused: number;
}

/** Fresh zeroed counters. */
export function emptyIngestStats(): IngestStats {
  return { lines: 0, messages: 0, events: {}, eventTotal: 0, moderation: 0, control: 0, malformed: 0, cheers: 0, bits: 0, refused: 0 };
}

/** Where typed chat records go; Kafka for ingestion, the in-process operators for `analyze`. */
export interface ChatRecordSink {
  message(value: ChatMessage, raw: string | Buffer, receivedAtMs: number): void;
  event(value: ChatEvent, raw: string | Buffer, receivedAtMs: number): void;
  moderation(value: Moderation, raw: string | Buffer, receivedAtMs: number): void;
  /** A line that is not valid IRC, not UTF-8 or not a usable chat line. */
  malformed(raw: Buffer, error: unknown, receivedAtMs: number): void;
}

/**
 * Turns raw Twitch IRC lines into typed chat records and counts them. A line that is not valid
 * IRC, not valid UTF-8 or not a usable chat line goes to the sink's `malformed` with the reason
 * and the raw bytes; nothing is dropped and nothing throws.
 *
 * Live chat (tmi.js), replayed files and `analyze` all go through here, so all see the same records.
 *
 * @example
 * const ingest = new ChatIngester(kafkaRecordSink(producer, targets, 'replay'));
 * ingest.line(Buffer.from(raw), Date.now());
 */
export class ChatIngester {
  readonly stats: IngestStats;

  constructor(private readonly sink: ChatRecordSink & { readonly stats?: IngestStats }) {
    this.stats = sink.stats ?? emptyIngestStats();
  }

  /** Ingests one line (without its line ending); `receivedAtMs` is when it was read. */
  line(raw: string | Buffer, receivedAtMs: number): void {
    this.stats.lines++;
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if (isUtf8(raw)) text = raw.toString('utf8');
    else {
      this.stats.malformed++;
      this.sink.malformed(raw, new IrcParseError('line is not valid UTF-8', raw.toString('latin1')), receivedAtMs);
      return;
    }
    let record;
    try {
      record = parseChatLine(text, receivedAtMs);
    } catch (error) {
      this.stats.malformed++;
      this.sink.malformed(typeof raw === 'string' ? Buffer.from(raw) : raw, error, receivedAtMs);
      return;
    }
    switch (record.kind) {
      case 'message': {
        const m = record.value;
        this.stats.messages++;
        if (m.bits > 0) {
          this.stats.cheers++;
          this.stats.bits += m.bits;
        }
        this.sink.message(m, raw, receivedAtMs);
        break;
      }
      case 'event': {
        const e = record.value;
        const key = e.msgId === '' ? 'unknown' : e.msgId;
        this.stats.events[key] = (this.stats.events[key] ?? 0) + 1;
        this.stats.eventTotal++;
        this.sink.event(e, raw, receivedAtMs);
        break;
      }
      case 'moderation':
        this.stats.moderation++;
        this.sink.moderation(record.value, raw, receivedAtMs);
        break;
      case 'control':
        this.stats.control++;
        break;
    }
  }
}

/**
 * The sink that writes Avro records to the raw chat topics, and dead letters (with reason and raw
 * bytes) to the dead-letter topic. A record its encoder refuses is dead-lettered too.
 */
export function kafkaRecordSink(out: RecordOutput, targets: IngestTargets, stage: string): ChatRecordSink & { readonly stats: IngestStats } {
  const stats = emptyIngestStats();
  const deadLetter = (raw: Buffer, error: unknown, occurredAtMs: number) => {
    const letter: DeadLetter = {
      stage,
      errorCode: error instanceof PulseError ? error.code : 'UNEXPECTED',
      reason: messageOf(error),
      sourceTopic: null,
      sourcePartition: null,
      sourceOffset: null,
      channel: channelHint(raw),
      raw,
      occurredAtMs,
    };
    if (!out.enqueue(targets.deadLetter.topic, letter.channel ?? '', targets.deadLetter.encode(letter))) stats.refused++;
  };
  const emit = (target: IngestTargets[keyof IngestTargets], key: string, value: unknown, raw: string | Buffer, at: number) => {
    let bytes: Buffer;
    try {
      bytes = target.encode(value);
    } catch (error) {
      stats.malformed++;
      deadLetter(typeof raw === 'string' ? Buffer.from(raw) : raw, error, at);
      return;
    }
    if (!out.enqueue(target.topic, key, bytes)) stats.refused++;
  };
  return {
    stats,
    message: (m, raw, at) => emit(targets.messages, m.roomId, m, raw, at),
    event: (e, raw, at) => emit(targets.events, e.roomId, e, raw, at),
    moderation: (m, raw, at) => emit(targets.moderation, m.roomId || m.channel, m, raw, at),
    malformed: deadLetter,
  };
}

// The channel of a broken line, when one can still be seen in it, to key its dead letter.
function channelHint(raw: Buffer): string | null {
  const hash = raw.indexOf(' #');
  if (hash === -1) return null;
  let end = hash + 2;
  while (end < raw.length && end - hash < 64 && raw[end] !== 32) end++;
  const name = raw.toString('latin1', hash + 2, end);
  return /^[a-z0-9_]{1,40}$/.test(name) ? name : null;
}
