import { createReadStream, statSync } from 'node:fs';
import { replay } from '../connectors/replay/replay.ts';
import { ChatIngester, type ChatRecordSink, type IngestStats } from '../connectors/twitch/chatIngest.ts';
import { Progress } from '../core/progress.ts';

/** Options of {@link analyzeChat}. */
export interface ChatInputOptions {
  /** Reports lines read (and the share of a file) on stderr; `finish` is called at the end. */
  readonly progress: Progress;
  /**
   * Awaited after each chunk of lines: the caller writes out what the chunk produced, so a
   * slow stdout holds the reading back instead of buffering the whole output.
   */
  readonly drain?: () => Promise<void>;
}

/**
 * Reads a chat log into `sink`, every record through the same parser as ingestion: the one way
 * `analyze` and `evaluate` read chat. `file` is a path, or `-` for stdin.
 *
 * Today a chat log is raw Twitch IRC lines (what `ingest` sees and `replay` takes, `tmi-sent-ts`
 * as event time); other chat-log formats belong here, detected from the content, so both
 * commands gain them at once.
 *
 * Does not finish the sink: the caller flushes its operators once this resolves.
 *
 * @returns the ingestion counters (lines, messages, events, malformed).
 * @throws the file system's error when `file` cannot be opened or read.
 * @example
 * const analysis = new Analysis(print);
 * await analyzeChat('chat.log', analysis, { progress: new Progress('analyze', { unit: 'lines' }) });
 * analysis.finish();
 */
export async function analyzeChat(file: string, sink: ChatRecordSink & { readonly stats?: IngestStats }, options: ChatInputOptions): Promise<IngestStats> {
  const { progress, drain } = options;
  const input = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  const totalBytes = file === '-' ? undefined : statSync(file).size;
  let bytesRead = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }

  const ingester = new ChatIngester(sink);
  const state = () => ({ done: ingester.stats.lines, fraction: totalBytes ? bytesRead / totalBytes : undefined });
  await replay(counted(), {
    line: (raw, at) => ingester.line(raw, at),
    backpressure: async () => {
      progress.update(state());
      if (drain) await drain();
    },
  });
  progress.finish(state());
  return ingester.stats;
}
