// Fuzzed and malformed raw IRC lines for the fault suite, deterministic from a seed. Some are
// hostile but valid chat (markup and injection attempts in names and text): those must land as
// records. The rest must land in the dead-letter topic.
import { seededRandom } from '../../connectors/simulator/chatSimulator.ts';

/** One generated line and what it tries. */
export interface HostileLine {
  readonly bytes: Buffer;
  readonly kind: string;
  /** True for lines that are valid Twitch chat despite hostile content. */
  readonly valid: boolean;
}

const MARKUP = [
  '<img src=x onerror="window.__pwned=1">', '</script><script>alert(1)</script>', '"; DROP TABLE chat_messages; --',
  '{{constructor.constructor("alert(1)")()}}', '\u202Eevil\u202C', '${process.exit(1)}', "' OR '1'='1", '\u0000',
];

function validLine(random: () => number, i: number, roomId: string, channel: string, tsMs: number): string {
  const name = MARKUP[i % MARKUP.length]!.replace(/[;\s\\\r\n\u0000]/g, '_');
  const text = `${MARKUP[(i + 3) % MARKUP.length]} ${'\u200B'.repeat(Math.floor(random() * 3))}${'😀'.repeat(1 + (i % 3))}`;
  return `@badge-info=;badges=;display-name=${name};emotes=;first-msg=0;id=fuzz-${i};mod=0;room-id=${roomId};subscriber=0;tmi-sent-ts=${tsMs};turbo=0;user-id=9${i};user-type= :u${i}!u${i}@u${i}.tmi.twitch.tv PRIVMSG #${channel} :${text.replace(/\u0000/g, '')}`;
}

/**
 * `count` lines: about a tenth hostile-but-valid chat messages in the given channel (ids
 * `fuzz-N`, event times spread evenly over `spanMs` from `startMs`), the rest broken in one of
 * many ways.
 */
export function* hostileLines(count: number, seed: number, channel: { roomId: string; login: string }, startMs: number, spanMs: number): Generator<HostileLine> {
  const random = seededRandom(seed);
  const good = validLine(random, 0, channel.roomId, channel.login, startMs);
  for (let i = 0; i < count; i++) {
    const ts = startMs + Math.floor((i / count) * spanMs);
    const pick = i % 10;
    if (pick === 0) {
      yield { bytes: Buffer.from(validLine(random, i, channel.roomId, channel.login, ts)), kind: 'hostile-but-valid', valid: true };
      continue;
    }
    const cut = 1 + Math.floor(random() * (good.length - 2));
    switch (pick) {
      case 1: yield { bytes: Buffer.from(good.slice(0, Math.min(cut, good.indexOf(' ')))), kind: 'truncated tags', valid: false }; break;
      case 2: yield { bytes: Buffer.concat([Buffer.from(good.slice(0, cut)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(good.slice(cut))]), kind: 'invalid UTF-8', valid: false }; break;
      case 3: yield { bytes: Buffer.from(`@id=x${i};room-id=${channel.roomId} :a!a@a PRIVMSG #${channel.login} :no timestamp`), kind: 'no tmi-sent-ts', valid: false }; break;
      case 4: yield { bytes: Buffer.from(`@id=x${i};room-id=${channel.roomId};tmi-sent-ts=${ts} :a!a@a PRIVMSG`), kind: 'no channel', valid: false }; break;
      case 5: yield { bytes: Buffer.from(Array.from({ length: 20 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)).map((b) => (b === 10 ? 32 : b))), kind: 'garbage bytes', valid: false }; break;
      case 6: yield { bytes: Buffer.from(`@id=;room-id=;tmi-sent-ts=abc :x PRIVMSG #${channel.login} :${'\u0007\u001b[2J'.repeat(3)}`), kind: 'control characters, bad tags', valid: false }; break;
      case 7: yield { bytes: Buffer.from(i % 1_000 === 7 ? `@${'a=b;'.repeat(16_000)} :x PRIVMSG #c :huge` : '@'), kind: i % 1_000 === 7 ? 'huge line' : 'lone @', valid: false }; break;
      case 8: yield { bytes: Buffer.from(`@id=x${i};room-id=${channel.roomId};tmi-sent-ts=${ts};msg-id=sub :tmi.twitch.tv USERNOTICE`), kind: 'USERNOTICE without channel', valid: false }; break;
      default: yield { bytes: Buffer.from(`:${'\u0000'.repeat(3)} ${good.slice(cut)}`), kind: 'NUL prefix', valid: false };
    }
  }
}
