/**
 * How well the detectors agree with highlights people labelled, on a folder of the Lightor
 * data set's layout (github sfu-db/Lightor_Exp, `dataset/<game>/<split>`; fetch it, never commit
 * it): `chat/<video> <startMs>.csv`, tab-separated `row, video, login, text, 0, timeMs`, and
 * `labels/<video>.csv`, lines of `mm-ss mm-ss mm-ss` (window start, highlight start, highlight
 * end, seconds from the chat file's start ms).
 *
 * Each video is one channel. Its chat goes through the same `Analysis` as `twitch-pulse analyze`
 * and the records are scored by `evaluateDetectors`, as `twitch-pulse evaluate` does.
 *
 *   node --import tsx bench/highlights.ts DIR [DIR…] [--lag 30s] [--json]
 *
 * Prints one row per folder and the pooled figures, or the evaluation objects with `--json`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { derivedRoomId, derivedUserId, logMessage } from '../connectors/chatlogs/records.ts';
import type { ChatMessage } from '../schemas/types.ts';
import { Analysis, type AnalyzeOptions } from '../topology/analyze.ts';
import { DetectorRun } from '../topology/evaluation/collect.ts';
import type { Label } from '../topology/evaluation/labels.ts';
import { evaluateDetectors, type Evaluation } from '../topology/evaluation/scores.ts';
import { parseDurationMs } from '../topology/windows.ts';

/** One folder's chat, as records of the chat-message topic, and its labels. */
interface Folder {
  readonly messages: ChatMessage[];
  readonly labels: Label[];
}

/** Reads a Lightor-layout folder (`chat/`, `labels/`). Lines without a numeric time are skipped and counted. */
function readFolder(dir: string): Folder & { skipped: number } {
  const messages: ChatMessage[] = [];
  const labels: Label[] = [];
  let skipped = 0;
  for (const file of readdirSync(join(dir, 'chat')).filter((f) => f.endsWith('.csv')).sort()) {
    const stem = file.slice(0, -'.csv'.length);
    const cut = stem.lastIndexOf(' ');
    const video = stem.slice(0, cut);
    const chatStartMs = Number(stem.slice(cut + 1));
    const channel = `v${video}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const lines = readFileSync(join(dir, 'chat', file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const cols = line.split('\t');
      const timeMs = Number(cols[cols.length - 1]);
      if (cols.length < 6 || !Number.isFinite(timeMs)) {
        if (line.trim()) skipped++;
        return;
      }
      const login = cols[2]!;
      messages.push(logMessage({
        id: `${video}:${i}`, channel, roomId: derivedRoomId(channel), userId: derivedUserId(login), login, displayName: login,
        text: cols.slice(3, cols.length - 2).join('\t'), eventTimeMs: timeMs, receivedAtMs: timeMs,
      }));
    });
    let labelText = '';
    try {
      labelText = readFileSync(join(dir, 'labels', `${video}.csv`), 'utf8');
    } catch {
      continue;
    }
    for (const line of labelText.split('\n')) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 3) continue;
      labels.push({ channel, startMs: chatStartMs + mmss(cols[1]!), endMs: chatStartMs + mmss(cols[2]!) });
    }
  }
  // Event time order within each channel, as a chat log has it.
  messages.sort((a, b) => a.channel.localeCompare(b.channel) || a.eventTimeMs - b.eventTimeMs);
  return { messages, labels, skipped };
}

function mmss(text: string): number {
  const [m, s] = text.split('-').map(Number);
  return ((m ?? 0) * 60 + (s ?? 0)) * 1000;
}

/** Runs the analysis on one folder and scores it. */
export function scoreFolder(dir: string, lagMs: number, options: AnalyzeOptions = {}): { evaluation: Evaluation; messages: number; skipped: number } {
  const folder = readFolder(dir);
  const run = new DetectorRun();
  // One analysis per channel: each video is its own stream, with its own stream time.
  let current: Analysis | null = null;
  let channel = '';
  for (const m of folder.messages) {
    if (m.channel !== channel) {
      current?.finish();
      current = new Analysis((r) => run.record(r), options);
      channel = m.channel;
    }
    current!.message(m);
    run.message(m.channel, m.eventTimeMs);
  }
  current?.finish();
  const evaluation = evaluateDetectors({ hypes: run.hypes, adWindows: run.adWindows, spans: run.spans, labels: folder.labels, lagMs });
  return { evaluation, messages: folder.messages.length, skipped: folder.skipped };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, strict: true, options: { lag: { type: 'string', default: '30s' }, json: { type: 'boolean', default: false } } });
  if (positionals.length === 0) {
    console.error('usage: node --import tsx bench/highlights.ts DIR [DIR…] [--lag 30s] [--json]');
    process.exit(2);
  }
  const lagMs = parseDurationMs(values.lag!, 'lag');
  const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(2));
  const rows: Array<Record<string, unknown>> = [];
  for (const dir of positionals) {
    const { evaluation: e, messages, skipped } = scoreFolder(dir, lagMs);
    const name = `${basename(join(dir, '..'))}/${basename(dir)}`;
    if (values.json) {
      rows.push({ folder: name, messages, skipped, ...e });
      continue;
    }
    const streams = Object.keys(e.channels).length;
    console.log(
      `${name.padEnd(12)} streams ${String(streams).padStart(3)}  hours ${e.hours?.toFixed(1)}  msgs ${messages}  labels ${e.labels} (${fmt(e.labels / (e.hours ?? 1))}/h)  ` +
        `hypes ${e.hypes} (${fmt(e.hypesPerHour)}/h)  P ${fmt(e.precision)}  R ${fmt(e.recall)}  F1 ${fmt(e.f1)}  inHype ${fmt(e.timeInHype)}  ` +
        `P@1/3/5/10 ${fmt(e.precisionAtK['1'])}/${fmt(e.precisionAtK['3'])}/${fmt(e.precisionAtK['5'])}/${fmt(e.precisionAtK['10'])}  ` +
        `alerts ${fmt(e.alertsPerHour)}/h P ${fmt(e.alertPrecision)}  ads ${fmt(e.adWindowsPerHour)}/h on-highlight ${fmt(e.adOnHighlight)} chance ${fmt(e.adOnHighlightChance)}`,
    );
  }
  if (values.json) console.log(JSON.stringify(rows, null, 2));
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) main();
