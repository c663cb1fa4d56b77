import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../core/config.ts';
import { StackError } from '../core/errors.ts';
import { stackDir, type ServiceSpec } from './services.ts';

/** State of one service as `status` reports it. */
export interface ServiceState {
  readonly name: string;
  readonly title: string;
  readonly listen: string;
  /** PID of the process the stack started, when it is alive. */
  readonly pid: number | null;
  readonly healthy: boolean;
  /** True when something answers but the stack did not start it. */
  readonly foreign: boolean;
}

/** Where one service keeps its PID and log. */
function paths(dir: string, name: string) {
  return {
    pidFile: `${dir}/pids/${name}.pid`,
    logFile: `${dir}/logs/${name}.out`,
    installLog: `${dir}/logs/${name}.install.log`,
    installScript: `${REPO_ROOT}/stack/${name}/install.sh`,
    runScript: `${REPO_ROOT}/stack/${name}/run.sh`,
  };
}

/** The PID recorded for a service, when that process is still alive. */
export function livePid(dir: string, name: string): number | null {
  const { pidFile } = paths(dir, name);
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  // A recycled PID would belong to some other program: ours run with the stack folder in
  // their command line or environment.
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    if (!cmdline.includes(dir) && !environ.includes(`STACK_DIR=${dir}`)) return null;
  } catch {
    return null;
  }
  return pid;
}

/** Reports each service: our PID, whether it answers, whether something else holds it. */
export async function stackStatus(services: readonly ServiceSpec[], env = process.env): Promise<ServiceState[]> {
  const dir = stackDir(env);
  return Promise.all(
    services.map(async (s) => {
      const pid = livePid(dir, s.name);
      const healthy = await s.healthy();
      return { name: s.name, title: s.title, listen: s.listen, pid, healthy, foreign: healthy && pid === null };
    }),
  );
}

/** Options of {@link stackUp}. */
export interface UpOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Progress lines for the terminal. */
  readonly say?: (line: string) => void;
}

/**
 * Installs (once, cached under the stack folder) and starts every service that is not already
 * answering, then waits until each answers a real health request.
 *
 * @throws StackError naming the service whose install or start failed, with its log file.
 */
export async function stackUp(services: readonly ServiceSpec[], options: UpOptions = {}): Promise<ServiceState[]> {
  const env = { ...process.env, ...options.env };
  const say = options.say ?? (() => undefined);
  const dir = stackDir(env);
  for (const sub of ['pids', 'logs', 'data']) mkdirSync(`${dir}/${sub}`, { recursive: true });
  env.STACK_DIR = dir;

  const before = await stackStatus(services, env);
  const toStart = services.filter((s) => !before.find((b) => b.name === s.name)?.healthy);
  for (const b of before) {
    if (b.healthy) say(`${b.name}: already up at ${b.listen}${b.foreign ? ' (not started by twitch-pulse)' : ''}`);
  }

  await installAll(toStart, dir, env, say);
  await Promise.all(toStart.map((s) => startOne(s, dir, env, say)));
  return stackStatus(services, env);
}

async function installAll(services: readonly ServiceSpec[], dir: string, env: NodeJS.ProcessEnv, say: (l: string) => void) {
  const groups = new Map<string, ServiceSpec[]>();
  for (const s of services) groups.set(s.installGroup, [...(groups.get(s.installGroup) ?? []), s]);
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const s of group) await installOne(s, dir, env, say);
    }),
  );
}

async function installOne(s: ServiceSpec, dir: string, env: NodeJS.ProcessEnv, say: (l: string) => void) {
  const p = paths(dir, s.name);
  const started = Date.now();
  const fd = openSync(p.installLog, 'a');
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('bash', [p.installScript], { env, stdio: ['ignore', fd, fd] });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    if (code !== 0) throw new StackError(s.name, `install failed (exit ${code}); see ${p.installLog}`);
  } finally {
    closeSync(fd);
  }
  const tookMs = Date.now() - started;
  if (tookMs > 2000) say(`${s.name}: installed in ${(tookMs / 1000).toFixed(1)} s`);
}

async function startOne(s: ServiceSpec, dir: string, env: NodeJS.ProcessEnv, say: (l: string) => void) {
  const p = paths(dir, s.name);
  const stale = livePid(dir, s.name);
  if (stale === null) {
    for (const port of s.ports) {
      if (await portInUse(port)) {
        throw new StackError(s.name, `port ${port} is in use by another program; set the port variables to move the stack`);
      }
    }
    const fd = openSync(p.logFile, 'a');
    const child = spawn('bash', [p.runScript], { env, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    if (child.pid === undefined) throw new StackError(s.name, `could not start ${p.runScript}`);
    writeFileSync(p.pidFile, String(child.pid));
    child.unref();
  }
  const started = Date.now();
  while (Date.now() - started < s.startTimeoutMs) {
    if (await s.healthy()) {
      say(`${s.name}: up at ${s.listen} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return;
    }
    if (livePid(dir, s.name) === null) {
      throw new StackError(s.name, `exited while starting; see ${p.logFile} and ${dir}/logs/`);
    }
    await sleep(250);
  }
  throw new StackError(s.name, `did not answer within ${s.startTimeoutMs / 1000} s; see ${p.logFile}`);
}

/** Stops the services this stack started (by their PIDs), SIGTERM first, SIGKILL after 30 s. */
export async function stackDown(services: readonly ServiceSpec[], options: UpOptions = {}): Promise<void> {
  const env = { ...process.env, ...options.env };
  const say = options.say ?? (() => undefined);
  const dir = stackDir(env);
  await Promise.all(
    services.map(async (s) => {
      const pid = livePid(dir, s.name);
      const { pidFile } = paths(dir, s.name);
      if (pid === null) {
        rmSync(pidFile, { force: true });
        say(`${s.name}: not running`);
        return;
      }
      signal(pid, 'SIGTERM');
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && livePid(dir, s.name) !== null) await sleep(200);
      if (livePid(dir, s.name) !== null) signal(pid, 'SIGKILL');
      rmSync(pidFile, { force: true });
      say(`${s.name}: stopped (pid ${pid})`);
    }),
  );
}

// The service runs in its own process group (detached), so the group gets the signal and no
// helper process is left behind.
function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
