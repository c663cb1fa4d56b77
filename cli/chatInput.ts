import { createReadStream, statSync } from 'node:fs';
import { readChatLog, type ChatLogResult } from '../connectors/chatlogs/readChatLog.ts';
import type { ChatRecordSink, IngestStats } from '../connectors/twitch/chatIngest.ts';
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
  /**
   * The channel login for chat logs that do not name it (chat-downloader's JSON; a Chatterino
   * log read from stdin, or from a file not named `<channel>-YYYY-MM-DD.log`).
   */
  readonly channel?: string;
}

/**
 * Reads a chat log into `sink`: the one way `analyze` and `evaluate` read chat. `file` is a
 * path, or `-` for stdin.
 *
 * The format is detected from the content (`connectors/chatlogs/`): raw Twitch IRC lines (what
 * `ingest` sees and `replay` takes, also justlog's and rustlog's `?raw` exports), TwitchDownloader
 * and chat-downloader JSON, Chatterino logs, and justlog's and rustlog's text, JSON and NDJSON
 * exports. Raw IRC goes through the same parser as ingestion. A bad line or entry is counted as
 * malformed (the first few reasons on stderr); a file that cannot be read as its format at all
 * is an error.
 *
 * Does not finish the sink: the caller flushes its operators once this resolves.
 *
 * @returns the detected format and the ingestion counters (lines, messages, events, malformed).
 * @throws ChatLogError when the input is not readable as its format (invalid JSON, with its line);
 *   the file system's error when `file` cannot be opened or read.
 * @example
 * const analysis = new Analysis(print);
 * const { format } = await analyzeChat('chat.log', analysis, { progress: new Progress('analyze', { unit: 'lines' }) });
 * analysis.finish({ format });
 */
export async function analyzeChat(file: string, sink: ChatRecordSink & { readonly stats?: IngestStats }, options: ChatInputOptions): Promise<ChatLogResult> {
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

  const state = (stats: IngestStats) => ({ done: stats.lines, fraction: totalBytes ? bytesRead / totalBytes : undefined });
  const result = await readChatLog(counted(), sink, {
    fileName: file === '-' ? undefined : file,
    channel: options.channel,
    backpressure: async (stats) => {
      progress.update(state(stats));
      if (drain) await drain();
    },
  });
  progress.finish(state(result.stats));
  return result;
}
