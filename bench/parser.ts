// Parser throughput: twitch-pulse's parseChatLine (raw line -> typed Avro-ready record) side by
// side with tmi.js's own message parser (parser.msg: raw line -> tags/prefix/command/params) on
// the same recorded lines, in the same process and run.
//   node --import tsx bench/parser.ts [seconds-per-round]
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

const seconds = Number(process.argv[2] ?? 3);

function measure(lines: readonly string[], parse: (line: string) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink ^= parse(lines[i % lines.length]!) ? 1 : 0;
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < lines.length; i++) sink ^= parse(lines[i]!) ? 1 : 0;
    n += lines.length;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === 42) console.log('');
  return n / elapsed;
}

const results: Array<Record<string, string | number>> = [];
for (const [mix, lines] of [['recorded mix', recorded], ['chat-weighted mix', chatWeighted]] as const) {
  const rounds: Array<[number, number, number]> = [];
  for (let r = 0; r < 3; r++) {
    const tmi = measure(lines, (l) => tmiParser.msg(l));
    const tmiFull = measure(lines, (l) => {
      const m = tmiParser.msg(l) as { tags: unknown };
      return tmiParser.badges(tmiParser.badgeInfo(tmiParser.emotes(m.tags)));
    });
    const ours = measure(lines, (l) => parseChatLine(l, 0));
    rounds.push([tmi, tmiFull, ours]);
  }
  const median = (i: 0 | 1 | 2) => rounds.map((x) => x[i]).sort((a, b) => a - b)[1]!;
  results.push({
    mix,
    lines: lines.length,
    'tmi.js parser.msg lines/s': Math.round(median(0)),
    'tmi.js msg+badges+emotes lines/s': Math.round(median(1)),
    'twitch-pulse parseChatLine lines/s': Math.round(median(2)),
    'ratio vs parser.msg': +(median(2) / median(0)).toFixed(2),
  });
}
console.table(results);
console.log(JSON.stringify({ bench: 'parser', node: process.version, results }));
