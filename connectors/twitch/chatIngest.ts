import { isUtf8 } from 'node:buffer';
import { IrcParseError, PulseError, messageOf } from '../../core/errors.ts';
import type { DeadLetter } from '../../schemas/types.ts';
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

/**
 * Turns raw Twitch IRC lines into Avro records on the raw chat topics. A line that is not valid
 * IRC, not valid UTF-8 or not a usable chat line becomes a dead letter with the reason and the
 * raw bytes; nothing is dropped and nothing throws.
 *
 * Live chat (tmi.js) and replayed files both go through here, so both produce the same records.
 *
 * @example
 * const ingest = new ChatIngester(producer, targets, 'replay');
 * ingest.line(Buffer.from(raw), Date.now());
 */
export class ChatIngester {
  readonly stats: IngestStats = emptyIngestStats();

  constructor(
    private readonly out: RecordOutput,
    private readonly targets: IngestTargets,
    private readonly stage: string,
  ) {}

  /** Ingests one line (without its line ending); `receivedAtMs` is when it was read. */
  line(raw: string | Buffer, receivedAtMs: number): void {
    this.stats.lines++;
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if (isUtf8(raw)) text = raw.toString('utf8');
    else {
      this.deadLetter(raw, new IrcParseError('line is not valid UTF-8', raw.toString('latin1')), receivedAtMs);
      return;
    }
    let record;
    try {
      record = parseChatLine(text, receivedAtMs);
    } catch (error) {
      this.deadLetter(typeof raw === 'string' ? Buffer.from(raw) : raw, error, receivedAtMs);
      return;
    }
    const t = this.targets;
    switch (record.kind) {
      case 'message': {
        const m = record.value;
        this.stats.messages++;
        if (m.bits > 0) {
          this.stats.cheers++;
          this.stats.bits += m.bits;
        }
        this.emit(t.messages.topic, m.roomId, t.messages.encode, m, raw, receivedAtMs);
        break;
      }
      case 'event': {
        const e = record.value;
        const key = e.msgId === '' ? 'unknown' : e.msgId;
        this.stats.events[key] = (this.stats.events[key] ?? 0) + 1;
        this.stats.eventTotal++;
        this.emit(t.events.topic, e.roomId, t.events.encode, e, raw, receivedAtMs);
        break;
      }
      case 'moderation':
        this.stats.moderation++;
        this.emit(t.moderation.topic, record.value.roomId || record.value.channel, t.moderation.encode, record.value, raw, receivedAtMs);
        break;
      case 'control':
        this.stats.control++;
        break;
    }
  }

  private emit(topic: string, key: string, encode: (v: unknown) => Buffer, value: unknown, raw: string | Buffer, receivedAtMs: number): void {
    let bytes: Buffer;
    try {
      bytes = encode(value);
    } catch (error) {
      this.deadLetter(typeof raw === 'string' ? Buffer.from(raw) : raw, error, receivedAtMs);
      return;
    }
    if (!this.out.enqueue(topic, key, bytes)) this.stats.refused++;
  }

  private deadLetter(raw: Buffer, error: unknown, occurredAtMs: number): void {
    this.stats.malformed++;
    const letter: DeadLetter = {
      stage: this.stage,
      errorCode: error instanceof PulseError ? error.code : 'UNEXPECTED',
      reason: messageOf(error),
      sourceTopic: null,
      sourcePartition: null,
      sourceOffset: null,
      channel: channelHint(raw),
      raw,
      occurredAtMs,
    };
    const t = this.targets.deadLetter;
    if (!this.out.enqueue(t.topic, letter.channel ?? '', t.encode(letter))) this.stats.refused++;
  }
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
