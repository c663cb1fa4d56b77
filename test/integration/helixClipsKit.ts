import { HelixServer, type HelixClipJson } from '../servers/helixServer.ts';
import { startCli } from './sinkCli.ts';

/**
 * The clips scenario of `test/fixtures/helix/clips-sample.json` on the local Helix server, and
 * the real `twitch-pulse helix clips` run against it. Shared by `helix-clips.test.ts` and by
 * whatever evaluates the labels file it writes (`twitch-pulse evaluate --labels FILE`).
 */

/** The sample's channel. */
export const CLIPS_CHANNEL = 'chewiemelodies';
export const CLIPS_BROADCASTER_ID = '67955580';
/** The week the sample's clips fall in: `--since 7d --until` this. */
export const CLIPS_UNTIL = '2024-05-13T00:00:00Z';
/** Views a merged moment needs to be a highlight in the scenario's labels file. */
export const CLIPS_MIN_VIEWS = 30;
/** Synthetic clips added on 2024-05-09, 40 s apart from 00:00: more than one query returns. */
export const SYNTHETIC_CLIPS = 1_500;
export const SYNTHETIC_FROM = '2024-05-09T00:00:00Z';
export const SYNTHETIC_EVERY_MS = 40_000;
/** A clip Helix answers with `duration: null`: unusable, it must be dead-lettered. */
export const BROKEN_CLIP_ID = 'BrokenDurationClip';

const at = (iso: string) => Date.parse(iso);

/**
 * Each sample clip's moment, worked out by hand from the fixture (VOD 2150000001 starts
 * 2024-05-06T18:00:00Z, VOD 2150000002 2024-05-08T18:00:00Z, VOD 2150000099 is gone).
 */
export const SAMPLE_MOMENTS: Readonly<Record<string, { startMs: number; endMs: number; from: 'vod' | 'created_at' }>> = {
  // 18:00 + 3,600 s, 30 s long.
  AwkwardHelplessSalamanderSwiftRage: { startMs: at('2024-05-06T19:00:00Z'), endMs: at('2024-05-06T19:00:30Z'), from: 'vod' },
  // 18:00 + 3,615 s, 25.5 s long: overlaps the one above.
  CleverTangibleOtterPJSalt: { startMs: at('2024-05-06T19:00:15Z'), endMs: at('2024-05-06T19:00:40.500Z'), from: 'vod' },
  // vod_offset null: the 20 s before created_at 21:30:00.
  BrightFancyMoosePeteZaroll: { startMs: at('2024-05-06T21:29:40Z'), endMs: at('2024-05-06T21:30:00Z'), from: 'created_at' },
  // VOD deleted: the 28 s before created_at 20:10:05, although it has vod_offset 5000.
  SwiftCalmJaguarKappaPride: { startMs: at('2024-05-07T20:09:37Z'), endMs: at('2024-05-07T20:10:05Z'), from: 'created_at' },
  // No VOD at all (video_id ''): the 15 s before 22:00:00.
  QuietNobleLemurBibleThump: { startMs: at('2024-05-07T21:59:45Z'), endMs: at('2024-05-07T22:00:00Z'), from: 'created_at' },
  // 18:00 + 7,200 s, 60 s long; the next one lies inside it.
  HappyBoldFalconSeemsGood: { startMs: at('2024-05-08T20:00:00Z'), endMs: at('2024-05-08T20:01:00Z'), from: 'vod' },
  TinyRedPandaPogChamp: { startMs: at('2024-05-08T20:00:30Z'), endMs: at('2024-05-08T20:01:00Z'), from: 'vod' },
  // 18:00 + 12,000 s, 45 s long, 9 views.
  SleepyGrayWolfResidentSleeper: { startMs: at('2024-05-08T21:20:00Z'), endMs: at('2024-05-08T21:20:45Z'), from: 'vod' },
};

/**
 * The sample's merged moments with at least {@link CLIPS_MIN_VIEWS} views, by hand: the two
 * overlapping clips of 05-06 (1,200 + 300 views), the clip without offset (80), the clip of the
 * deleted VOD (640), and the clip of 05-08 with the one inside it (50 + 40). The no-VOD clip (25)
 * and the 9-view clip fall under the bound.
 */
export const SAMPLE_HIGHLIGHTS = [
  { startMs: at('2024-05-06T19:00:00Z'), endMs: at('2024-05-06T19:00:40.500Z'), views: 1_500, clips: 2, title: 'babymetal' },
  { startMs: at('2024-05-06T21:29:40Z'), endMs: at('2024-05-06T21:30:00Z'), views: 80, clips: 1, title: 'chat sings along' },
  { startMs: at('2024-05-07T20:09:37Z'), endMs: at('2024-05-07T20:10:05Z'), views: 640, clips: 1, title: 'the raid' },
  { startMs: at('2024-05-08T20:00:00Z'), endMs: at('2024-05-08T20:01:00Z'), views: 90, clips: 2, title: 'metal week opener' },
] as const;

/** The local Helix server with the sample, the synthetic clips and the broken clip; callers close it. */
export interface ClipsScenario {
  readonly server: HelixServer;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  readonly synthetic: readonly HelixClipJson[];
}

/** Starts {@link ClipsScenario}'s server. */
export async function startClipsScenario(): Promise<ClipsScenario> {
  const server = new HelixServer({ streams: 20, seed: 19 });
  const synthetic = server.addSyntheticClips(CLIPS_BROADCASTER_ID, SYNTHETIC_CLIPS, at(SYNTHETIC_FROM), SYNTHETIC_EVERY_MS);
  const template = server.allClips()[0]!;
  server.addClips([{
    ...template, id: BROKEN_CLIP_ID, url: `https://clips.twitch.tv/${BROKEN_CLIP_ID}`, video_id: '', vod_offset: null,
    created_at: '2024-05-10T12:00:00Z', duration: null as unknown as number, view_count: 5_000, title: 'broken',
  }]);
  return { server, base: await server.listen(), synthetic };
}

/** How `twitch-pulse helix clips` ended. stderr is its last ~8 KB. */
export interface ClipsCliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `twitch-pulse helix clips --channel chewiemelodies --since 7d --until
 * 2024-05-13T00:00:00Z --min-views 30` as a child process against the scenario's server (which
 * answers from this process, hence no spawnSync), writing to the given topics and, with
 * `labelsFile`, the labels file (`-`: stdout).
 */
export async function runClipsCli(
  scenario: ClipsScenario,
  options: { clipsTopic: string; deadLetterTopic: string; labelsFile?: string; env?: NodeJS.ProcessEnv },
): Promise<ClipsCliRun> {
  const child = startCli([
    'helix', 'clips', '--channel', CLIPS_CHANNEL, '--since', '7d', '--until', CLIPS_UNTIL,
    '--min-views', String(CLIPS_MIN_VIEWS), '--clips-topic', options.clipsTopic, '--dead-letter-topic', options.deadLetterTopic,
    ...(options.labelsFile ? ['--out', options.labelsFile] : []),
  ], {
    ...process.env, ...options.env,
    HELIX_URL: `${scenario.base}/helix`, HELIX_AUTH_URL: `${scenario.base}/oauth2`,
    HELIX_CLIENT_ID: scenario.server.clientId, HELIX_CLIENT_SECRET: scenario.server.clientSecret,
  });
  const code = await child.exited();
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
