import { simulateChat, simulatedChannels } from '../connectors/simulator/chatSimulator.ts';
import { ChatIngester } from '../connectors/twitch/chatIngest.ts';
import { Analysis } from '../topology/analyze.ts';
import { parseCommandLine } from './args.ts';
import { DEMO, SIMULATE } from './commands/chat.ts';

function simulation({ channels, minutes, seed }: { channels: number; minutes: number; seed: number }) {
  return simulateChat({
    channels: simulatedChannels(channels),
    startMs: Date.UTC(2024, 0, 1, 20, 0, 0),
    durationMs: Math.round(minutes * 60_000),
    seed,
    burstChancePerSecond: 1 / 240,
    giftBombChancePerSecond: 1 / 300,
    raidChancePerSecond: 1 / 1200,
  });
}

/** `twitch-pulse simulate [--channels 5] [--minutes 30] [--seed 1]`: raw IRC lines of simulated chat on stdout. */
export async function simulateCommand(argv: readonly string[]): Promise<number> {
  const lines = simulation(parseCommandLine(SIMULATE, argv).values);
  let batch = '';
  for (const line of lines) {
    batch += line + '\n';
    if (batch.length > 1 << 16) {
      if (!process.stdout.write(batch)) await new Promise((r) => process.stdout.once('drain', r));
      batch = '';
    }
  }
  process.stdout.write(batch);
  return 0;
}

/**
 * `twitch-pulse demo`: the batch counterpart of `start`. The topology runs in-process, no servers, on a
 * built-in simulation of several channels (baseline chatter, bursts, gift bombs, raids), and
 * prints what it finds: hypes, sub bursts, ad windows and a summary.
 */
export async function demoCommand(argv: readonly string[]): Promise<number> {
  const lines = simulation(parseCommandLine(DEMO, argv).values);
  const started = Date.now();
  const seen: Record<string, number> = {};
  const analysis = new Analysis((record) => {
    seen[record.kind] = (seen[record.kind] ?? 0) + 1;
    if (record.kind === 'hype') {
      console.log(`${record.alert ? 'HYPE (ALERT)' : 'HYPE'.padEnd(12)} #${record.channel}  ${time(record.beginMs)}–${time(record.endMs)}  peak ${Math.round(record.peakRatePerMin as number)}/min vs baseline ${Math.round(record.baselineRatePerMin as number)}/min (${record.intensity} σ)  ${(record.topEmotes as Array<{ id: string; name: string | null }>).map((e) => e.name ?? e.id).join(' ')}`);
    } else if (record.kind === 'sub_burst') {
      console.log(`SUB BURST    #${record.channel}  ${time(record.beginMs)}–${time(record.endMs)}  ${record.contributions} subs from ${record.distinctContributors} people, ${record.giftedSubs} gifted`);
    } else if (record.kind === 'ad_window' && record.cancelledAtMs !== null) {
      // The same window again: a hype began inside it (issue #19).
      seen.cancelled = (seen.cancelled ?? 0) + 1;
      console.log(`AD CANCEL    #${record.channel}  ${time(record.startMs)}–${time(record.endMs)}  a hype began at ${time(record.cancelledAtMs)}: the rest of the window is off`);
    } else if (record.kind === 'ad_window') {
      console.log(`AD SLOT      #${record.channel}  ${time(record.startMs)}–${time(record.endMs)}  score ${record.score}: ${record.reason}`);
    } else if (record.kind === 'summary') {
      console.log(`\n${record.lines} lines (${record.messages} messages) analysed in ${((Date.now() - started) / 1000).toFixed(1)} s: ${seen.chat_rate ?? 0} chat-rate windows, ${seen.hype ?? 0} hypes, ${seen.sub_burst ?? 0} sub bursts, ${(seen.ad_window ?? 0) - (seen.cancelled ?? 0)} ad slots (${seen.cancelled ?? 0} cancelled by a hype).`);
      console.log('Next: `npx twitch-pulse analyze FILE` on recorded chat, or `npm test` to run the real stack.');
    }
  }, { windowMs: 60_000, graceMs: 5_000 });
  const ingester = new ChatIngester(analysis);
  for (const line of lines) ingester.line(line, Date.now());
  analysis.finish();
  return 0;
}

function time(ms: unknown): string {
  return new Date(ms as number).toISOString().slice(11, 19);
}
