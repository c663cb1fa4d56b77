import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../core/config.ts';

/** A `twitch-pulse` child process whose stdout is collected and whose stderr tail is kept. */
export interface CliChild {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** The last ~8 KB of stderr, for assertion messages. */
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>;
}

/** Starts `twitch-pulse ARGS` with `env`. stderr is drained: an unread pipe would block the child once full. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliChild {
  const child = spawn(process.execPath, ['bin/twitch-pulse.mjs', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-8_192)));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited: () => done };
}

/** Runs `twitch-pulse migrate` into the database `env.CLICKHOUSE_DATABASE`; throws with its stderr when it fails. */
export function migrateInto(env: NodeJS.ProcessEnv): void {
  const run = spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'migrate'], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`twitch-pulse migrate failed: ${run.stderr}`);
}
