import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HELIX_CLIPS_CAP, HelixServer, loadClipsSample, type HelixClipJson } from '../servers/helixServer.ts';

async function withServer(server: HelixServer, body: (base: string, auth: Record<string, string>) => Promise<void>): Promise<void> {
  const base = await server.listen();
  try {
    const res = await fetch(`${base}/oauth2/token?client_id=${server.clientId}&client_secret=${server.clientSecret}&grant_type=client_credentials`, { method: 'POST' });
    const { access_token: token } = (await res.json()) as { access_token: string };
    await body(base, { 'client-id': server.clientId, authorization: `Bearer ${token}` });
  } finally {
    await server.close();
  }
}

interface Page {
  data: Array<{ id: string; viewer_count: number; language: string }>;
  pagination: { cursor?: string };
}

describe('HelixServer (local Helix for tests and benchmarks)', () => {
  it('pages every stream once by opaque cursor, sorted by viewers, when nothing drifts', () =>
    withServer(new HelixServer({ streams: 250 }), async (base, auth) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await fetch(`${base}/helix/streams?first=100${cursor ? `&after=${cursor}` : ''}`, { headers: auth });
        assert.equal(res.status, 200);
        const page = (await res.json()) as Page;
        const counts = page.data.map((s) => s.viewer_count);
        assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
        ids.push(...page.data.map((s) => s.id));
        cursor = page.pagination.cursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(new Set(ids).size, 250);
    }));

  it('answers 400 for first > 100 and for an invalidated or foreign cursor, 401 without a valid token', () =>
    withServer(new HelixServer({ streams: 300 }), async (base, auth) => {
      assert.equal((await fetch(`${base}/helix/streams?first=101`, { headers: auth })).status, 400);
      const page = (await (await fetch(`${base}/helix/streams?first=100`, { headers: auth })).json()) as Page;
      assert.equal((await fetch(`${base}/helix/streams?first=100&language=en&after=${page.pagination.cursor}`, { headers: auth })).status, 400);
      assert.equal((await fetch(`${base}/helix/streams?first=100&after=garbage`, { headers: auth })).status, 400);
      assert.equal((await fetch(`${base}/helix/streams`, { headers: { ...auth, authorization: 'Bearer nope' } })).status, 401);
    }));

  it('sends Ratelimit headers and answers 429 when the bucket is empty', () =>
    withServer(new HelixServer({ streams: 10, ratelimitLimit: 3, clock: () => 1_700_000_000_000 }), async (base, auth) => {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${base}/helix/streams`, { headers: auth });
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal(last!.headers.get('ratelimit-limit'), '3');
      assert.equal(last!.headers.get('ratelimit-remaining'), '0');
      assert.equal(last!.headers.get('ratelimit-reset'), String(1_700_000_000 + 60));
    }));

  it('with loopAtEnd, gives the last page a cursor back to the first page', () =>
    withServer(new HelixServer({ streams: 150, loopAtEnd: true }), async (base, auth) => {
      const first = (await (await fetch(`${base}/helix/streams?first=100`, { headers: auth })).json()) as Page;
      const last = (await (await fetch(`${base}/helix/streams?first=100&after=${first.pagination.cursor}`, { headers: auth })).json()) as Page;
      assert.equal(last.data.length, 50);
      const again = (await (await fetch(`${base}/helix/streams?first=100&after=${last.pagination.cursor}`, { headers: auth })).json()) as Page;
      assert.deepEqual(again.data.map((s) => s.id), first.data.map((s) => s.id));
    }));

  it('reorders the live list when viewer counts drift, so consecutive pages overlap or skip', () =>
    withServer(new HelixServer({ streams: 2_000, driftShare: 0.3, driftMaxRatio: 0.6, seed: 5 }), async (base, auth) => {
      const seen = new Map<string, number>();
      let cursor: string | undefined;
      do {
        const page = (await (await fetch(`${base}/helix/streams?first=100${cursor ? `&after=${cursor}` : ''}`, { headers: auth })).json()) as Page;
        for (const s of page.data) seen.set(s.id, (seen.get(s.id) ?? 0) + 1);
        cursor = page.pagination.cursor;
      } while (cursor);
      assert.ok([...seen.values()].some((n) => n > 1), 'some stream came twice');
      assert.ok(seen.size < 2_000, 'some stream was missed');
    }));

  describe('clips', () => {
    interface ClipsPage { data: HelixClipJson[]; pagination: { cursor?: string } }
    const CHEWIE = '67955580';
    const get = async (base: string, auth: Record<string, string>, path: string) => fetch(`${base}/helix/${path}`, { headers: auth });
    const page = async (base: string, auth: Record<string, string>, path: string) => (await (await get(base, auth, path)).json()) as ClipsPage;
    async function all(base: string, auth: Record<string, string>, query: string): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const p = await page(base, auth, `clips?${query}&first=100${cursor ? `&after=${cursor}` : ''}`);
        ids.push(...p.data.map((c) => c.id));
        cursor = p.pagination.cursor;
        pages++;
      } while (cursor);
      return { ids, pages };
    }

    it('resolves the sample channel by login through Get Users', () =>
      withServer(new HelixServer({ streams: 10 }), async (base, auth) => {
        const body = (await (await get(base, auth, 'users?login=ChewieMelodies')).json()) as { data: Array<{ id: string; login: string }> };
        assert.deepEqual(body.data.map((u) => [u.id, u.login]), [[CHEWIE, 'chewiemelodies']]);
      }));

    it('answers the sample\'s clips of a broadcaster, most viewed first, in the documented shape', () =>
      withServer(new HelixServer({ streams: 10 }), async (base, auth) => {
        const p = await page(base, auth, `clips?broadcaster_id=${CHEWIE}&first=100`);
        assert.equal(p.data.length, 8);
        assert.deepEqual(p.data.map((c) => c.view_count), [1200, 640, 300, 80, 50, 40, 25, 9]);
        assert.deepEqual(Object.keys(p.data[0]!).sort(), [
          'broadcaster_id', 'broadcaster_name', 'created_at', 'creator_id', 'creator_name', 'duration', 'embed_url', 'game_id', 'id',
          'is_featured', 'language', 'thumbnail_url', 'title', 'url', 'video_id', 'view_count', 'vod_offset',
        ]);
        assert.equal(p.pagination.cursor, undefined);
        assert.deepEqual(p.data.filter((c) => c.vod_offset === null).map((c) => c.id).sort(), ['BrightFancyMoosePeteZaroll', 'QuietNobleLemurBibleThump']);
        assert.equal((await page(base, auth, 'clips?broadcaster_id=1&first=100')).data.length, 0);
      }));

    it('filters by started_at (inclusive) and ended_at (exclusive), and runs started_at alone for one week', () =>
      withServer(new HelixServer({ streams: 10 }), async (base, auth) => {
        // 2024-05-07: the deleted-VOD clip at 20:10:05 and the no-VOD clip at 22:00:00.
        const day = await page(base, auth, `clips?broadcaster_id=${CHEWIE}&first=100&started_at=2024-05-07T00:00:00Z&ended_at=2024-05-08T00:00:00Z`);
        assert.deepEqual(day.data.map((c) => c.id), ['SwiftCalmJaguarKappaPride', 'QuietNobleLemurBibleThump']);
        const edge = await page(base, auth, `clips?broadcaster_id=${CHEWIE}&first=100&started_at=2024-05-07T22:00:00Z&ended_at=2024-05-08T20:01:02Z`);
        assert.deepEqual(edge.data.map((c) => c.id), ['QuietNobleLemurBibleThump']);
        const week = await page(base, auth, `clips?broadcaster_id=${CHEWIE}&first=100&started_at=2024-05-02T00:00:00Z`);
        assert.equal(week.data.length, 8);
        assert.equal((await page(base, auth, `clips?broadcaster_id=${CHEWIE}&first=100&started_at=2024-04-20T00:00:00Z`)).data.length, 0);
      }));

    it('pages by cursor, and stops at 1,000 clips per query as Twitch does', async () => {
      const server = new HelixServer({ streams: 10 });
      server.addSyntheticClips(CHEWIE, 1_250, Date.parse('2024-05-09T00:00:00Z'), 40_000);
      await withServer(server, async (base, auth) => {
        const capped = await all(base, auth, `broadcaster_id=${CHEWIE}&started_at=2024-05-09T00:00:00Z&ended_at=2024-05-10T00:00:00Z`);
        assert.equal(capped.ids.length, HELIX_CLIPS_CAP);
        assert.equal(capped.pages, 10);
        assert.equal(new Set(capped.ids).size, HELIX_CLIPS_CAP);
        // Clip i is made at 00:00 + 40 i s (the last at 13:52:40): [00:00, 12:00) holds i < 1,080,
        // [06:00, 12:00) holds 540 <= i < 1,080, and [12:00, 24:00) the other 170.
        const morning = await all(base, auth, `broadcaster_id=${CHEWIE}&started_at=2024-05-09T00:00:00Z&ended_at=2024-05-09T12:00:00Z`);
        assert.equal(morning.ids.length, HELIX_CLIPS_CAP);
        const lateMorning = await all(base, auth, `broadcaster_id=${CHEWIE}&started_at=2024-05-09T06:00:00Z&ended_at=2024-05-09T12:00:00Z`);
        assert.equal(lateMorning.ids.length, 540);
        const rest = await all(base, auth, `broadcaster_id=${CHEWIE}&started_at=2024-05-09T12:00:00Z&ended_at=2024-05-10T00:00:00Z`);
        assert.equal(rest.ids.length, 170);
        assert.equal(server.stats.clipsRequests, 10 + 10 + 6 + 2);
      });
    });

    it('answers 400 without a broadcaster, for first > 100 and for a cursor of another query', () =>
      withServer(new HelixServer({ streams: 10 }), async (base, auth) => {
        assert.equal((await get(base, auth, 'clips?first=5')).status, 400);
        assert.equal((await get(base, auth, `clips?broadcaster_id=${CHEWIE}&first=101`)).status, 400);
        const p = await page(base, auth, `clips?broadcaster_id=${CHEWIE}&first=2`);
        assert.equal(p.data.length, 2);
        assert.equal((await get(base, auth, `clips?broadcaster_id=${CHEWIE}&first=2&after=${p.pagination.cursor}`)).status, 200);
        assert.equal((await get(base, auth, `clips?broadcaster_id=${CHEWIE}&first=2&started_at=2024-05-06T00:00:00Z&after=${p.pagination.cursor}`)).status, 400);
      }));

    it('Get Videos answers the known ids of a batch, 404 when it knows none (a deleted VOD), 400 past 100 ids', () =>
      withServer(new HelixServer({ streams: 10 }), async (base, auth) => {
        const both = (await (await get(base, auth, 'videos?id=2150000001&id=2150000099&id=2150000002')).json()) as { data: Array<{ id: string; created_at: string }> };
        assert.deepEqual(both.data.map((v) => [v.id, v.created_at]), [['2150000001', '2024-05-06T18:00:00Z'], ['2150000002', '2024-05-08T18:00:00Z']]);
        assert.equal((await get(base, auth, 'videos?id=2150000099')).status, 404);
        const many = Array.from({ length: 101 }, (_, i) => `id=${i}`).join('&');
        assert.equal((await get(base, auth, `videos?${many}`)).status, 400);
      }));

    it('takes clips and videos requests from the same rate-limit bucket as streams', () =>
      withServer(new HelixServer({ streams: 10, ratelimitLimit: 3, clock: () => 1_700_000_000_000 }), async (base, auth) => {
        const statuses = [
          (await get(base, auth, 'streams')).status,
          (await get(base, auth, `clips?broadcaster_id=${CHEWIE}`)).status,
          (await get(base, auth, 'videos?id=2150000001')).status,
          (await get(base, auth, `clips?broadcaster_id=${CHEWIE}`)).status,
        ];
        assert.deepEqual(statuses, [200, 200, 200, 429]);
      }));

    it('seeds exactly the fixture\'s clips', () => {
      const sample = loadClipsSample();
      const server = new HelixServer({ streams: 10 });
      assert.deepEqual(server.allClips(), sample.clips.data);
    });
  });
});
