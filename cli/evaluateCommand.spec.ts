import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../core/config.ts';

const T0 = 1_700_000_000_000;
const KEYS = ['hypes', 'labels', 'precision', 'recall', 'f1', 'hypesPerHour', 'timeInHype', 'alerts', 'alertsPerHour', 'alertPrecision', 'precisionAtK', 'adWindows', 'adWindowsPerHour', 'adOnHighlight', 'adOnHighlightChance', 'hours'];

let serial = 0;
function privmsg(channel: string, roomId: string, atMs: number, user: number, text: string): string {
  const id = `00000000-0000-4000-8000-${(++serial).toString(16).padStart(12, '0')}`;
  return `@badge-info=;badges=;display-name=viewer_${user};emotes=;first-msg=0;id=${id};mod=0;room-id=${roomId};subscriber=0;tmi-sent-ts=${atMs};user-id=${10_000 + user};user-type= :viewer_${user}!viewer_${user}@viewer_${user}.tmi.twitch.tv PRIVMSG #${channel} :${text}`;
}

// alpha: a steady message every 5 s from T0 + 1,000 to T0 + 776,000 (156 messages), and a burst
// of 120 messages, one every 150 ms, from T0 + 601,000 to T0 + 618,850: one hype by any
// detector's measure. Its chat span is 776,000 − 1,000 = 775,000 ms.
// beta: a message every 10 s from T0 + 2,000 to T0 + 602,000 (61 messages), no burst; span 600,000 ms.
// gamma: no chat, labels only.
function chatLog(): string {
  const lines: Array<[number, string]> = [];
  for (let i = 0; i < 156; i++) lines.push([T0 + 1_000 + 5_000 * i, privmsg('alpha', '1001', T0 + 1_000 + 5_000 * i, i % 40, 'just chatting about the game today')]);
  for (let k = 0; k < 120; k++) lines.push([T0 + 601_000 + 150 * k, privmsg('alpha', '1001', T0 + 601_000 + 150 * k, 100 + k, 'NO WAY')]);
  for (let i = 0; i <= 60; i++) lines.push([T0 + 2_000 + 10_000 * i, privmsg('beta', '1002', T0 + 2_000 + 10_000 * i, 500 + (i % 20), 'hello there how is everyone')]);
  lines.sort((a, b) => a[0] - b[0]);
  return lines.map(([, line]) => line).join('\n') + '\n';
}

// The burst is labelled from 5 s before it to 12 s after it; beta and gamma each have a
// highlight no hype can match. Channels are matched case-insensitively.
const LABELS = JSON.stringify([
  { channel: 'Alpha', highlights: [[T0 + 596_000, T0 + 631_000]], moments: [{ clipId: 'x' }] },
  { channel: 'beta', highlights: [[T0 + 300_000, T0 + 310_000]] },
  { channel: 'GAMMA', highlights: [[T0, T0 + 1_000]] },
]);

function evaluate(...args: string[]) {
  return spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'evaluate', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

function close(actual: unknown, expected: number, what: string): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-12, `${what}: ${actual}, expected ${expected}`);
}

describe('twitch-pulse evaluate (the CLI, no servers)', () => {
  let dir = '';
  let chat = '';
  let labels = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'evaluate-'));
    chat = join(dir, 'chat.log');
    labels = join(dir, 'labels.json');
    writeFileSync(chat, chatLog());
    writeFileSync(labels, LABELS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scores the detectors per channel and in total, as one JSON object', () => {
    const run = evaluate(chat, '--labels', labels, '--format', 'json');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^evaluate .*100%.* 337 lines/m); // 156 + 120 + 61 lines
    const out = JSON.parse(run.stdout) as Record<string, any>;
    assert.deepEqual(Object.keys(out), [...KEYS, 'channels']);
    assert.deepEqual(Object.keys(out.channels), ['alpha', 'beta', 'gamma']);
    for (const scores of Object.values(out.channels) as Array<Record<string, unknown>>) assert.deepEqual(Object.keys(scores), KEYS);

    const alpha = out.channels.alpha;
    assert.equal(alpha.hypes, 1);
    assert.equal(alpha.labels, 1);
    assert.equal(alpha.precision, 1);
    assert.equal(alpha.recall, 1);
    assert.equal(alpha.f1, 1);
    close(alpha.hours, 775_000 / 3_600_000, 'alpha hours');
    close(alpha.hypesPerHour, 3_600_000 / 775_000, 'alpha hypes per hour'); // 1 hype / (775,000 / 3,600,000 h)
    assert.ok(alpha.timeInHype > 0 && alpha.timeInHype < 1, `timeInHype ${alpha.timeInHype}`);
    // The hype begins within [T0 + 586,000, T0 + 631,000] however the detector dates its onset.
    assert.deepEqual(alpha.precisionAtK, { '1': 1, '3': 1, '5': 1, '10': 1 });
    assert.equal(alpha.alertPrecision, alpha.alerts === 0 ? null : 1);

    const beta = out.channels.beta;
    assert.deepEqual([beta.hypes, beta.labels, beta.precision, beta.recall, beta.f1, beta.hypesPerHour, beta.timeInHype], [0, 1, null, 0, null, 0, 0]);
    close(beta.hours, 600_000 / 3_600_000, 'beta hours');
    assert.deepEqual(beta.precisionAtK, { '1': null, '3': null, '5': null, '10': null });

    assert.deepEqual(out.channels.gamma, {
      hypes: 0, labels: 1, precision: null, recall: 0, f1: null, hypesPerHour: null, timeInHype: null,
      alerts: 0, alertsPerHour: null, alertPrecision: null, precisionAtK: { '1': null, '3': null, '5': null, '10': null },
      adWindows: 0, adWindowsPerHour: null, adOnHighlight: null, adOnHighlightChance: null, hours: 0,
    });

    assert.equal(out.hypes, 1);
    assert.equal(out.labels, 3);
    assert.equal(out.precision, 1);
    assert.equal(out.recall, 1 / 3);
    close(out.f1, 1 / 2, 'f1'); // 2 × 1 × 1/3 / (1 + 1/3) = (2/3) / (4/3)
    close(out.hours, 1_375_000 / 3_600_000, 'hours'); // 775,000 + 600,000 ms
    assert.deepEqual(out.precisionAtK, { '1': 1, '3': 1, '5': 1, '10': 1 });
    // Which ad windows the detector suggests is its business; the shares must be consistent.
    for (const s of [out, alpha, beta]) {
      assert.ok(Number.isInteger(s.adWindows) && s.adWindows >= 0);
      if (s.adWindows === 0) assert.deepEqual([s.adOnHighlight, s.adOnHighlightChance], [null, null]);
      else for (const x of [s.adOnHighlight, s.adOnHighlightChance]) assert.ok(x >= 0 && x <= 1, String(x));
    }
    // Same seed, same figures; the chance baseline is the only random part.
    assert.deepEqual(JSON.parse(evaluate(chat, '--labels', labels, '--format', 'json', '--seed', '1', '--draws', '200').stdout), out);
  });

  it('prints a table by default, with – for undefined ratios', () => {
    const csv = join(dir, 'labels.csv');
    writeFileSync(csv, `channel,start,end\nalpha,${T0 + 596_000},${T0 + 631_000}\n`);
    const run = evaluate(chat, '--labels', csv, '--lag', '0s');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /extended by 0 s/);
    assert.match(run.stdout, /^channel +hours +labels +hypes +hypes\/h +in hype +precision +recall +f1 +P@1 +P@3 +P@5 +P@10$/m);
    // alpha: 775,000 ms = 0.22 h, 1 label, 1 hype, 4.6 per hour, precision, recall and f1 1.00
    assert.match(run.stdout, /^alpha +0\.22 +1 +1 +4\.6 +[\d.]+ % +1\.00 +1\.00 +1\.00 +1\.00 +1\.00 +1\.00 +1\.00$/m);
    // beta has chat but no labels and no hypes: no precision, no recall
    assert.match(run.stdout, /^beta +0\.17 +0 +0 +0\.0 +0\.0 % +– +– +– +– +– +– +–$/m);
    assert.match(run.stdout, /^\(all\) +0\.38 +1 +1 +2\.6 /m);
  });

  it('reads the chat-log formats analyze reads, --channel naming the channel where the log does not', () => {
    // test/fixtures/chatlogs/chat-downloader.json: chat-downloader JSON, whose messages name no channel.
    const run = evaluate(join(REPO_ROOT, 'test/fixtures/chatlogs/chat-downloader.json'), '--labels', labels, '--channel', 'Alpha', '--format', 'json');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, any>;
    assert.deepEqual(Object.keys(out.channels), ['alpha', 'beta', 'gamma']);
    assert.ok(out.channels.alpha.hours > 0, 'the log\'s messages count for alpha');
    assert.equal(out.channels.alpha.labels, 1);
  });

  it('refuses a bad labels file naming the file and line, exit 2', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `channel,start,end\nalpha,${T0},${T0 + 1}\nalpha,yesterday,${T0}\n`);
    const run = evaluate(chat, '--labels', bad);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^twitch-pulse evaluate: ${bad.replace(/[.\\]/g, '\\$&')} line 3: start must be epoch ms or an ISO-8601 time, got "yesterday" \\[INPUT_INVALID\\]$`, 'm'));
  });

  it('refuses a wrong command line and too few draws with usage, exit 2', () => {
    for (const args of [[chat], [chat, '--labels', labels, '--lags', '30s'], [chat, '--labels', labels, '--format', 'yaml'], [chat, '--labels', labels, '--channel', '#alpha']]) {
      const run = evaluate(...args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, /usage: twitch-pulse/);
    }
    const run = evaluate(chat, '--labels', labels, '--draws', '50');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--draws must be an integer >= 200, got "50"/);
  });
});
