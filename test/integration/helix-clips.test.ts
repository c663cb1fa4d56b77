// Needs: Kafka, Apicurio Registry and ClickHouse of the local stack. The Helix side is the local
// Helix server (test/servers/helixServer.ts) in this process, seeded with the hand-written clips
// sample plus 1,500 synthetic clips on one day (more than one Get Clips query returns) and one
// clip Helix answers broken; every topic name and the ClickHouse database are unique to the run.
// Then the real `twitch-pulse evaluate` scores a chat log written for the sample's channel against
// the labels file `helix clips --out` wrote (issue #19), with figures worked out by hand.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { clipLabels, mergeMoments } from '../../connectors/helix/clipMoments.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { Clip, DeadLetter } from '../../schemas/types.ts';
import { committedValues, consumeAll, endpoints, testKafka, uniqueName } from './harness.ts';
import {
  BROKEN_CLIP_ID, CLIPS_BROADCASTER_ID, CLIPS_CHANNEL, CLIPS_MIN_VIEWS, SAMPLE_HIGHLIGHTS, SAMPLE_MOMENTS, SYNTHETIC_CLIPS,
  runClipsCli, startClipsScenario, type ClipsScenario,
} from './helixClipsKit.ts';
import { migrateInto, startCli } from './sinkCli.ts';

const SAMPLE_CLIPS = Object.keys(SAMPLE_MOMENTS).length;

/** What `helix clips --out` writes (README, "Label files"). */
type LabelsFile = Array<{ channel: string; highlights: Array<[number, number]>; moments: Array<{ startMs: number; endMs: number; views: number; clips: number; title: string }> }>;

const at = (iso: string) => Date.parse(iso);

/**
 * The chat log `evaluate` reads: raw Twitch IRC PRIVMSG lines of the sample's channel on
 * 2024-05-06, 10 s buckets from 18:54:00 up to 19:50:00 (336 buckets). The only highlight of
 * the labels in that stretch is the first sample one, [19:00:00, 19:00:40.5] (the next is at
 * 21:29:40). Every bucket holds 2 messages of more than 12 characters, at +0 s and +5 s, by
 * two viewers; two buckets add a burst of "LUL" (short), one viewer each: 40 in the bucket
 * just after the highlight, 30 in a bucket half an hour from any highlight.
 */
const CHAT = {
  fromMs: at('2024-05-06T18:54:00Z'),
  untilMs: at('2024-05-06T19:50:00Z'),
  bucketMs: 10_000,
  bursts: new Map([[at('2024-05-06T19:00:50Z'), 40], [at('2024-05-06T19:30:00Z'), 30]]),
} as const;

/** Writes {@link CHAT} to `file` in event-time order; returns the number of lines. */
function writeChat(file: string): number {
  const lines: Array<{ tsMs: number; line: string }> = [];
  const privmsg = (tsMs: number, userId: number, login: string, text: string) => lines.push({
    tsMs,
    line: `@badge-info=;badges=;color=;display-name=${login};emotes=;first-msg=0;flags=;id=00000000-0000-4000-8000-${String(lines.length).padStart(12, '0')};`
      + `mod=0;room-id=${CLIPS_BROADCASTER_ID};subscriber=0;tmi-sent-ts=${tsMs};turbo=0;user-id=${userId};user-type= `
      + `:${login}!${login}@${login}.tmi.twitch.tv PRIVMSG #${CLIPS_CHANNEL} :${text}`,
  });
  for (let startMs = CHAT.fromMs; startMs < CHAT.untilMs; startMs += CHAT.bucketMs) {
    privmsg(startMs, 900_001, 'steadyviewer1', 'what a nice calm stream today');
    privmsg(startMs + 5_000, 900_002, 'steadyviewer2', 'loving the setlist so far');
    for (let i = 0; i < (CHAT.bursts.get(startMs) ?? 0); i++) privmsg(startMs + 100 + 100 * i, 800_000 + i, `laugher${i}`, 'LUL');
  }
  lines.sort((a, b) => a.tsMs - b.tsMs);
  writeFileSync(file, lines.map((l) => l.line).join('\n') + '\n');
  return lines.length;
}

describe('twitch-pulse helix clips (local Helix server → CLI → Kafka → sink → ClickHouse, and the labels file)', () => {
  let scenario: ClipsScenario;
  const kafka = testKafka();
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const name = uniqueName('it-clips');
  const prefix = `${name}.`;
  const clipsTopic = `${prefix}${TOPICS.clips.name}`;
  const deadLetterTopic = `${prefix}${TOPICS.deadLetter.name}`;
  const dir = mkdtempSync(join(tmpdir(), 'clips-labels-'));
  const labelsFile = join(dir, 'labels.json');
  const database = name.replace(/[^a-z0-9]/g, '_');
  let ch: ClickHouseClient | undefined;
  let summary: Record<string, unknown>;
  let output = '';
  const readLabels = () => JSON.parse(readFileSync(labelsFile, 'utf8')) as LabelsFile;

  before(async () => {
    scenario = await startClipsScenario();
    const run = await runClipsCli(scenario, { clipsTopic, deadLetterTopic, labelsFile });
    output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  });
  after(async () => {
    await scenario?.server.close();
    rmSync(dir, { recursive: true, force: true });
    if (ch) {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
      await ch.close();
    }
  });

  it('walks the week in day slices, halving the day that hits the 1,000-clip cap, and never prints the secret', () => {
    assert.ok(!output.includes(scenario.server.clientSecret), 'the client secret is never printed');
    // 7 day slices; 2024-05-09 holds 1,500 clips → [00:00,12:00) (1,080: split again) and
    // [12:00,24:00) (420); [00:00,06:00) and [06:00,12:00) hold 540 each: 7 + 2 + 2 slices.
    assert.deepEqual(
      [summary.slices, summary.splits, summary.truncated, summary.clips, summary.rejected, summary.deadLetters, summary.duplicates],
      [11, 2, 0, SAMPLE_CLIPS + SYNTHETIC_CLIPS, 1, 1, 0],
    );
    // Pages: 1 per sample day and per empty or one-clip day (6), 10 for the capped day, 10 for
    // its capped morning, 6 + 6 for the quarters, 5 for the afternoon.
    assert.equal(summary.pages, 6 + 10 + 10 + 6 + 6 + 5);
    assert.equal(scenario.server.stats.clipsRequests, summary.pages);
    // One Get Videos request for the three VODs; 2150000099 is gone.
    assert.deepEqual([summary.videoLookups, summary.vodsGone, scenario.server.stats.videosRequests], [1, 1, 1]);
    assert.deepEqual([summary.fromVod, summary.fromCreatedAt], [5, 3 + SYNTHETIC_CLIPS]);
  });

  it('writes every usable clip once to the clips topic, keyed by broadcaster id, with its moment', async () => {
    const records = await consumeAll(kafka, clipsTopic, SAMPLE_CLIPS + SYNTHETIC_CLIPS);
    assert.deepEqual([...new Set(records.map((r) => r.key))], [CLIPS_BROADCASTER_ID]);
    const clips = await committedValues<Clip>(kafka, clipsTopic, serde);
    assert.equal(clips.length, SAMPLE_CLIPS + SYNTHETIC_CLIPS);
    const byId = new Map(clips.map((c) => [c.clipId, c]));
    assert.equal(byId.size, clips.length, 'no clip twice');
    assert.deepEqual([...byId.keys()].sort(), [...Object.keys(SAMPLE_MOMENTS), ...scenario.synthetic.map((c) => c.id)].sort());
    for (const [id, want] of Object.entries(SAMPLE_MOMENTS)) {
      const c = byId.get(id)!;
      assert.deepEqual({ startMs: c.momentStartMs, endMs: c.momentEndMs, from: c.momentFrom }, want, id);
      assert.equal(c.channel, CLIPS_CHANNEL);
    }
    const first = byId.get('AwkwardHelplessSalamanderSwiftRage')!;
    assert.deepEqual(
      [first.vodCreatedAtMs, first.vodOffsetSeconds, first.durationSeconds, first.viewCount, first.videoId, first.creatorName, first.title],
      [Date.parse('2024-05-06T18:00:00Z'), 3600, 30, 1200, '2150000001', 'BlackNova03', 'babymetal'],
    );
    const gone = byId.get('SwiftCalmJaguarKappaPride')!;
    assert.deepEqual([gone.videoId, gone.vodOffsetSeconds, gone.vodCreatedAtMs], ['2150000099', 5000, null]);
    assert.equal(byId.get(BROKEN_CLIP_ID), undefined);
  });

  it('dead-letters the clip Helix answered without a duration, with the reason and its JSON', async () => {
    const letters = await committedValues<DeadLetter>(kafka, deadLetterTopic, serde);
    assert.equal(letters.length, 1);
    const letter = letters[0]!;
    assert.deepEqual([letter.stage, letter.errorCode, letter.channel], ['helix-clips', 'HELIX_BAD_RECORD', CLIPS_CHANNEL]);
    assert.match(letter.reason, /duration must be a positive number of seconds, got null/);
    assert.equal((JSON.parse(Buffer.from(letter.raw).toString('utf8')) as { id: string }).id, BROKEN_CLIP_ID);
  });

  it('writes the labels file: the merged moments with at least --min-views views, sorted', () => {
    const labels = readLabels();
    assert.equal(labels.length, 1);
    assert.equal(labels[0]!.channel, CLIPS_CHANNEL);
    // Synthetic clips are 10-30 s long and 40 s apart, without a VOD: each is a moment of its
    // own, ending at its created_at.
    const synthetic = scenario.synthetic
      .filter((c) => c.view_count >= CLIPS_MIN_VIEWS)
      .map((c) => ({ startMs: Date.parse(c.created_at) - Math.round(c.duration * 1000), endMs: Date.parse(c.created_at), views: c.view_count, clips: 1, title: c.title }));
    assert.ok(synthetic.length > 100 && synthetic.length < SYNTHETIC_CLIPS, `some synthetic clips fall under the bound (${synthetic.length} kept)`);
    const want = [...SAMPLE_HIGHLIGHTS, ...synthetic];
    assert.deepEqual(labels[0]!.moments, want);
    assert.deepEqual(labels[0]!.highlights, want.map((m) => [m.startMs, m.endMs]));
    assert.equal(summary.highlights, want.length);
  });

  const rows = async <T>(query: string) => (await ch!.query({ query, format: 'JSONEachRow' })).json<T>();

  it('lands in ClickHouse through twitch-pulse sink clickhouse: every clip once, the dead letter too', async () => {
    const env = { ...process.env, CLICKHOUSE_DATABASE: database };
    migrateInto(env);
    ch = createClickHouse({ ...endpoints.clickhouse, database });
    const sink = startCli(['sink', 'clickhouse', '--group', `${name}-sink`, '--topic-prefix', prefix, '--topics', 'clips,deadLetter', '--exit-when-idle-ms', '3000', '--lag-every-ms', '0'], env);
    assert.equal(await sink.exited(), 0, sink.stderr());
    const [count] = await rows<{ n: string; ids: string; channels: string }>('SELECT count() AS n, uniqExact(clip_id) AS ids, uniqExact(broadcaster_id) AS channels FROM clips FINAL');
    assert.deepEqual([Number(count!.n), Number(count!.ids), Number(count!.channels)], [SAMPLE_CLIPS + SYNTHETIC_CLIPS, SAMPLE_CLIPS + SYNTHETIC_CLIPS, 1]);
    const [otter] = await rows<Record<string, unknown>>("SELECT moment_start_ms, moment_end_ms, moment_from, vod_offset_seconds, duration_seconds, view_count FROM clips FINAL WHERE clip_id = 'CleverTangibleOtterPJSalt'");
    // 18:00 + 3,615 s = 19:00:15, 25.5 s long.
    assert.deepEqual(
      [Number(otter!.moment_start_ms), Number(otter!.moment_end_ms), otter!.moment_from, Number(otter!.vod_offset_seconds), Number(otter!.duration_seconds), Number(otter!.view_count)],
      [Date.parse('2024-05-06T19:00:15Z'), Date.parse('2024-05-06T19:00:40.500Z'), 'vod', 3615, 25.5, 300],
    );
    const [lemur] = await rows<Record<string, unknown>>("SELECT vod_offset_seconds, vod_created_at_ms, video_id, moment_from FROM clips FINAL WHERE clip_id = 'QuietNobleLemurBibleThump'");
    assert.deepEqual([Number(lemur!.vod_offset_seconds), Number(lemur!.vod_created_at_ms), lemur!.video_id, lemur!.moment_from], [-1, -1, '', 'created_at']);
    const [byFrom] = await rows<{ vod: string; created: string }>("SELECT countIf(moment_from = 'vod') AS vod, countIf(moment_from = 'created_at') AS created FROM clips FINAL");
    assert.deepEqual([Number(byFrom!.vod), Number(byFrom!.created)], [5, 3 + SYNTHETIC_CLIPS]);
    const letters = await rows<{ stage: string; error_code: string }>('SELECT stage, error_code FROM dead_letters FINAL');
    assert.deepEqual(letters, [{ stage: 'helix-clips', error_code: 'HELIX_BAD_RECORD' }]);
  });

  it('the clips table holds the labels file\'s highlights: its moments, merged and bounded by views as helix clips does', async () => {
    // The merge rule itself is checked by hand above (SAMPLE_HIGHLIGHTS); this checks that what
    // went through Kafka and the sink gives the same highlights as what the CLI saw.
    const moments = await rows<{ startMs: string | number; endMs: string | number; views: string | number; title: string }>(
      `SELECT moment_start_ms AS startMs, moment_end_ms AS endMs, view_count AS views, title FROM clips FINAL WHERE channel = '${CLIPS_CHANNEL}'`,
    );
    assert.equal(moments.length, SAMPLE_CLIPS + SYNTHETIC_CLIPS);
    const merged = mergeMoments(moments.map((m) => ({ startMs: Number(m.startMs), endMs: Number(m.endMs), views: Number(m.views), title: m.title })));
    const fromTable = clipLabels(CLIPS_CHANNEL, merged, CLIPS_MIN_VIEWS);
    const [fromFile] = readLabels();
    assert.equal(fromTable.highlights.length, fromFile!.highlights.length);
    assert.deepEqual(fromTable, fromFile);
  });

  it('twitch-pulse evaluate scores a chat log of the channel against the labels file: 2 hypes, 1 on a highlight', async () => {
    const chatFile = join(dir, `${CLIPS_CHANNEL}.irc`);
    assert.equal(writeChat(chatFile), 336 * 2 + 40 + 30);
    // Every label of the file counts for the channel: the sample's 4 and the synthetic clips of
    // 05-09 with enough views, none of them in the chat's stretch.
    const labels = SAMPLE_HIGHLIGHTS.length + scenario.synthetic.filter((c) => c.view_count >= CLIPS_MIN_VIEWS).length;
    const run = startCli(['evaluate', chatFile, '--labels', labelsFile, '--format', 'json']);
    assert.equal(await run.exited(), 0, run.stderr());
    const result = JSON.parse(run.stdout()) as Record<string, unknown> & { channels: Record<string, Record<string, unknown>>; adOnHighlightChance: number };

    // By hand, with the defaults (--lag 30s, 10 s buckets, hype warm-up 18 buckets):
    // - Each calm bucket weighs 2 (no short message), so the baseline b is 2 throughout (it learns
    //   only outside hype) and a deviation is max(1, √(2 + (0.2·2)²)) = √2.16 = 1.4697.
    // - Bucket 19:00:50 weighs 2 + 40·3 = 122: score 120 / 1.4697 = 81.65, a hype (≥ 5.5) and an
    //   alert (≥ 15); the two buckets after it score 0 (< 3.3), so it ends with its one bucket:
    //   [19:00:50 − 10 s reaction lead, 19:01:00] = [19:00:40, 19:01:00], 20 s. It overlaps the
    //   highlight extended by the lag, [19:00:00, 19:01:10.5], and begins in [18:59:50, 19:00:40.5].
    // - Bucket 19:30:00 weighs 2 + 30·3 = 92: score 61.24, hype [19:29:50, 19:30:10], 20 s, far
    //   from every highlight; an alert too, 29 min after the first (alerts are 10 min apart at least).
    // - Ad windows (6 calm attended buckets after warm-up, 4 min after a hype, 10 min apart, 60 s):
    //   warm from bucket 18:57:00, the first at 18:58:00; the first hype's last bucket ends 19:01:20
    //   and the cooldown runs to 19:08:00; then 19:18:00 and 19:28:00; the second hype's last
    //   bucket ends 19:30:30, so 19:38:00 and 19:48:00: 6 windows, none near the highlight (the
    //   first ends 18:59:00) and none cancelled.
    // - The chat span runs from the first message, 18:54:00, to the last, 19:49:55: 3,355 s = 0.932 h.
    const spanMs = at('2024-05-06T19:49:55Z') - CHAT.fromMs;
    assert.equal(spanMs, 3_355_000);
    const hours = spanMs / 3_600_000;
    const [precision, recall] = [1 / 2, 1 / labels];
    const want = {
      hypes: 2, labels, precision, recall, f1: (2 * precision * recall) / (precision + recall),
      hypesPerHour: 2 / hours, timeInHype: 40_000 / spanMs,
      alerts: 2, alertsPerHour: 2 / hours, alertPrecision: 1 / 2,
      // The more intense hype is the one on the highlight.
      precisionAtK: { 1: 1, 3: 1 / 2, 5: 1 / 2, 10: 1 / 2 },
      adWindows: 6, adWindowsPerHour: 6 / hours, adOnHighlight: 0,
      hours,
    };
    // By chance: a 60 s window starting anywhere in the span overlaps [19:00:00, 19:01:10.5] when
    // it starts in [18:59:00, 19:01:10.5], 130.5 s of 3,355 s: 0.039, measured over 6 × 200
    // seeded draws (one standard deviation 0.0056).
    const { channels, adOnHighlightChance, ...totals } = result;
    assert.ok(adOnHighlightChance > 0.02 && adOnHighlightChance < 0.06, `adOnHighlightChance ${adOnHighlightChance}`);
    assert.deepEqual(totals, want);
    assert.deepEqual(Object.keys(channels), [CLIPS_CHANNEL]);
    assert.deepEqual(channels[CLIPS_CHANNEL], { ...want, adOnHighlightChance });
  });
});
