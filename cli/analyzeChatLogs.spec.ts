import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../core/config.ts';

const DIR = join(REPO_ROOT, 'test/fixtures/chatlogs');

function analyze(args: string[], input?: string) {
  const run = spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'analyze', ...args], { cwd: REPO_ROOT, input, encoding: 'utf8', timeout: 60_000 });
  const out = run.stdout.trim() === '' ? [] : run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  return { run, out, summary: out[out.length - 1] ?? {} };
}

describe('twitch-pulse analyze on the chat-log formats people have', () => {
  const cases: Array<[string, string, { lines: number; messages: number; events: Record<string, number>; other: number; malformed: number }]> = [
    ['rustlog-raw.txt', 'irc', { lines: 4, messages: 2, events: { resub: 1 }, other: 1, malformed: 0 }],
    ['twitchdownloader.json', 'twitchdownloader-json', { lines: 7, messages: 5, events: { resub: 1 }, other: 0, malformed: 1 }],
    ['chat-downloader.json', 'chat-downloader-json', { lines: 8, messages: 3, events: { resub: 1, submysterygift: 1, raid: 1 }, other: 1, malformed: 1 }],
    ['examplechan-2024-03-05.log', 'chatterino', { lines: 8, messages: 4, events: {}, other: 3, malformed: 1 }],
    ['justlog.txt', 'justlog-text', { lines: 4, messages: 2, events: {}, other: 1, malformed: 1 }],
    ['justlog.json', 'justlog-json', { lines: 4, messages: 2, events: { resub: 1 }, other: 0, malformed: 1 }],
    ['rustlog.ndjson', 'justlog-ndjson', { lines: 4, messages: 2, events: { resub: 1 }, other: 0, malformed: 1 }],
  ];
  for (const [name, format, counts] of cases) {
    it(`reads ${name} as ${format}: summary, windows and malformed reasons`, () => {
      const { run, out, summary } = analyze([join(DIR, name), '--channel', 'examplechan']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(summary.kind, 'summary');
      assert.equal(summary.format, format);
      for (const [key, value] of Object.entries(counts)) assert.deepEqual(summary[key], value, key);
      const rates = out.filter((r) => r.kind === 'chat_rate');
      assert.ok(rates.length > 0);
      for (const r of rates) assert.equal(r.channel, 'examplechan');
      assert.equal(rates.reduce((n, r) => n + r.messages, 0) + summary.late, summary.messages, 'every message in one window or late');
      const eventCount = Object.values(summary.events as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(summary.messages + eventCount + summary.other + summary.malformed, summary.lines, 'nothing read is left out');
      // Each malformed entry is named on stderr with format and line or entry number.
      if (counts.malformed > 0) assert.match(run.stderr, new RegExp(`^${format} (line|entry) \\d+: .+\\(malformed\\)$`, 'm'));
    });
  }

  it('reads a gzipped TwitchDownloader file and Chatterino lines from stdin with --channel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-chatlogs-'));
    try {
      const gz = join(dir, 'chat.json.gz');
      writeFileSync(gz, gzipSync(readFileSync(join(DIR, 'twitchdownloader.json'))));
      const zipped = analyze([gz]);
      assert.equal(zipped.run.status, 0, zipped.run.stderr);
      assert.equal(zipped.summary.format, 'twitchdownloader-json');
      assert.equal(zipped.summary.messages, 5);
    } finally {
      rmSync(dir, { recursive: true });
    }
    const piped = analyze(['-', '--channel', 'forsen'], '# Start logging at 2024-03-05 20:00:00 UTC\n[20:00:01] a: hi\n[20:00:02] b: hey\n');
    assert.equal(piped.run.status, 0, piped.run.stderr);
    assert.equal(piped.summary.format, 'chatterino');
    assert.deepEqual(piped.out.filter((r) => r.kind === 'chat_rate').map((r) => [r.channel, r.roomId, r.messages, r.chatters]), [['forsen', 'login:forsen', 2, 2]]);
  });

  it('fails with exit 1 and names the format and line of a file that is not valid JSON', () => {
    const { run } = analyze(['-'], '[\n{"message": "a", "timestamp": 1},\n{"message": "b" "timestamp": 2}\n]\n');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /twitch-pulse analyze: chat-downloader-json line 3: not valid JSON, column 17: .* \[CHATLOG_UNREADABLE\]/);
  });

  it('refuses a --channel that is not a login', () => {
    const { run } = analyze(['-', '--channel', '#xqc'], '');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--channel must be a Twitch login/);
  });
});
