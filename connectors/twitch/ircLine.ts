import { IrcParseError } from '../../core/errors.ts';

/** One IRC line, split as IRCv3 says: tags, prefix, command, parameters. */
export interface IrcLine {
  /** Tag values, unescaped (`\s` → space, `\:` → `;`, …). A tag without `=` has value ''. */
  readonly tags: Map<string, string>;
  /** Prefix without the leading `:`, e.g. `ronni!ronni@ronni.tmi.twitch.tv`; null when absent. */
  readonly prefix: string | null;
  /** Command in upper case as sent (`PRIVMSG`, `USERNOTICE`, `001`, …). */
  readonly command: string;
  /** Middle parameters and the trailing one (with or without its leading `:`), in order. */
  readonly params: readonly string[];
}

/** Longest line accepted, in UTF-16 code units. IRCv3 allows 8191 bytes of tags plus 512. */
export const MAX_LINE_LENGTH = 16_384;

const AT = 64; // @
const COLON = 58; // :
const SPACE = 32;
const SEMI = 59; // ;
const BACKSLASH = 92;

/**
 * Parses one raw IRC line (without its CR LF) as Twitch sends it.
 *
 * @throws IrcParseError (code `IRC_MALFORMED`) naming what is wrong: empty line, NUL/CR/LF
 *   inside the line, tags without a command, missing command, line too long.
 * @example parseIrcLine('@badges=;tmi-sent-ts=1 :a!a@a.tmi.twitch.tv PRIVMSG #b :hi').command // 'PRIVMSG'
 */
export function parseIrcLine(line: string): IrcLine {
  const frame = frameOf(line);
  const tags = new Map<string, string>();
  if (frame.tagsEnd > 0) forEachTag(line, 1, frame.tagsEnd, (key, value) => tags.set(key, value));
  const prefix = frame.hasPrefix ? line.slice(frame.prefixStart, frame.prefixEnd) : null;

  const length = line.length;
  const params: string[] = [];
  let pos = frame.paramsStart;
  while (pos < length) {
    if (line.charCodeAt(pos) === SPACE) {
      pos++;
      continue;
    }
    if (line.charCodeAt(pos) === COLON) {
      params.push(line.slice(pos + 1));
      break;
    }
    let end = line.indexOf(' ', pos);
    if (end === -1) end = length;
    params.push(line.slice(pos, end));
    pos = end + 1;
  }
  return { tags, prefix, command: frame.command, params };
}

/**
 * Where the parts of a raw line are, found without copying anything but the command.
 * `tagsEnd` is the index of the space after the tags (0 when there are none); the prefix is
 * raw[prefixStart, prefixEnd) without its colon; parameters start at `paramsStart`.
 */
export interface LineFrame {
  readonly tagsEnd: number;
  readonly hasPrefix: boolean;
  readonly prefixStart: number;
  readonly prefixEnd: number;
  readonly command: string;
  readonly paramsStart: number;
}

/**
 * Validates a raw line and locates its tags, prefix, command and parameters.
 * @throws IrcParseError (code `IRC_MALFORMED`) naming what is wrong.
 */
export function frameOf(line: string): LineFrame {
  const length = line.length;
  if (length === 0) throw new IrcParseError('empty line', line);
  if (length > MAX_LINE_LENGTH) throw new IrcParseError(`line is ${length} characters, more than ${MAX_LINE_LENGTH}`, line);
  if (line.indexOf('\0') !== -1 || line.indexOf('\n') !== -1 || line.indexOf('\r') !== -1) {
    throw new IrcParseError('line contains NUL, CR or LF', line);
  }
  let pos = 0;
  let tagsEnd = 0;
  if (line.charCodeAt(0) === AT) {
    tagsEnd = line.indexOf(' ');
    if (tagsEnd === -1) throw new IrcParseError('tags are not followed by a command', line);
    pos = tagsEnd + 1;
  }
  while (line.charCodeAt(pos) === SPACE) pos++;

  let hasPrefix = false;
  let prefixStart = 0;
  let prefixEnd = 0;
  if (line.charCodeAt(pos) === COLON) {
    const end = line.indexOf(' ', pos);
    if (end === -1) throw new IrcParseError('prefix is not followed by a command', line);
    hasPrefix = true;
    prefixStart = pos + 1;
    prefixEnd = end;
    pos = end + 1;
    while (line.charCodeAt(pos) === SPACE) pos++;
  }

  let end = line.indexOf(' ', pos);
  if (end === -1) end = length;
  const command = line.slice(pos, end);
  if (command.length === 0) throw new IrcParseError('line has no command', line);
  if (!isCommand(command)) throw new IrcParseError(`${JSON.stringify(command.slice(0, 32))} is not an IRC command (letters, or three digits)`, line);
  return { tagsEnd, hasPrefix, prefixStart, prefixEnd, command, paramsStart: end + 1 };
}

function isCommand(command: string): boolean {
  const first = command.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    return command.length === 3 && command.charCodeAt(1) >= 48 && command.charCodeAt(1) <= 57 && command.charCodeAt(2) >= 48 && command.charCodeAt(2) <= 57;
  }
  for (let i = 0; i < command.length; i++) {
    const c = command.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/**
 * Calls `visit` with each tag of raw[start, end) (the section after `@`), its value unescaped;
 * a tag without `=` has value ''.
 */
export function forEachTag(line: string, start: number, end: number, visit: (key: string, value: string) => void): void {
  let pos = start;
  while (pos < end) {
    let semi = line.indexOf(';', pos);
    if (semi === -1 || semi > end) semi = end;
    let eq = line.indexOf('=', pos);
    if (eq === -1 || eq > semi) eq = semi;
    if (eq > pos) {
      let value = eq < semi ? line.slice(eq + 1, semi) : '';
      if (value.length > 0 && value.indexOf('\\') !== -1) value = unescapeTagValue(value);
      visit(line.slice(pos, eq), value);
    }
    pos = semi + 1;
  }
}

/**
 * Unescapes an IRCv3 tag value: `\:` → `;`, `\s` → space, `\\` → `\`, `\r` → CR, `\n` → LF;
 * a backslash before any other character is dropped, as is a lone trailing backslash.
 */
export function unescapeTagValue(value: string): string {
  let out = '';
  let from = 0;
  let i = value.indexOf('\\');
  while (i !== -1) {
    out += value.slice(from, i);
    const next = value.charCodeAt(i + 1);
    if (next === COLON) out += ';';
    else if (next === 115 /* s */) out += ' ';
    else if (next === BACKSLASH) out += '\\';
    else if (next === 114 /* r */) out += '\r';
    else if (next === 110 /* n */) out += '\n';
    else if (!Number.isNaN(next)) out += value[i + 1];
    from = i + 2;
    i = value.indexOf('\\', from);
  }
  return from < value.length ? out + value.slice(from) : out;
}

/** Escapes a tag value for sending (the inverse of {@link unescapeTagValue}). */
export function escapeTagValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === SEMI) out += '\\:';
    else if (c === SPACE) out += '\\s';
    else if (c === BACKSLASH) out += '\\\\';
    else if (c === 13) out += '\\r';
    else if (c === 10) out += '\\n';
    else out += value[i];
  }
  return out;
}
