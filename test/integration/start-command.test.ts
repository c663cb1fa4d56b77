// Needs: no servers of the stack. Runs `twitch-pulse start` (what `npm start` runs) as a child
// process: it must print live numbers within seconds, serve the wall, and stop cleanly on
// SIGINT; with --channels it reads live chat through tmi.js, here from the local Twitch-dialect
// IRC server (Twitch itself is unreachable from test machines).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';
import { simulateChat } from '../../connectors/simulator/chatSimulator.ts';
import { CONTENT_SECURITY_POLICY } from '../../connectors/wall/server.ts';
import { TwitchIrcServer } from '../servers/twitchIrcServer.ts';

interface Status { messagesPerSec: number; windowsOut: number; rest: string }

const STATUS = /^\d\d:\d\d:\d\d +([\d.]+) msgs\/s in +([\d,]+) windows out {2}hype: (.+)$/;
// A generous limit for a loaded machine; the numbers show about a second after the start.
const LIMIT_MS = 60_000;

/**
 * Runs `start` with `args` until `ready` holds for its status lines, checks the wall with
 * `check`, then sends SIGINT and returns the exit and the output.
 */
async function runStart(args: string[], env: NodeJS.ProcessEnv, ready: (s: Status[]) => boolean, check: (url: string, s: Status[]) => Promise<void>) {
  const child = spawn(process.execPath, ['bin/twitch-pulse.mjs', 'start', '--port', '0', '--status-every', '1', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const statuses = (): Status[] => stdout.split('\n').flatMap((l) => {
    const m = STATUS.exec(l);
    return m ? [{ messagesPerSec: Number(m[1]), windowsOut: Number(m[2]!.replace(/,/g, '')), rest: m[3]! }] : [];
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in ${LIMIT_MS} ms:\n${stdout}\n${stderr}`)), LIMIT_MS);
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c;
        if (ready(statuses())) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(({ code }) => reject(new Error(`start exited early (${code}):\n${stdout}\n${stderr}`)));
    });
    const url = /live wall: (http:\/\/\S+)/.exec(stdout)?.[1];
    assert.ok(url, stdout);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    await check(url, statuses());
  } finally {
    child.kill('SIGINT');
  }
  const exit = await exited;
  return { ...exit, stdout, stderr };
}

async function snapshot(url: string): Promise<Array<{ type: string; early?: boolean; channel?: string }>> {
  return (await (await fetch(new URL('snapshot.json', url))).json()) as Array<{ type: string; early?: boolean; channel?: string }>;
}

describe('twitch-pulse start', () => {
  it('on the simulation: prints live numbers, serves the wall and exits 0 on SIGINT', async () => {
    const run = await runStart([], {}, (s) => s.filter((x) => x.messagesPerSec > 0).length >= 2, async (url, s) => {
      const updates = await snapshot(url);
      assert.ok(updates.some((u) => u.type === 'rate' && u.early === false), 'final windows');
      assert.ok(updates.some((u) => u.type === 'rate' && u.early === true), 'early updates of open windows');
      const [a, b] = s.slice(-2);
      assert.ok(a!.windowsOut > 0 && b!.windowsOut >= a!.windowsOut, JSON.stringify(s));
    });
    assert.deepEqual({ code: run.code, signal: run.signal }, { code: 0, signal: null }, run.stderr);
    assert.match(run.stdout, /stopped: [\d,]+ messages, [\d,]+ windows/);
  });

  it('on live channels (--channels): joins them through tmi.js and shows their chat', async () => {
    const irc = new TwitchIrcServer();
    const port = await irc.listen();
    try {
      const channels = [{ login: 'live_one', roomId: '880000001', baselinePerSecond: 20 }, { login: 'live_two', roomId: '880000002', baselinePerSecond: 5 }];
      let sent = false;
      const run = await runStart(['--channels', 'live_one,#Live_Two'], { TWITCH_IRC_URL: `ws://127.0.0.1:${port}` }, (s) => {
        if (!sent && s.some((x) => x.rest.endsWith('joined 2/2'))) {
          sent = true;
          // 40 s of chat up to now: the 10 s windows of the first 30 s close.
          irc.replay([...simulateChat({ channels, startMs: Date.now() - 40_000, durationMs: 40_000, seed: 3 })]);
        }
        return sent && s.some((x) => x.windowsOut >= 4 && x.messagesPerSec > 0);
      }, async (url) => {
        const rates = (await snapshot(url)).filter((u) => u.type === 'rate' && u.early === false);
        assert.deepEqual([...new Set(rates.map((u) => u.channel))].sort(), ['live_one', 'live_two']);
      });
      assert.deepEqual({ code: run.code, signal: run.signal }, { code: 0, signal: null }, run.stderr);
      assert.match(run.stdout, /reading live chat of live_one, live_two/);
    } finally {
      await irc.close();
    }
  });
});
