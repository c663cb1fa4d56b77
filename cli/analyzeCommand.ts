import { Progress } from '../core/progress.ts';
import { Analysis } from '../topology/analyze.ts';
import { parseCommandLine } from './args.ts';
import { analyzeChat } from './chatInput.ts';
import { ANALYZE } from './commands/chat.ts';

/**
 * `twitch-pulse analyze FILE|- [--window 60s] [--grace 5s] [--channel LOGIN]`: the topology's
 * operators in-process on a chat log in any format {@link analyzeChat} detects, JSON lines on
 * stdout (format in the README); the summary names the format. `--channel` names the channel
 * for logs that do not (chat-downloader JSON, a Chatterino log on stdin).
 * Progress on stderr: lines and their rate, and for a file the share read with an ETA.
 */
export async function analyzeCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(ANALYZE, argv);
  const file = positionals[0]!;
  const { window: windowMs, grace: graceMs, channel } = values;

  let pending: string[] = [];
  const flushOut = async () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    if (!process.stdout.write(text)) await new Promise((r) => process.stdout.once('drain', r));
  };
  const analysis = new Analysis((record) => pending.push(JSON.stringify(record) + '\n'), { windowMs, graceMs });
  const { format } = await analyzeChat(file, analysis, { progress: new Progress('analyze', { unit: 'lines' }), drain: flushOut, channel });
  analysis.finish({ format });
  await flushOut();
  return 0;
}
