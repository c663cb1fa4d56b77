import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../core/config.ts';
import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';

describe('twitch-pulse analyze (the CLI, no servers)', () => {
  it('writes documented JSON lines whose windows add up to the summary exactly', () => {
    const lines = [...simulateChat({ channels: simulatedChannels(4), startMs: 1_700_000_000_000, durationMs: 5 * 60_000, seed: 11, giftBombChancePerSecond: 1 / 60 })];
    const input = [...lines, '!!! not irc', ''].join('\n') + '\n';
    const run = spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'analyze', '-', '--window', '60s', '--grace', '5s'], { cwd: REPO_ROOT, input, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const out = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const summary = out.pop()!;
    assert.equal(summary.kind, 'summary');
    assert.equal(summary.lines, lines.length + 2);
    // Progress goes to stderr, as plain lines when it is not a terminal; stdin has no total.
    assert.match(run.stderr, new RegExp(`^analyze {2}${summary.lines.toLocaleString('en-US')} lines {2}[\\d,]+ lines/s {2}.+ elapsed$`, 'm'));
    assert.equal(summary.malformed, 2);
    const rates = out.filter((r) => r.kind === 'chat_rate');
    for (const r of rates) {
      assert.equal(typeof r.channel, 'string');
      assert.ok(!r.channel.startsWith('#'));
      assert.equal(r.windowEnd - r.windowStart, 60_000);
      assert.equal(r.windowStart % 60_000, 0);
      assert.ok(r.messages > 0 && r.chatters > 0 && r.chatters <= r.messages);
    }
    // Every message is in exactly one window or counted late.
    assert.equal(rates.reduce((n, r) => n + r.messages, 0) + summary.late, summary.messages);
    assert.equal(new Set(rates.map((r) => `${r.channel}@${r.windowStart}`)).size, rates.length, 'one result per channel and window');
    const eventCount = Object.values(summary.events as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.equal(summary.messages + eventCount + summary.malformed, summary.lines);
  });

  it('shows the share of a file read, with an ETA, in its progress lines', () => {
    const lines = [...simulateChat({ channels: simulatedChannels(2), startMs: 1_700_000_000_000, durationMs: 60_000, seed: 3 })];
    const file = join(mkdtempSync(join(tmpdir(), 'analyze-')), 'chat.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const run = spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'analyze', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    rmSync(file);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`^analyze {2}\\[#{24}\\] 100% {2}ETA 0\\.0 s {2}${lines.length.toLocaleString('en-US')} lines {2}`, 'm'));
  });

  it('refuses a bad window with a clear error naming the option, exit 2', () => {
    const run = spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'analyze', '-', '--window', 'soon'], { cwd: REPO_ROOT, input: '', encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^twitch-pulse analyze: --window must be a duration like 500ms, 10s, 1m, 1h or 7d, got "soon"$/m);
  });
});
