/**
 * One fetched batch of a partition packed for a task thread: the record values copied into a
 * single buffer that is transferred, not cloned, with each value's offset, place and length.
 */
export interface TaskInput {
  readonly offsets: Float64Array;
  /** Where each value starts in `bytes`. */
  readonly starts: Int32Array;
  /** Length of each value in `bytes`; -1 for a record without a value. */
  readonly lengths: Int32Array;
  readonly bytes: Uint8Array;
}

/**
 * A record as Kafka clients hand it over: offset as a decimal string, value possibly null. A
 * record from {@link DecodedRecord} also tells where its value lies in the fetched bytes.
 */
export interface FetchedRecord {
  readonly offset: string;
  readonly value: Buffer | null;
  readonly valueSource?: Buffer;
  readonly valueAt?: number;
  readonly valueLength?: number;
}

/**
 * Packs the records at or after `fromOffset` (earlier ones are already reflected in results).
 * Values lying one after another in the same fetched bytes (a record batch's records) are copied
 * as one span, framing bytes between them included: one copy per record batch instead of a view
 * and a copy per record, which cost the fetching thread about a tenth of its time.
 */
export function packTaskInput(records: readonly FetchedRecord[], fromOffset: number): TaskInput {
  let first = 0;
  while (first < records.length && Number(records[first]!.offset) < fromOffset) first++;
  const count = records.length - first;
  const offsets = new Float64Array(count);
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  // Spans: [source, from, to) runs of values, each copied once; a value's start is relative to its span's.
  const spans: Array<{ source: Uint8Array; from: number; to: number; at: number }> = [];
  let span: { source: Uint8Array; from: number; to: number; at: number } | null = null;
  let size = 0;
  for (let i = 0; i < count; i++) {
    const r = records[first + i]!;
    offsets[i] = Number(r.offset);
    let source: Uint8Array | null;
    let at: number;
    let length: number;
    if (r.valueSource !== undefined) {
      source = r.valueSource;
      at = r.valueAt!;
      length = r.valueLength!;
    } else {
      source = r.value;
      at = 0;
      length = r.value ? r.value.length : -1;
    }
    lengths[i] = length;
    if (length < 0 || source === null) continue;
    if (span === null || span.source !== source || at < span.to) {
      if (span) size += span.to - span.from;
      spans.push((span = { source, from: at, to: at, at: size }));
    }
    starts[i] = span.at + (at - span.from);
    span.to = at + length;
  }
  if (span) size += span.to - span.from;
  const bytes = new Uint8Array(size);
  for (const s of spans) bytes.set(s.source.subarray(s.from, s.to), s.at);
  return { offsets, starts, lengths, bytes };
}

/**
 * An input's values in offset order, each a view of the packed buffer (no copy) made when asked
 * for: views made for a whole batch up front lived as long as the batch, long enough to be
 * promoted to the old generation and collected there.
 */
export class TaskInputValues {
  /** Every value's bytes; the `i`-th is `bytes[startAt(i), startAt(i) + lengthAt(i))`. */
  readonly bytes: Buffer;

  constructor(private readonly input: TaskInput) {
    this.bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.length);
  }

  get length(): number {
    return this.input.offsets.length;
  }

  /** Where the `i`-th record's value begins in {@link bytes}. */
  startAt(i: number): number {
    return this.input.starts[i]!;
  }

  /** The `i`-th record's value length; -1 for a record without one. */
  lengthAt(i: number): number {
    return this.input.lengths[i]!;
  }

  /** The `i`-th record's value as a view; null for a record without one. */
  at(i: number): Buffer | null {
    const length = this.input.lengths[i]!;
    if (length < 0) return null;
    const start = this.input.starts[i]!;
    return this.bytes.subarray(start, start + length);
  }
}

/** The buffers of an input, to transfer when posting it to a thread. */
export function taskInputTransfer(input: TaskInput): ArrayBuffer[] {
  return [input.offsets.buffer, input.starts.buffer, input.lengths.buffer, input.bytes.buffer] as ArrayBuffer[];
}
