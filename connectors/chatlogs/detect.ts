/**
 * The chat-log formats `analyze` and `evaluate` read, detected from the content:
 *
 * - `irc`: raw Twitch IRC lines, as `ingest` sees them and as justlog's and rustlog's `?raw`
 *   exports print them;
 * - `twitchdownloader-json`: TwitchDownloader's chat JSON (`streamer`, `video`, `comments`), also gzipped;
 * - `chat-downloader-json`: chat-downloader's JSON array of chat items;
 * - `chatterino`: Chatterino's log files (`[hh:mm:ss] login: text`, `# Start logging at …`);
 * - `justlog-text`: justlog's and rustlog's plain-text export (`[YYYY-MM-DD hh:mm:ss] #channel login: text`);
 * - `justlog-json`: their JSON export (`{"messages":[…]}`, each message with its `raw` IRC line);
 * - `justlog-ndjson`: rustlog's NDJSON export (one such message per line).
 */
export type ChatLogFormat =
  | 'irc'
  | 'twitchdownloader-json'
  | 'chat-downloader-json'
  | 'chatterino'
  | 'justlog-text'
  | 'justlog-json'
  | 'justlog-ndjson';

/** Every format, for usage lines and docs. */
export const CHAT_LOG_FORMATS: readonly ChatLogFormat[] = [
  'irc', 'twitchdownloader-json', 'chat-downloader-json', 'chatterino', 'justlog-text', 'justlog-json', 'justlog-ndjson',
];

/** Bytes of the input {@link detectFormat} wants to see (fewer only when the input is shorter). */
export const DETECT_BYTES = 64 * 1024;

/** True when `bytes` start a gzip stream (RFC 1952 magic 1f 8b); TwitchDownloader writes `.json.gz`. */
export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const CHATTERINO_TIME = /^(?:#[a-z0-9_]+ )?\[\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?: ?[ap]m)?\] /i;
const JUSTLOG_TEXT = /^\[\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}\] #/;

/**
 * Which chat-log format `firstBytes` (the start of the input, up to {@link DETECT_BYTES}) is in.
 * Decided by content alone; `fileName` only breaks a tie no content can (a Chatterino log that
 * starts with lines logged without timestamps). Anything not recognised is `irc`, whose reader
 * counts every line it cannot parse as malformed, as `analyze` always did.
 *
 * Gzip must be undone first ({@link isGzip}).
 *
 * @example detectFormat(Buffer.from('# Start logging at 2024-01-15 20:00:00 UTC\n'), 'xqc-2024-01-15.log') // 'chatterino'
 */
export function detectFormat(firstBytes: Buffer, fileName?: string): ChatLogFormat {
  let text = firstBytes.toString('utf8', 0, Math.min(firstBytes.length, DETECT_BYTES));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const start = text.search(/\S/);
  if (start === -1) return 'irc';
  const body = text.slice(start);
  const firstLine = body.split('\n', 1)[0]!.replace(/\r$/, '');

  if (body[0] === '{') {
    if (/^\{\s*"messages"\s*:/.test(body)) return 'justlog-json';
    // A first line that is a whole object with a raw IRC line is rustlog's NDJSON.
    if (/"raw"\s*:/.test(firstLine) && isJsonObject(firstLine)) return 'justlog-ndjson';
    if (/"(?:comments|streamer|FileInfo)"\s*:/.test(body)) return 'twitchdownloader-json';
    if (/"messages"\s*:\s*\[/.test(body)) return 'justlog-json';
    return 'irc';
  }
  if (body[0] === '[') {
    if (/^\[\s*(?:\{|\])/.test(body)) return 'chat-downloader-json';
    if (JUSTLOG_TEXT.test(firstLine)) return 'justlog-text';
    if (CHATTERINO_TIME.test(firstLine)) return 'chatterino';
    return 'irc';
  }
  if (firstLine.startsWith('# Start logging at ') || firstLine.startsWith('# Stop logging at ')) return 'chatterino';
  if (CHATTERINO_TIME.test(firstLine)) return 'chatterino';
  if (body[0] !== '@' && body[0] !== ':' && fileName !== undefined && CHATTERINO_FILE.test(baseName(fileName))) return 'chatterino';
  return 'irc';
}

/** Chatterino names a channel's log `<channel>-YYYY-MM-DD.log`. */
export const CHATTERINO_FILE = /^([a-z0-9_]{1,25})-(\d{4})-(\d{2})-(\d{2})\.log$/i;

/** The last segment of a path (either separator). */
export function baseName(path: string): string {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return at === -1 ? path : path.slice(at + 1);
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
