/**
 * Splits a byte stream into lines (LF, with an optional CR before it removed), yielding each
 * line as a Buffer so invalid UTF-8 can still be seen and kept byte for byte. Yields arrays of
 * lines, one per chunk read, so a fast consumer pays one await per chunk, not per line.
 * A last line without a line ending is yielded too; empty lines are yielded as empty buffers.
 */
export async function* readLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer[]> {
  let rest: Buffer | null = null;
  for await (const chunk of source) {
    const data: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf: Buffer = rest ? Buffer.concat([rest, data]) : data;
    const lines: Buffer[] = [];
    let start = 0;
    let nl = buf.indexOf(10, start);
    while (nl !== -1) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      lines.push(buf.subarray(start, end));
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    if (lines.length > 0) yield lines;
  }
  if (rest && rest.length > 0) yield [rest[rest.length - 1] === 13 ? rest.subarray(0, rest.length - 1) : rest];
}

const TS_TAG = Buffer.from('tmi-sent-ts=');

/** The `tmi-sent-ts` of a raw line in epoch ms, or null; reads bytes, parses nothing else. */
export function sentTimestampOf(line: Buffer): number | null {
  const at = line.indexOf(TS_TAG);
  if (at === -1) return null;
  let n = 0;
  let i = at + TS_TAG.length;
  const start = i;
  for (; i < line.length && i - start < 16; i++) {
    const c = line[i]! - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return i > start ? n : null;
}
