// Parser throughput: twitch-pulse's parseChatLine (raw line -> typed Avro-ready record) side by
// side with tmi.js's own message parser (parser.msg: raw line -> tags/prefix/command/params) on
// the same recorded lines, in the same process and run.
//   node --import tsx bench/parser.ts [seconds per mix, default 6]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseChatLine } from '../connectors/twitch/chatRecord.ts';

const require = createRequire(import.meta.url);
const tmiParser = require('tmi.js/lib/parser.js') as { msg(line: string): unknown; badges(t: unknown): unknown; badgeInfo(t: unknown): unknown; emotes(t: unknown): unknown };

const dir = new URL('../test/fixtures/irc/', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, dir), 'utf8').split('\n').filter((l) => l.startsWith('@'));
const privmsg = read('privmsg.log');
const notices = [...read('usernotice.log'), ...read('moderation.log')];

// Two mixes of the same recorded lines: as recorded (notice-heavy), and weighted like live chat
// where PRIVMSG is ~99% of lines (each PRIVMSG repeated so notices are 1%).
const recorded = [...privmsg, ...notices];
const repeat = Math.ceil((notices.length * 99) / privmsg.length);
const chatWeighted = [...Array.from({ length: repeat }, () => privmsg).flat(), ...notices];

const seconds = Number(process.argv[2] ?? 6);
const SLICE_NS = 200_000_000n;

// The machine's speed drifts (shared cores), so the parsers take turns in 200 ms slices for the
// whole run and each rate is its lines over its own summed time.
function interleaved(lines: readonly string[], parsers: Array<(line: string) => unknown>): number[] {
  const done = parsers.map(() => 0);
  const spent = parsers.map(() => 0n);
  let sink = 0;
  for (const parse of parsers) for (let i = 0; i < 20_000; i++) sink ^= parse(lines[i % lines.length]!) ? 1 : 0;
  const rounds = Math.max(1, Math.round((seconds * 1e9) / Number(SLICE_NS) / parsers.length));
  for (let r = 0; r < rounds; r++) {
    parsers.forEach((parse, p) => {
      const start = process.hrtime.bigint();
      let now = start;
      while (now - start < SLICE_NS) {
        for (let i = 0; i < lines.length; i++) sink ^= parse(lines[i]!) ? 1 : 0;
        done[p]! += lines.length;
        now = process.hrtime.bigint();
      }
      spent[p]! += now - start;
    });
  }
  if (sink === 42) console.log('');
  return done.map((n, p) => n / (Number(spent[p]) / 1e9));
}

const results: Array<Record<string, string | number>> = [];
for (const [mix, lines] of [['recorded mix', recorded], ['chat-weighted mix', chatWeighted]] as const) {
  const [tmi, tmiFull, ours] = interleaved(lines, [
    (l) => tmiParser.msg(l),
    (l) => {
      const m = tmiParser.msg(l) as { tags: unknown };
      return tmiParser.badges(tmiParser.badgeInfo(tmiParser.emotes(m.tags)));
    },
    (l) => parseChatLine(l, 0),
  ]) as [number, number, number];
  results.push({
    mix,
    lines: lines.length,
    'tmi.js parser.msg lines/s': Math.round(tmi),
    'tmi.js msg+badges+emotes lines/s': Math.round(tmiFull),
    'twitch-pulse parseChatLine lines/s': Math.round(ours),
    'ratio vs parser.msg': +(ours / tmi).toFixed(2),
  });
}
console.table(results);
console.log(JSON.stringify({ bench: 'parser', node: process.version, results }));
