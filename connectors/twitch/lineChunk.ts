import type { RecordOutput } from './chatIngest.ts';

/** Raw lines and their receive times packed for a worker thread: one transfer, no per-line clone. */
export interface LineChunk {
  readonly seq: number;
  readonly bytes: Uint8Array;
  /** End offset in `bytes` of each line. */
  readonly ends: Uint32Array;
  readonly receivedAtMs: Float64Array;
}

/** Records of one chunk, in the order they were produced, packed the same way. */
export interface RecordChunk {
  readonly seq: number;
  /** Index into the topic list both sides agreed on, per record. */
  readonly topics: Uint8Array;
  readonly keys: string[];
  readonly values: Uint8Array;
  /** End offset in `values` of each record. */
  readonly ends: Uint32Array;
}

// Writes `bytes` at `used` in `target`, or in a copy twice as large when it does not fit.
function append(target: Uint8Array<ArrayBuffer>, used: number, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  let out = target;
  if (used + bytes.length > target.length) {
    out = new Uint8Array(Math.max(target.length * 2, used + bytes.length));
    out.set(target.subarray(0, used));
  }
  out.set(bytes, used);
  return out;
}

/** Collects lines into a {@link LineChunk}, copying each line once. */
export class LineChunkBuilder {
  private bytes = new Uint8Array(1 << 20);
  private used = 0;
  private ends: number[] = [];
  private times: number[] = [];

  get lines(): number {
    return this.ends.length;
  }

  add(line: Buffer, receivedAtMs: number): void {
    this.bytes = append(this.bytes, this.used, line);
    this.used += line.length;
    this.ends.push(this.used);
    this.times.push(receivedAtMs);
  }

  /** The chunk so far, with its own buffers (transferable); the builder starts over. */
  take(seq: number): LineChunk {
    const chunk = { seq, bytes: this.bytes.slice(0, this.used), ends: Uint32Array.from(this.ends), receivedAtMs: Float64Array.from(this.times) };
    this.used = 0;
    this.ends = [];
    this.times = [];
    return chunk;
  }
}

/** Calls `each` with every line of a chunk, as a Buffer view (no copy), and its receive time. */
export function forEachLine(chunk: LineChunk, each: (line: Buffer, receivedAtMs: number) => void): void {
  const all = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.length);
  let start = 0;
  for (let i = 0; i < chunk.ends.length; i++) {
    const end = chunk.ends[i]!;
    each(all.subarray(start, end), chunk.receivedAtMs[i]!);
    start = end;
  }
}

/** A {@link RecordOutput} that packs what it is given into a {@link RecordChunk}; never refuses. */
export class RecordChunkBuilder implements RecordOutput {
  private readonly topicIndex: Map<string, number>;
  private values = new Uint8Array(1 << 20);
  private used = 0;
  private readonly topics: number[] = [];
  private readonly keys: string[] = [];
  private readonly ends: number[] = [];

  constructor(topicNames: readonly string[]) {
    this.topicIndex = new Map(topicNames.map((name, i) => [name, i]));
  }

  enqueue(topic: string, key: string, value: Buffer): boolean {
    const index = this.topicIndex.get(topic);
    if (index === undefined) throw new Error(`no index for topic ${topic}`);
    this.values = append(this.values, this.used, value);
    this.used += value.length;
    this.topics.push(index);
    this.keys.push(key);
    this.ends.push(this.used);
    return true;
  }

  /** The records packed so far; call once. */
  take(seq: number): RecordChunk {
    return { seq, topics: Uint8Array.from(this.topics), keys: this.keys, values: this.values.subarray(0, this.used), ends: Uint32Array.from(this.ends) };
  }
}

/** Hands every record of a chunk to `out` in order, values as views (no copy); returns how many `out` refused. */
export function enqueueRecords(chunk: RecordChunk, topicNames: readonly string[], out: RecordOutput): number {
  const all = Buffer.from(chunk.values.buffer, chunk.values.byteOffset, chunk.values.length);
  let refused = 0;
  let start = 0;
  for (let i = 0; i < chunk.ends.length; i++) {
    const end = chunk.ends[i]!;
    if (!out.enqueue(topicNames[chunk.topics[i]!]!, chunk.keys[i]!, all.subarray(start, end))) refused++;
    start = end;
  }
  return refused;
}

/** The buffers of a chunk, to transfer rather than copy when posting it to another thread. */
export function transferList(chunk: LineChunk | RecordChunk): ArrayBuffer[] {
  const views = 'bytes' in chunk ? [chunk.bytes, chunk.ends, chunk.receivedAtMs] : [chunk.values, chunk.topics, chunk.ends];
  return views.map((v) => v.buffer as ArrayBuffer);
}
