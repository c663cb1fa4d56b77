import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import { baseName } from './detect.ts';
import { OTHER, derivedId, derivedRoomId, derivedUserId, isLogin, logMessage, type ChatLogEntry } from './records.ts';

const FORMAT = 'chatterino';

/** Where a Chatterino log's channel and date come from before its first line is read. */
export interface ChatterinoSource {
  /** The channel login, or null when neither the caller nor the path names it. */
  readonly channel: string | null;
  /** `YYYY-MM-DD` from the file name, or null (stream logs and stdin have none). */
  readonly date: string | null;
}

/**
 * The channel and date a Chatterino log's path gives: Chatterino writes a channel's chat to
 * `…/Twitch/Channels/<channel>/<channel>-YYYY-MM-DD.log` (and, with "store stream logs
 * separately", `<channel>-<stream id>.log`) — see its `LoggingChannel.cpp`. `channel` from
 * the caller wins over the path; the folder after `Channels` over the file name.
 */
export function chatterinoSource(path: string | undefined, channel?: string): ChatterinoSource {
  const name = path === undefined ? '' : baseName(path);
  const dated = /^(.+)-(\d{4}-\d{2}-\d{2})\.log$/i.exec(name);
  const segments = path === undefined ? [] : path.split(/[\\/]/);
  const channelsAt = segments.lastIndexOf('Channels');
  const folder = channelsAt !== -1 && channelsAt + 2 < segments.length ? segments[channelsAt + 1]!.toLowerCase() : null;
  const fromName = (dated?.[1] ?? /^(.+)-[^-]+\.log$/i.exec(name)?.[1] ?? '').toLowerCase();
  const found = channel?.toLowerCase() ?? (folder && isLogin(folder) ? folder : isLogin(fromName) ? fromName : null);
  return { channel: found, date: dated?.[2] ?? null };
}

/**
 * Offsets (minutes east of UTC) of the zone abbreviations Qt writes in Chatterino's
 * `# Start logging at YYYY-MM-DD HH:MM:SS <zone>` headers. Ambiguous ones (IST, CST in China)
 * are left out on purpose: a log in a zone not listed is read as UTC, with a warning.
 */
const ZONES: Readonly<Record<string, number>> = {
  UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540, AKDT: -480,
  HST: -600, BRT: -180, ART: -180, JST: 540, KST: 540, AWST: 480, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660,
  NZST: 720, NZDT: 780,
};

/** Minutes east of UTC for a zone as Qt prints it (`CET`, `UTC+02:00`, `GMT-3`, `+0530`), or null. */
export function zoneOffsetMinutes(zone: string): number | null {
  const known = ZONES[zone.toUpperCase()];
  if (known !== undefined) return known;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return minutes > 14 * 60 ? null : m[1] === '-' ? -minutes : minutes;
}

const HEADER = /^# (Start|Stop) logging at (\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})(?: (.+))?$/;
// Every "Log file timestamp format" Chatterino offers: h:mm, hh:mm:ss, h:mm:ss.zzz a, ….
const LINE = /^(?:#([a-z0-9_]{1,25}) )?\[(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?: ?([ap]m))?\] ([\s\S]*)$/i;
// `login: text`, or `Localized login: text` when the display name is not the login.
const CHAT = /^(?:([^\s:]+) )?([A-Za-z0-9_]{1,25}): ([\s\S]*)$/;
const DAY_MS = 86_400_000;

/**
 * Reads a Chatterino log line by line. A line is `[<time>] login: text` (or `[<time>] Localized
 * login: text`) for a chat message, `[<time>] <text>` for a system line (subs, timeouts, mode
 * changes: counted as `other`, since the text alone does not say reliably which event it was), or
 * a `# Start/Stop logging at` header.
 *
 * Event time: the date of the last header (else the file name's), the line's time of day, in
 * the header's zone. Times of day going back by more than 12 hours roll to the next day (stream
 * logs span midnight). Chatterino logs carry no ids: message ids are {@link derivedId} of the
 * channel, time, login, text and line number; room and user ids are derived from the logins.
 * Seconds and milliseconds missing from the time format are 0.
 */
export class ChatterinoReader {
  private date: string | null;
  private offsetMinutes: number | null = null;
  private lastMs: number | null = null;
  private warned = false;

  constructor(private readonly source: ChatterinoSource, private readonly warn: (message: string) => void = () => {}) {
    this.date = source.date;
  }

  /**
   * One line (without its line ending) as a chat record.
   * @param lineNumber 1-based, for derived ids and error messages.
   * @throws ChatLogError when a message line comes before any date is known (no dated file
   *   name, no header) or no channel is known: every line after it would be wrong too.
   */
  line(text: string, lineNumber: number, receivedAtMs: number): ChatLogEntry {
    const bad = (detail: string): ChatLogEntry => ({ kind: 'malformed', error: new ChatLogEntryError(FORMAT, lineNumber, detail) });
    const header = HEADER.exec(text);
    if (header) {
      if (header[1] === 'Start') {
        this.date = header[2]!;
        const zone = header[6]?.trim() ?? '';
        const offset = zone ? zoneOffsetMinutes(zone) : null;
        if (offset === null && !this.warned) {
          this.warned = true;
          this.warn(`chatterino line ${lineNumber}: time zone ${JSON.stringify(zone)} not known; reading times as UTC`);
        }
        this.offsetMinutes = offset ?? 0;
        this.lastMs = null;
      }
      return OTHER;
    }
    const m = LINE.exec(text);
    if (!m) return bad(text.length === 0 ? 'empty line' : 'not a Chatterino log line ([time] login: text)');
    const chat = CHAT.exec(m[7]!);
    if (!chat) return OTHER;
    const channel = m[1]?.toLowerCase() ?? this.source.channel;
    if (channel === null) throw new ChatLogError(FORMAT, 'no channel: name the file <channel>-YYYY-MM-DD.log or pass --channel', { line: lineNumber });
    if (this.date === null) throw new ChatLogError(FORMAT, 'no date: name the file <channel>-YYYY-MM-DD.log or keep its "# Start logging at" header', { line: lineNumber });

    if (this.offsetMinutes === null && !this.warned) {
      this.warned = true;
      this.warn(`chatterino line ${lineNumber}: no "# Start logging at" header before it; reading times as UTC`);
    }
    let hours = Number(m[2]);
    const ampm = m[6]?.toLowerCase();
    if (ampm) hours = (hours % 12) + (ampm === 'pm' ? 12 : 0);
    const minutes = Number(m[3]);
    const seconds = Number(m[4] ?? 0);
    if (hours > 23 || minutes > 59 || seconds > 60) return bad(`no such time of day [${hours}:${minutes}:${seconds}]`);
    const millis = Number((m[5] ?? '0').padEnd(3, '0'));
    const [y, mo, d] = this.date.split('-').map(Number) as [number, number, number];
    let eventTimeMs = Date.UTC(y, mo - 1, d, hours, minutes, seconds, millis) - (this.offsetMinutes ?? 0) * 60_000;
    if (this.lastMs !== null) while (eventTimeMs < this.lastMs - DAY_MS / 2) eventTimeMs += DAY_MS;
    this.lastMs = eventTimeMs;

    const login = chat[2]!.toLowerCase();
    const message = chat[3]!;
    return {
      kind: 'message',
      value: logMessage({
        id: derivedId(FORMAT, channel, eventTimeMs, login, message, lineNumber),
        channel, roomId: derivedRoomId(channel), userId: derivedUserId(login), login,
        displayName: chat[1] ?? login, text: message, eventTimeMs, receivedAtMs,
      }),
    };
  }
}
