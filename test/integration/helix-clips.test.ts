// Needs: Kafka, Apicurio Registry and ClickHouse of the local stack. The Helix side is the local
// Helix server (test/servers/helixServer.ts) in this process, seeded with the hand-written clips
// sample plus 1,500 synthetic clips on one day (more than one Get Clips query returns) and one
// clip Helix answers broken; every topic name and the ClickHouse database are unique to the run.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
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

describe('twitch-pulse helix clips (local Helix server → CLI → Kafka → sink → ClickHouse, and the labels file)', () => {
  let scenario: ClipsScenario;
  const kafka = testKafka();
  const serde = AvroSerde.connect(endpoints.registryUrl);
  const name = uniqueName('it-clips');
  const prefix = `${name}.`;
  const clipsTopic = `${prefix}${TOPICS.clips.name}`;
  const deadLetterTopic = `${prefix}${TOPICS.deadLetter.name}`;
  const labelsFile = join(mkdtempSync(join(tmpdir(), 'clips-labels-')), 'labels.json');
  let summary: Record<string, unknown>;
  let output = '';

  before(async () => {
    scenario = await startClipsScenario();
    const run = await runClipsCli(scenario, { clipsTopic, deadLetterTopic, labelsFile });
    output = run.stdout + run.stderr;
    assert.equal(run.code, 0, output);
    summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  });
  after(async () => {
    await scenario?.server.close();
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
    const labels = JSON.parse(readFileSync(labelsFile, 'utf8')) as Array<{ channel: string; highlights: Array<[number, number]>; moments: Array<{ startMs: number; endMs: number; views: number; clips: number; title: string }> }>;
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

  it('lands in ClickHouse through twitch-pulse sink clickhouse: every clip once, the dead letter too', async () => {
    const database = name.replace(/[^a-z0-9]/g, '_');
    const env = { ...process.env, CLICKHOUSE_DATABASE: database };
    migrateInto(env);
    const sink = startCli(['sink', 'clickhouse', '--group', `${name}-sink`, '--topic-prefix', prefix, '--topics', 'clips,deadLetter', '--exit-when-idle-ms', '3000', '--lag-every-ms', '0'], env);
    assert.equal(await sink.exited(), 0, sink.stderr());
    const ch = createClickHouse({ ...endpoints.clickhouse, database });
    try {
      const rows = async <T>(query: string) => (await ch.query({ query, format: 'JSONEachRow' })).json<T>();
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
    } finally {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
      await ch.close();
    }
  });
});
