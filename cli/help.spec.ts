import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../core/config.ts';
import { COMMANDS } from './commands/index.ts';
import { namedUsage } from './usage.ts';

// Every server address is a closed port and the stack directory is empty: a command that tried
// to reach a server or read a generated secret would fail or hang instead of printing its help.
const CLOSED = 'http://127.0.0.1:9';
const stackDir = mkdtempSync(join(tmpdir(), 'help-stack-'));
const ENV = {
  PATH: process.env.PATH ?? '',
  STACK_DIR: stackDir,
  KAFKA_BROKERS: '127.0.0.1:9',
  SCHEMA_REGISTRY_URL: CLOSED,
  CLICKHOUSE_URL: CLOSED,
  MINIO_ENDPOINT: CLOSED,
  HELIX_URL: CLOSED,
  HELIX_AUTH_URL: CLOSED,
  TWITCH_IRC_URL: 'ws://127.0.0.1:9',
};

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real CLI with stdin left open, so that a command that read it would never finish.
 * The deadline only catches a hang: on an idle machine all of them together take about 3 s, but
 * timing them here would fail on a busy one.
 */
function cli(argv: readonly string[]): Promise<Outcome> {
  const child = spawn(process.execPath, ['bin/twitch-pulse.mjs', ...argv], { cwd: REPO_ROOT, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(deadline);
    child.stdin.destroy();
    resolve({ code, stdout, stderr });
  }));
}

after(() => rmSync(stackDir, { recursive: true, force: true }));

describe('twitch-pulse COMMAND --help (the real CLI, no servers, no credentials)', () => {
  it('prints every command\'s usage on stdout and exits 0', { timeout: 45_000 }, async () => {
    const lines = COMMANDS.map((c) => [...c.name.split(' '), ...(c.when ? [`--${c.when}`, 's3://bucket/topic'] : []), '--help']);
    const outcomes = await Promise.all([['--help'], ...lines].map(cli));
    const [program, ...commands] = outcomes;
    assert.equal(program!.code, 0, program!.stderr);
    COMMANDS.forEach((spec, i) => {
      const run = commands[i]!;
      const label = lines[i]!.join(' ');
      assert.equal(run.code, 0, `${label}: exit ${run.code}, stderr ${run.stderr}`);
      assert.equal(run.stdout, `${namedUsage(COMMANDS, spec.name)}\n`, label);
      assert.equal(run.stderr, '', label);
      assert.ok(program!.stdout.includes(`\n  ${spec.name}`), `twitch-pulse --help lists ${spec.name}`);
    });
  });

  it('refuses an unknown option with exit 2 before loading the command', { timeout: 30_000 }, async () => {
    const run = await cli(['run', '--thread', '4']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^twitch-pulse run: unknown option --thread$/m);
  });
});
