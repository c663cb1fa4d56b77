import { createReadStream } from 'node:fs';
import { UsageError } from '../core/errors.ts';
import { replay } from '../connectors/replay/replay.ts';
import { ChatIngester } from '../connectors/twitch/chatIngest.ts';
import { Analysis } from '../topology/analyze.ts';
import { parseDurationMs } from '../topology/windows.ts';
import { parseArgs, stringOption } from './args.ts';

/**
 * `twitch-pulse analyze FILE|- [--window 60s] [--grace 5s]`: the topology's operators in-process
 * on a file of raw Twitch IRC lines, JSON lines on stdout (format in the README).
 */
export async function analyzeCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const file = args.positionals[0];
  if (!file) throw new UsageError('usage: twitch-pulse analyze FILE|- [--window 60s] [--grace 5s]');
  const windowMs = parseDurationMs(stringOption(args, 'window', '60s')!, 'window');
  const graceMs = parseDurationMs(stringOption(args, 'grace', '5s')!, 'grace');
  const input = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });

  let pending: string[] = [];
  const flushOut = async () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    if (!process.stdout.write(text)) await new Promise((r) => process.stdout.once('drain', r));
  };
  const analysis = new Analysis((record) => pending.push(JSON.stringify(record) + '\n'), { windowMs, graceMs });
  const ingester = new ChatIngester(analysis);
  await replay(input as AsyncIterable<Buffer>, { line: (raw, at) => ingester.line(raw, at), backpressure: flushOut });
  analysis.finish();
  await flushOut();
  return 0;
}
