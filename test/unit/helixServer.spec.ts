import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HelixServer } from '../servers/helixServer.ts';

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
});
