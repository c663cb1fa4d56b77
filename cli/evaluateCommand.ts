import { readFileSync } from 'node:fs';
import type { ChatRecordSink } from '../connectors/twitch/chatIngest.ts';
import { Progress } from '../core/progress.ts';
import { Analysis } from '../topology/analyze.ts';
import { DetectorRun } from '../topology/evaluation/collect.ts';
import { parseLabels } from '../topology/evaluation/labels.ts';
import { PRECISION_AT, evaluateDetectors, type DetectorScores, type Evaluation } from '../topology/evaluation/scores.ts';
import { parseCommandLine } from './args.ts';
import { analyzeChat } from './chatInput.ts';
import { EVALUATE } from './commands/chat.ts';
import { renderTable, type TableColumn } from './render/table.ts';

/**
 * `twitch-pulse evaluate CHAT|- --labels LABELS`: runs the detectors of `analyze` on a chat log
 * (read by {@link analyzeChat}, exactly as `analyze` reads it) and scores their hypes and ad
 * windows against human-labelled highlights with {@link evaluateDetectors}, per channel and in
 * total; a table on stdout, or with `--format json` one JSON object. The labels file is read
 * (and refused, if bad) before the chat. `--channel` names the channel for chat logs that do not,
 * as for `analyze`. Progress on stderr as for `analyze`.
 *
 * @throws UsageError for a wrong command line or a bad duration, seed or draw count;
 *   InputFormatError for a bad labels file (exit 2).
 * @example twitch-pulse evaluate chat.log --labels highlights.csv --lag 30s --format json
 */
export async function evaluateCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(EVALUATE, argv);
  const chatFile = positionals[0]!;
  const { labels: labelsFile, lag: lagMs, window: windowMs, grace: graceMs, channel, format, seed, draws } = values;

  const labels = parseLabels(readFileSync(labelsFile, 'utf8'), labelsFile);

  const run = new DetectorRun();
  const analysis = new Analysis((record) => run.record(record), { windowMs, graceMs });
  const operators: ChatRecordSink = analysis;
  const sink: ChatRecordSink & { readonly stats: Analysis['stats'] } = {
    stats: analysis.stats,
    message(m, raw, at) {
      run.message(m.channel, m.eventTimeMs);
      operators.message(m, raw, at);
    },
    event: (e, raw, at) => operators.event(e, raw, at),
    moderation: (m, raw, at) => operators.moderation(m, raw, at),
    malformed: (raw, error, at) => operators.malformed(raw, error, at),
  };
  await analyzeChat(chatFile, sink, { progress: new Progress('evaluate', { unit: 'lines' }), channel });
  analysis.finish();

  const evaluation = evaluateDetectors({ hypes: run.hypes, adWindows: run.adWindows, spans: run.spans, labels, lagMs, seed, draws });
  process.stdout.write(format === 'json' ? JSON.stringify(evaluation) + '\n' : renderEvaluation(evaluation, { lagMs, seed, draws }) + '\n');
  return 0;
}

const DASH = '–';
const fixed = (digits: number) => (x: number | null) => (x === null ? DASH : x.toFixed(digits));
const share = fixed(2);
const perHour = fixed(1);
const percent = (x: number | null) => (x === null ? DASH : `${(x * 100).toFixed(1)} %`);

/**
 * The evaluation as two plain tables, one row per channel and a last row `(all)` for the
 * pooled figures: hypes against the labels, then alerts and ad windows. Undefined ratios are `–`.
 *
 * @example renderEvaluation(evaluateDetectors(input), { lagMs: 30_000, seed: 1, draws: 200 })
 */
export function renderEvaluation(evaluation: Evaluation, settings: { lagMs: number; seed: number; draws: number }): string {
  const rows: Array<[string, DetectorScores]> = [...Object.entries(evaluation.channels), ['(all)', evaluation]];
  const right = (header: string): TableColumn => ({ header, align: 'right' });
  const hypeTable = renderTable(
    [{ header: 'channel' }, right('hours'), right('labels'), right('hypes'), right('hypes/h'), right('in hype'), right('precision'), right('recall'), right('f1'), ...PRECISION_AT.map((k) => right(`P@${k}`))],
    rows.map(([name, s]) => [
      name, s.hours.toFixed(2), String(s.labels), String(s.hypes), perHour(s.hypesPerHour), percent(s.timeInHype), share(s.precision), share(s.recall), share(s.f1),
      ...PRECISION_AT.map((k) => share(s.precisionAtK[String(k) as keyof DetectorScores['precisionAtK']])),
    ]),
  );
  const adTable = renderTable(
    [{ header: 'channel' }, right('alerts'), right('alerts/h'), right('alert precision'), right('ad windows'), right('ads/h'), right('on highlight'), right('by chance')],
    rows.map(([name, s]) => [
      name, String(s.alerts), perHour(s.alertsPerHour), share(s.alertPrecision), String(s.adWindows), perHour(s.adWindowsPerHour), share(s.adOnHighlight), share(s.adOnHighlightChance),
    ]),
  );
  const lag = `${settings.lagMs / 1000} s`;
  return [
    `Hypes against the labels: a hype matches when it overlaps a highlight extended by ${lag};`,
    'P@K: of the K most intense hypes, the share beginning inside a highlight or at most 10 s before it.',
    '',
    hypeTable,
    '',
    `Alerts and ad windows: on highlight, overlapping a highlight extended by ${lag}; by chance, the same`,
    `windows at random starts in the chat span (${settings.draws} draws, seed ${settings.seed}).`,
    '',
    adTable,
  ].join('\n');
}
