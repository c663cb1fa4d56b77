import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HelixAuthError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { HelixServer } from '../../test/servers/helixServer.ts';
import { HelixClient } from './client.ts';
import { HelixRateLimiter } from './rateLimiter.ts';
import { LANGUAGES_ASSUMED_LARGE } from './chainPlan.ts';
import { categoryTotals } from './sweep.ts';
import { helixRig, type HelixRig } from './testkit.ts';

async function withRig<T>(starting: Promise<HelixRig>, body: (rig: HelixRig) => Promise<T>): Promise<T> {
  const rig = await starting;
  try {
    return await body(rig);
  } finally {
    await rig.close();
  }
}

function assertExact(rig: HelixRig, snapshots: ReadonlyArray<{ streamId: string }>): void {
  const live = new Set(rig.server.liveStreams().map((s) => s.id));
  const found = snapshots.map((s) => s.streamId);
  assert.equal(new Set(found).size, found.length, 'no stream twice');
  assert.deepEqual([...found].sort(), [...live].sort());
}

describe('HelixCollector against the local Helix server', () => {
  it('finds every live stream once, enriched from /users and /games, with category totals', () =>
    withRig(helixRig({ streams: 1_000 }), async (rig) => {
      const sweep = await rig.collector.sweep();
      assertExact(rig, sweep.snapshots);
      assert.equal(sweep.stats.chains, LANGUAGES_ASSUMED_LARGE + 1, 'the commonest languages alone, the rest in one chain');
      assert.equal(sweep.stats.duplicates, 0);
      assert.equal(sweep.stats.userLookups, 10);
      const live = new Map(rig.server.liveStreams().map((s) => [s.user_id, s]));
      for (const snap of sweep.snapshots) {
        const s = live.get(snap.userId)!;
        assert.equal(snap.login, s.user_login);
        assert.equal(snap.displayName, s.user_name);
        assert.equal(snap.viewerCount, s.viewer_count);
        assert.equal(snap.gameId, s.game_id);
        assert.equal(snap.gameName, s.game_name);
        assert.equal(snap.startedAtMs, Date.parse(s.started_at));
        assert.deepEqual(snap.tags, s.tags);
        assert.equal(snap.broadcasterType, rig.server.user(s.user_id)!.broadcaster_type);
        assert.equal(snap.boxArtUrl, rig.server.game(s.game_id)!.box_art_url);
        assert.equal(snap.sweepId, sweep.sweepId);
      }
      const justChatting = sweep.categories.get('509658')!;
      const expected = rig.server.liveStreams().filter((s) => s.game_id === '509658');
      assert.equal(justChatting.streams, expected.length);
      assert.equal(justChatting.viewerCount, expected.reduce((a, s) => a + s.viewer_count, 0));
    }));

  it('sweeps only what the filter selects: games split into one chain each, languages, logins', () =>
    withRig(helixRig({ streams: 800 }), async (rig) => {
      const games = ['509658', '21779'];
      const byGame = await rig.collector.sweep({ gameIds: games, languages: ['en', 'es'] });
      assert.equal(byGame.stats.chains, 2);
      const want = rig.server.liveStreams().filter((s) => games.includes(s.game_id) && ['en', 'es'].includes(s.language));
      assert.ok(want.length > 0);
      assert.deepEqual(byGame.snapshots.map((s) => s.streamId).sort(), want.map((s) => s.id).sort());
      const byLogin = await rig.collector.sweep({ userLogins: ['xqc', 'ibai', 'nobody_live'] });
      assert.deepEqual(byLogin.snapshots.map((s) => s.login).sort(), ['ibai', 'xqc']);
    }));

  it('drops duplicates when viewer counts drift and the list reorders between pages, and says how many', () =>
    withRig(helixRig({ streams: 3_000, driftShare: 0.2, driftMaxRatio: 0.5, seed: 7 }, { split: 'none' }), async (rig) => {
      const sweep = await rig.collector.sweep();
      const ids = sweep.snapshots.map((s) => s.streamId);
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(sweep.stats.duplicates > 0, 'drift produced duplicates');
      assert.equal(sweep.stats.streams, ids.length);
      const live = new Set(rig.server.liveStreams().map((s) => s.id));
      for (const id of ids) assert.ok(live.has(id));
      assert.ok(ids.length / live.size > 0.7, `completeness ${ids.length / live.size}`);
      assert.equal(sweep.stats.recovered, 0, 'nothing to recover from on the first sweep');
      const second = await rig.collector.sweep();
      const liveNow = new Set(rig.server.liveStreams().map((s) => s.id));
      assert.ok(second.stats.recovered > 0);
      assert.equal(new Set(second.snapshots.map((s) => s.streamId)).size, second.snapshots.length);
      // Under this much drift a stream is lost with p ≈ 0.2 per sweep; recovery leaves those lost twice.
      assert.ok(second.snapshots.length / liveNow.size >= 0.95, `completeness ${second.snapshots.length / liveNow.size} after recovery`);
    }));

  it('stops a chain whose last cursor loops back to the first page, and misses nothing', () =>
    withRig(helixRig({ streams: 1_000, loopAtEnd: true }, { split: 'none' }), async (rig) => {
      const sweep = await rig.collector.sweep();
      assertExact(rig, sweep.snapshots);
      assert.equal(sweep.stats.loopsDetected, 1);
      assert.equal(rig.server.stats.streamsRequests, 11, '10 pages and the looped one');
    }));

  it('restarts a chain whose cursor Helix refuses with 400', () =>
    withRig(helixRig({ streams: 1_000 }, { split: 'none', onPage: (s) => s.pages === 4 && invalidate() }), async (rig) => {
      invalidate = () => rig.server.invalidateCursors();
      const sweep = await rig.collector.sweep();
      assertExact(rig, sweep.snapshots);
      assert.equal(sweep.stats.cursorRestarts, 1);
      assert.equal(sweep.stats.duplicates, 400, 'the four pages read before the restart');
      assert.equal(rig.server.stats.badRequests, 1);
    }));

  it('follows short pages to the end', () =>
    withRig(helixRig({ streams: 1_000, shortPageRate: 0.5 }, { split: 'none' }), async (rig) => {
      const sweep = await rig.collector.sweep();
      assertExact(rig, sweep.snapshots);
      assert.ok(sweep.stats.shortPages > 0);
      assert.ok(sweep.stats.pages > 10);
    }));

  it('gets a new token on 401 and retries 5xx with backoff', () =>
    withRig(helixRig({ streams: 1_000, errorRate: 0.1, seed: 3 }, { onPage: (s) => s.pages === 5 && expire() }), async (rig) => {
      expire = () => rig.server.expireTokens();
      rig.server.failNext(503, 500, 502);
      const sweep = await rig.collector.sweep();
      assertExact(rig, sweep.snapshots);
      assert.ok(rig.client.stats.unauthorized >= 1);
      assert.equal(rig.client.stats.tokenRequests, 2);
      assert.ok(rig.client.stats.serverErrors >= 3);
      assert.equal(rig.client.stats.serverErrors, rig.server.stats.serverErrors);
    }));

  it('keeps to the bucket: no 429, and the sweep takes the time the refill rate sets', () =>
    withRig(helixRig({ streams: 2_000, ratelimitLimit: 10, refillWindowMs: 60_000 }, { split: 'none', chainConcurrency: 1, lookupConcurrency: 1 }), async (rig) => {
      const sweep = await rig.collector.sweep();
      assertExact(rig, sweep.snapshots);
      const requests = rig.server.stats.streamsRequests + rig.server.stats.usersRequests + rig.server.stats.gamesRequests;
      assert.equal(rig.server.stats.rateLimited, 0);
      const boundMs = ((requests - 10) * 60_000) / 10;
      const tookMs = sweep.finishedAtMs - sweep.startedAtMs;
      assert.ok(tookMs >= boundMs * 0.99 && tookMs <= boundMs * 1.1, `took ${tookMs} ms, bound ${boundMs} ms`);
    }));

  it('plans the next sweep from the languages the last one counted: one page or less share a chain', () =>
    withRig(helixRig({ streams: 3_000, languages: ['en', 'es', 'sv', 'da', 'fi'] }), async (rig) => {
      await rig.collector.sweep();
      const perLanguage = new Map<string, number>();
      for (const s of rig.server.liveStreams()) perLanguage.set(s.language, (perLanguage.get(s.language) ?? 0) + 1);
      const requestsBefore = rig.server.stats.streamsRequests;
      const second = await rig.collector.sweep();
      assertExact(rig, second.snapshots);
      const alone = [...perLanguage.values()].filter((n) => n >= 100).length;
      const small = [...perLanguage.values()].filter((n) => n < 100).reduce((a, n) => a + n, 0);
      assert.equal(second.stats.chains, alone + Math.ceil(small / 100), `chains for ${JSON.stringify([...perLanguage])}`);
      const minimumPages = [...perLanguage.values()].filter((n) => n >= 100).reduce((a, n) => a + Math.ceil(n / 100), 0);
      assert.ok(rig.server.stats.streamsRequests - requestsBefore <= minimumPages + Math.ceil(small / 100) + 1);
    }));

  it('runs one chain at a time while one chain alone drains the bucket, more while points go unused', () =>
    withRig(helixRig({ streams: 6_000, latencyMs: 50, ratelimitLimit: 800, refillWindowMs: 60_000 }), async (rig) => {
      const fast = await rig.collector.sweep();
      assert.equal(fast.stats.peakChainsInFlight, 1, 'one chain at 20 pages/s outruns 800 points a minute');
      const slow = await helixRig({ streams: 6_000, latencyMs: 400, ratelimitLimit: 800, refillWindowMs: 60_000 }, { enrichUsers: false });
      try {
        const sweep = await slow.collector.sweep();
        assertExact(slow, sweep.snapshots);
        assert.ok(sweep.stats.peakChainsInFlight >= 2, `peak ${sweep.stats.peakChainsInFlight}: at 2.5 pages/s a chain leaves the bucket full`);
      } finally {
        await slow.close();
      }
    }));

  it('caches categories and users across sweeps', () =>
    withRig(helixRig({ streams: 500 }), async (rig) => {
      await rig.collector.sweep();
      const second = await rig.collector.sweep();
      assert.equal(second.stats.userLookups + second.stats.gameLookups, 0);
      assert.ok(second.snapshots.every((s) => s.boxArtUrl !== null && s.broadcasterType !== null));
    }));

  it('refuses wrong app credentials with a typed error', async () => {
    const server = new HelixServer({ streams: 10 });
    const base = await server.listen();
    try {
      const client = new HelixClient({
        helixUrl: `${base}/helix`, authUrl: `${base}/oauth2`, clientId: server.clientId, clientSecret: 'wrong',
        limiter: new HelixRateLimiter(), log: createLogger('helix', 'error'),
      });
      await assert.rejects(client.get('streams', []), HelixAuthError);
    } finally {
      await server.close();
    }
  });
});

let invalidate: () => void = () => {};
let expire: () => void = () => {};

describe('categoryTotals', () => {
  it('is empty for no snapshots', () => {
    assert.equal(categoryTotals([]).size, 0);
  });
});
