import { constants, isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ChatLogEntryError, ChatLogError, IrcParseError, entryWord, messageOf } from '../../core/errors.ts';
import { readLines } from '../replay/lineReader.ts';
import { replay } from '../replay/replay.ts';
import { ChatIngester, emptyIngestStats, type ChatRecordSink, type IngestStats } from '../twitch/chatIngest.ts';
import { chatDownloaderEntries } from './chatDownloader.ts';
import { ChatterinoReader, chatterinoSource } from './chatterino.ts';
import { DETECT_BYTES, detectFormat, isGzip, type ChatLogFormat } from './detect.ts';
import { jsonErrorAt } from './jsonPosition.ts';
import { justlogJsonRawLines, justlogNdjsonRawLine, justlogTextLine } from './justlog.ts';
import { derivedId, type ChatLogEntry } from './records.ts';
import { twitchDownloaderEntries } from './twitchDownloader.ts';

/** Options of {@link readChatLog}. */
export interface ReadChatLogOptions {
  /** The input's path, when it is a file: Chatterino logs take their date and channel from it. */
  readonly fileName?: string;
  /** The channel login for formats whose entries do not name it (chat-downloader; Chatterino on stdin). */
  readonly channel?: string;
  /** Stamps `receivedAtMs` (injected for tests). */
  readonly clock?: () => number;
  /** Awaited after each chunk of lines or entries, with the counts so far: report progress, drain output. */
  readonly backpressure?: (stats: IngestStats) => Promise<void>;
  /** Where warnings and the first reasons for malformed entries go (stderr by default). */
  readonly warn?: (message: string) => void;
  /** How many malformed entries are reported one by one through `warn` (5). */
  readonly reasonsShown?: number;
  /** Called once the format is known, before the first record. */
  readonly onFormat?: (format: ChatLogFormat) => void;
}

/** What {@link readChatLog} read: the detected format and the counters (the sink's own when it has them). */
export interface ChatLogResult {
  readonly format: ChatLogFormat;
  readonly stats: IngestStats;
}

// JSON formats are parsed whole; entries go to the sink in runs of this many between backpressure calls.
const ENTRIES_PER_RUN = 4096;

/**
 * Reads a chat log in any format {@link detectFormat} knows into `sink`: every chat message,
 * chat event and moderation record, and every line or entry that cannot be used as a malformed
 * record with its reason (the first few also through `warn`). Counts go into the sink's `stats`
 * like {@link ChatIngester}'s: `lines` (lines or JSON entries read), `messages`, `events`,
 * `control` (lines that carry neither: IRC control lines, log headers, system lines) and
 * `malformed`; nothing read is left out of them.
 *
 * Raw IRC lines take the ingestion path unchanged (`replay` + `ChatIngester`), so `analyze` on
 * IRC is as fast as before; a PRIVMSG or USERNOTICE without an `id` tag (old justlog/rustlog
 * logs) gets a {@link derivedId} of its line and line number instead of being malformed. A
 * gzipped input (TwitchDownloader's `.json.gz`) is decompressed first. JSON formats are read
 * into memory whole before their entries go out (up to V8's longest string, about 512 MiB).
 *
 * @throws ChatLogError when the input is not readable as its format at all (invalid JSON, with
 *   the line of the error; the wrong shape; a Chatterino log with no date or channel).
 * @example
 * const { format } = await readChatLog(createReadStream(path), analysis, { fileName: path });
 */
export async function readChatLog(source: AsyncIterable<Buffer | string>, sink: ChatRecordSink & { readonly stats?: IngestStats }, options: ReadChatLogOptions = {}): Promise<ChatLogResult> {
  const clock = options.clock ?? Date.now;
  const warn = options.warn ?? ((message: string) => process.stderr.write(message + '\n'));
  const stats = sink.stats ?? emptyIngestStats();
  const backpressure = options.backpressure ? () => options.backpressure!(stats) : async () => {};

  let input = await peek(source);
  if (isGzip(input.head)) input = await peek(Readable.from(input.all).pipe(createGunzip()));
  const format = detectFormat(input.head, options.fileName);
  options.onFormat?.(format);

  // Every malformed record goes to the sink; the first few are also said on stderr.
  const shown = options.reasonsShown ?? 5;
  let reported = 0;
  const reportMalformed = (raw: Buffer, error: unknown, at: number) => {
    if (reported < shown) {
      const where = error instanceof ChatLogEntryError ? '' : `${format} ${entryWord(format)} ${stats.lines}: `;
      warn(`${where}${messageOf(error)} (malformed${reported === shown - 1 ? '; further malformed entries are counted, not shown' : ''})`);
    }
    reported++;
    sink.malformed(raw, error, at);
  };
  const reporting: ChatRecordSink & { stats: IngestStats } = {
    stats,
    message: sink.message.bind(sink),
    event: sink.event.bind(sink),
    moderation: sink.moderation.bind(sink),
    malformed: reportMalformed,
  };
  // Lines without an id, given a derived one, go through a second ingester that counts into
  // the same stats; its own failures are reported, never repaired again.
  const repairer = new ChatIngester(reporting);
  const ingester = new ChatIngester({
    ...reporting,
    malformed(raw, error, at) {
      if (error instanceof IrcParseError && error.context.field === 'id') {
        stats.lines--;
        stats.malformed--;
        repairer.line(withDerivedId(error.line, stats.lines + 1), at);
        return;
      }
      reportMalformed(raw, error, at);
    },
  });

  const deliver = (entry: ChatLogEntry, raw: string, at: number) => {
    stats.lines++;
    switch (entry.kind) {
      case 'message': {
        const m = entry.value;
        stats.messages++;
        if (m.bits > 0) {
          stats.cheers++;
          stats.bits += m.bits;
        }
        sink.message(m, raw, at);
        break;
      }
      case 'event': {
        const key = entry.value.msgId === '' ? 'unknown' : entry.value.msgId;
        stats.events[key] = (stats.events[key] ?? 0) + 1;
        stats.eventTotal++;
        sink.event(entry.value, raw, at);
        break;
      }
      case 'other':
        stats.control++;
        break;
      case 'malformed':
        stats.malformed++;
        reportMalformed(Buffer.from(raw), entry.error, at);
        break;
    }
  };
  const malformedLine = (line: Buffer, error: unknown) => {
    stats.lines++;
    stats.malformed++;
    reportMalformed(line, error, clock());
  };

  switch (format) {
    case 'irc':
      await replay(input.all, { line: (raw, at) => ingester.line(raw, at), backpressure }, { clock });
      break;
    case 'justlog-ndjson':
      await eachLine(input.all, backpressure, (line, n) => {
        const raw = justlogNdjsonRawLine(line.toString('utf8'), n);
        if (typeof raw === 'string') ingester.line(raw, clock());
        else malformedLine(line, raw);
      });
      break;
    case 'chatterino': {
      const reader = new ChatterinoReader(chatterinoSource(options.fileName, options.channel), warn);
      await eachTextLine(input.all, format, backpressure, malformedLine, (text, n) => {
        const at = clock();
        deliver(reader.line(text, n, at), text, at);
      });
      break;
    }
    case 'justlog-text':
      await eachTextLine(input.all, format, backpressure, malformedLine, (text, n) => {
        const at = clock();
        deliver(justlogTextLine(text, n, at), text, at);
      });
      break;
    case 'justlog-json': {
      let n = 0;
      for (const raw of justlogJsonRawLines(await readJson(input.all, format))) {
        if (typeof raw === 'string') ingester.line(raw, clock());
        else malformedLine(Buffer.alloc(0), raw);
        if (++n % ENTRIES_PER_RUN === 0) await backpressure();
      }
      break;
    }
    case 'twitchdownloader-json':
    case 'chat-downloader-json': {
      const root = await readJson(input.all, format);
      const entries = format === 'twitchdownloader-json'
        ? twitchDownloaderEntries(root, clock)
        : chatDownloaderEntries(root, { channel: options.channel?.toLowerCase() ?? 'unknown' }, clock);
      let n = 0;
      for (const entry of entries) {
        deliver(entry, entry.kind === 'malformed' ? JSON.stringify(entryAt(root, format, n)) ?? '' : '', clock());
        if (++n % ENTRIES_PER_RUN === 0) await backpressure();
      }
      break;
    }
  }
  await backpressure();
  if (reported > shown) warn(`${format}: ${reported} malformed entries in all (${reported - shown} not shown)`);
  return { format, stats };
}

/** The line with a UUID derived from it and its number as its `id` tag: filling an empty one, else in front. */
function withDerivedId(line: string, lineNumber: number): string {
  const id = derivedId('irc', line, lineNumber);
  const empty = /^(@(?:[^ ]*;)?)id=(?=[; ])/.exec(line);
  if (empty) return `${empty[1]}id=${id}${line.slice(empty[0].length)}`;
  return line.charCodeAt(0) === 64 /* @ */ ? `@id=${id};${line.slice(1)}` : `@id=${id} ${line}`;
}

interface Peeked {
  /** The first bytes, at least DETECT_BYTES unless the input is shorter. */
  readonly head: Buffer;
  /** The whole input again, head included. */
  readonly all: AsyncIterable<Buffer>;
}

async function peek(source: AsyncIterable<Buffer | string>): Promise<Peeked> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < DETECT_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.length;
  }
  const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    yield* chunks;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { head, all: all() };
}

async function eachLine(source: AsyncIterable<Buffer>, backpressure: () => Promise<void>, each: (line: Buffer, lineNumber: number) => void): Promise<void> {
  let n = 0;
  for await (const lines of readLines(source)) {
    for (const line of lines) each(n === 0 ? stripBom(line) : line, ++n);
    await backpressure();
  }
}

async function eachTextLine(
  source: AsyncIterable<Buffer>,
  format: ChatLogFormat,
  backpressure: () => Promise<void>,
  malformed: (line: Buffer, error: unknown) => void,
  each: (text: string, lineNumber: number) => void,
): Promise<void> {
  await eachLine(source, backpressure, (line, n) => {
    if (isUtf8(line)) each(line.toString('utf8'), n);
    else malformed(line, new ChatLogEntryError(format, n, 'line is not valid UTF-8'));
  });
}

function stripBom(line: Buffer): Buffer {
  return line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf ? line.subarray(3) : line;
}

/**
 * The whole input parsed as JSON.
 * @throws ChatLogError naming the line and column of the first syntax error.
 */
async function readJson(source: AsyncIterable<Buffer>, format: ChatLogFormat): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  const bytes = stripBom(Buffer.concat(chunks));
  // V8 caps a string at about 512 MiB (2^29 - 24 UTF-16 units); a file past it cannot be parsed whole.
  if (bytes.length > constants.MAX_STRING_LENGTH) {
    throw new ChatLogError(format, `${bytes.length.toLocaleString('en-US')} bytes is more than can be parsed at once (${constants.MAX_STRING_LENGTH.toLocaleString('en-US')}); split the file`);
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = jsonErrorAt(text);
    const detail = at === null ? messageOf(error) : `column ${at.column}: ${messageOf(error)}`;
    throw new ChatLogError(format, `not valid JSON, ${detail}`, at === null ? {} : { line: at.line }, error);
  }
}

function entryAt(root: unknown, format: ChatLogFormat, index: number): unknown {
  const list = format === 'twitchdownloader-json' ? (root as { comments: unknown[] }).comments : (root as unknown[]);
  return list[index];
}
