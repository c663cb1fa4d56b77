import { createReadStream, statSync } from 'node:fs';
import { UsageError } from '../core/errors.ts';
import { Progress } from '../core/progress.ts';
import { replay } from '../connectors/replay/replay.ts';
import { ChatIngester } from '../connectors/twitch/chatIngest.ts';
import { Analysis } from '../topology/analyze.ts';
import { parseDurationMs } from '../topology/windows.ts';
import { parseArgs, stringOption } from './args.ts';

/**
 * `twitch-pulse analyze FILE|- [--window 60s] [--grace 5s]`: the topology's operators in-process
 * on a file of raw Twitch IRC lines, JSON lines on stdout (format in the README). Progress on
 * stderr: lines and their rate, and for a file the share read with an ETA.
 */
export async function analyzeCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const file = args.positionals[0];
  if (!file) throw new UsageError('usage: twitch-pulse analyze FILE|- [--window 60s] [--grace 5s]');
  const windowMs = parseDurationMs(stringOption(args, 'window', '60s')!, 'window');
  const graceMs = parseDurationMs(stringOption(args, 'grace', '5s')!, 'grace');
  const input = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  const totalBytes = file === '-' ? undefined : statSync(file).size;
  let bytesRead = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }

  let pending: string[] = [];
  const flushOut = async () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    if (!process.stdout.write(text)) await new Promise((r) => process.stdout.once('drain', r));
  };
  const analysis = new Analysis((record) => pending.push(JSON.stringify(record) + '\n'), { windowMs, graceMs });
  const ingester = new ChatIngester(analysis);
  const progress = new Progress('analyze', { unit: 'lines' });
  const state = () => ({ done: ingester.stats.lines, fraction: totalBytes ? bytesRead / totalBytes : undefined });
  await replay(counted(), {
    line: (raw, at) => ingester.line(raw, at),
    backpressure: async () => {
      progress.update(state());
      await flushOut();
    },
  });
  analysis.finish();
  await flushOut();
  progress.finish(state());
  return 0;
}
