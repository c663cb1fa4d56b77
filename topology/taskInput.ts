/**
 * One fetched batch of a partition packed for a task thread: every record value copied once into
 * a single buffer that is transferred, not cloned, with its offset.
 */
export interface TaskInput {
  readonly offsets: Float64Array;
  /** Length of each value in `bytes`; -1 for a record without a value. */
  readonly lengths: Int32Array;
  readonly bytes: Uint8Array;
}

/** A record as Kafka clients hand it over: offset as a decimal string, value possibly null. */
export interface FetchedRecord {
  readonly offset: string;
  readonly value: Buffer | null;
}

/** Packs the records at or after `fromOffset` (earlier ones are already reflected in results). */
export function packTaskInput(records: readonly FetchedRecord[], fromOffset: number): TaskInput {
  const kept: FetchedRecord[] = [];
  let size = 0;
  for (const r of records) {
    if (Number(r.offset) < fromOffset) continue;
    kept.push(r);
    size += r.value ? r.value.length : 0;
  }
  const offsets = new Float64Array(kept.length);
  const lengths = new Int32Array(kept.length);
  const bytes = new Uint8Array(size);
  let at = 0;
  kept.forEach((r, i) => {
    offsets[i] = Number(r.offset);
    if (!r.value) {
      lengths[i] = -1;
      return;
    }
    bytes.set(r.value, at);
    lengths[i] = r.value.length;
    at += r.value.length;
  });
  return { offsets, lengths, bytes };
}

/** Every record's value as a view of the packed buffer (no copy), in offset order. */
export function taskInputValues(input: TaskInput): Array<Buffer | null> {
  const all = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.length);
  const values = new Array<Buffer | null>(input.offsets.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const length = input.lengths[i]!;
    values[i] = length < 0 ? null : all.subarray(at, (at += length));
  }
  return values;
}

/** The buffers of an input, to transfer when posting it to a thread. */
export function taskInputTransfer(input: TaskInput): ArrayBuffer[] {
  return [input.offsets.buffer, input.lengths.buffer, input.bytes.buffer] as ArrayBuffer[];
}
