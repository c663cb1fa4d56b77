// Needs: Kafka, Apicurio Registry and ClickHouse of the local stack. The Helix side is the local
// Helix server (test/servers/helixServer.ts) in this process; every topic name and the ClickHouse
// database are unique to the run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';
import { createClickHouse } from '../../connectors/clickhouse/client.ts';
import { createLogger } from '../../core/log.ts';
import { HelixClient } from '../../connectors/helix/client.ts';
import { HelixRateLimiter } from '../../connectors/helix/rateLimiter.ts';
import { HelixCollector } from '../../connectors/helix/sweep.ts';
import { runHelixSweeps } from '../../connectors/helix/sweepToKafka.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import type { CategoryChange, StreamSnapshot } from '../../schemas/types.ts';
import { HelixServer, type HelixStreamJson } from '../servers/helixServer.ts';
import { TOPICS } from '../../schemas/catalogue.ts';
import { committedValues, endpoints, testKafka, uniqueName } from './harness.ts';
import { migrateInto, startCli } from './sinkCli.ts';

const STREAMS = 2_500;

describe('Helix sweeps into Kafka (local Helix server → collector → Kafka, Avro)', () => {
  let server: HelixServer;
  let base: string;
  const kafka = testKafka();
  const serde = AvroSerde.connect(endpoints.registryUrl);

  before(async () => {
    // Every hazard except drift, which loses streams by design of Helix; drift is covered by the
    // collector's specs and the benchmark's completeness figure.
    server = new HelixServer({ streams: STREAMS, loopAtEnd: true, shortPageRate: 0.2, errorRate: 0.03, seed: 11 });
    base = await server.listen();
  });
  after(async () => {
    await server.close();
  });

  it('writes one snapshot per live stream per sweep, and exactly the scripted category switches', async () => {
    const prefix = uniqueName('it-helix');
    const topics = { snapshots: `${prefix}.stream-snapshots`, categoryChanges: `${prefix}.category-changes` };
    const client = new HelixClient({
      helixUrl: `${base}/helix`, authUrl: `${base}/oauth2`, clientId: server.clientId, clientSecret: server.clientSecret,
      limiter: new HelixRateLimiter(), log: createLogger('helix', 'error'), initialBackoffMs: 20,
    });
    let invalidateMidSweep = false;
    const collector = new HelixCollector(client, {
      onPage: (stats) => {
        if (invalidateMidSweep && stats.pages >= 5) {
          invalidateMidSweep = false;
          server.invalidateCursors();
        }
      },
    });
    const live = server.liveStreams();
    const popular = live.find((s) => s.user_login === 'xqc')!; // Just Chatting, the biggest category
    const titled = live.find((s) => s.user_login === 'rubius')!;
    const quiet = live.find((s) => !['509658', '27471'].includes(s.game_id) && s.viewer_count < 200)!;
    const streamsOf = (gameId: string) => live.filter((s) => s.game_id === gameId).length;
    const obscure = server.gameIds().reduce((a, b) => (streamsOf(b) < streamsOf(a) ? b : a));
    const expectedLive: HelixStreamJson[][] = [];
    const published = await runHelixSweeps(endpoints, collector, {
      sweeps: 2, everyMs: 0, topics, log: createLogger('helix', 'error'),
      beforeSweep: (i) => {
        server.failNext(503, 500);
        if (i === 1) {
          server.update(popular.user_id, { gameId: obscure });
          server.update(titled.user_id, { gameId: '509658', title: 'WATCH PARTY El Clásico' });
          server.update(quiet.user_id, { gameId: '27471' });
          server.expireTokens();
          invalidateMidSweep = true;
        }
        expectedLive.push(server.liveStreams());
      },
    });
    assert.ok(published[1]!.sweep.stats.cursorRestarts > 0, 'a chain restarted after its cursor was refused');
    assert.ok(server.stats.serverErrors >= 4 && server.stats.loopCursors > 0 && server.stats.unauthorized > 0 && server.stats.badRequests > 0, 'the hazards happened');

    const snapshots = await committedValues<StreamSnapshot>(kafka, topics.snapshots, serde);
    assert.equal(snapshots.length, 2 * STREAMS);
    for (const [i, p] of published.entries()) {
      const mine = snapshots.filter((s) => s.sweepId === p.sweep.sweepId);
      assert.equal(new Set(mine.map((s) => s.streamId)).size, mine.length, 'no stream twice in a sweep');
      const want = new Map(expectedLive[i]!.map((s) => [s.id, s]));
      assert.deepEqual(mine.map((s) => s.streamId).sort(), [...want.keys()].sort());
      for (const s of mine) {
        const w = want.get(s.streamId)!;
        assert.deepEqual([s.userId, s.gameId, s.gameName, s.viewerCount, s.title], [w.user_id, w.game_id, w.game_name, w.viewer_count, w.title]);
        assert.equal(s.boxArtUrl, server.game(w.game_id)!.box_art_url);
      }
    }

    const changes = await committedValues<CategoryChange>(kafka, topics.categoryChanges, serde);
    const byUser = new Map(changes.map((c) => [c.userId, c]));
    assert.deepEqual([...byUser.keys()].sort(), [popular.user_id, quiet.user_id, titled.user_id].sort());
    assert.equal(changes.length, 3);
    const second = published[1]!.sweep;
    const big = byUser.get(popular.user_id)!;
    assert.deepEqual(
      [big.fromGameId, big.toGameId, big.viewersBefore, big.viewersAfter, big.fromSweepId, big.toSweepId],
      ['509658', obscure, popular.viewer_count, popular.viewer_count, published[0]!.sweep.sweepId, second.sweepId],
    );
    assert.equal(big.fromCategoryViewers, second.categories.get('509658')!.viewerCount);
    assert.equal(big.toCategoryStreams, streamsOf(obscure) + 1);
    assert.equal(big.toCategoryViewers, second.categories.get(obscure)!.viewerCount);
    assert.ok(big.riskScore > 0.8, `popular → obscure while viewers hold: ${big.riskScore}`);
    assert.match(big.reasons.join('\n'), /popular → obscure[\s\S]*own viewers held/);
    const party = byUser.get(titled.user_id)!;
    assert.deepEqual(party.reasons, ['title suggests rebroadcast content: "WATCH PARTY"']);
    assert.equal(party.riskScore, 0.5);
    assert.equal(byUser.get(quiet.user_id)!.riskScore, 0, 'obscure → popular is no risk');
  });

  it('twitch-pulse helix sweep --once: the CLI writes every live stream once, secrets never printed', async () => {
    const prefix = uniqueName('it-helix-cli');
    const snapshotsTopic = `${prefix}.stream-snapshots`;
    const child = spawn(process.execPath, [
      'bin/twitch-pulse.mjs', 'helix', 'sweep', '--once', '--snapshots-topic', snapshotsTopic, '--changes-topic', `${prefix}.category-changes`,
    ], {
      cwd: REPO_ROOT,
      env: { ...process.env, HELIX_URL: `${base}/helix`, HELIX_AUTH_URL: `${base}/oauth2`, HELIX_CLIENT_ID: server.clientId, HELIX_CLIENT_SECRET: server.clientSecret },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, out);
    assert.ok(!out.includes(server.clientSecret), 'the client secret is never printed');
    assert.match(out, /"streams":2500/);
    // Not a terminal here: progress comes as plain lines, ending with the sweep's own rate and totals.
    assert.match(out, /^helix sweep 1 {2}2,500 streams {2}[\d,]+ streams\/s {2}.+ elapsed {2}pages \d+ {2}bucket \d+\/\d+ {2}all sweeps 2,500 streams$/m);
    const snapshots = await committedValues<StreamSnapshot>(kafka, snapshotsTopic, serde);
    assert.equal(snapshots.length, STREAMS);
    assert.deepEqual(snapshots.map((s) => s.streamId).sort(), server.liveStreams().map((s) => s.id).sort());
  });

  it('category switches reach ClickHouse with their risk scores through the existing sink', async () => {
    const name = uniqueName('it-helix-ch');
    const prefix = `${name}.`;
    const database = name.replace(/[^a-z0-9]/g, '_');
    const env = { ...process.env, CLICKHOUSE_DATABASE: database };
    migrateInto(env);
    const client = new HelixClient({
      helixUrl: `${base}/helix`, authUrl: `${base}/oauth2`, clientId: server.clientId, clientSecret: server.clientSecret,
      limiter: new HelixRateLimiter(), log: createLogger('helix', 'error'),
    });
    const live = server.liveStreams();
    const mover = live.find((s) => s.game_id === '509658' && s.user_login !== 'xqc')!;
    const target = live.find((s) => s.game_id !== '509658' && s.game_id !== mover.game_id)!.game_id;
    await runHelixSweeps(endpoints, new HelixCollector(client), {
      sweeps: 2, everyMs: 0, log: createLogger('helix', 'error'),
      topics: { snapshots: `${prefix}${TOPICS.streamSnapshots.name}`, categoryChanges: `${prefix}${TOPICS.categoryChanges.name}` },
      beforeSweep: (i) => {
        if (i === 1) server.update(mover.user_id, { gameId: target, title: 'Full Episode rewatch' });
      },
    });
    const sink = startCli(['sink', 'clickhouse', '--group', `${name}-sink`, '--topic-prefix', prefix, '--topics', 'streamSnapshots,categoryChanges', '--exit-when-idle-ms', '3000'], env);
    assert.equal(await sink.exited(), 0, sink.stderr());
    const ch = createClickHouse({ ...endpoints.clickhouse, database });
    try {
      const count = async (table: string) => Number((await (await ch.query({ query: `SELECT count() AS n FROM ${table} FINAL`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
      assert.equal(await count('stream_snapshots'), 2 * server.liveStreams().length);
      const rows = await (await ch.query({ query: 'SELECT user_id, from_game_id, to_game_id, risk_score, reasons FROM category_changes FINAL', format: 'JSONEachRow' })).json<{ user_id: string; from_game_id: string; to_game_id: string; risk_score: number; reasons: string[] }>();
      assert.equal(rows.length, 1);
      assert.deepEqual([rows[0]!.user_id, rows[0]!.from_game_id, rows[0]!.to_game_id], [mover.user_id, '509658', target]);
      assert.ok(rows[0]!.risk_score >= 0.5);
      assert.ok(rows[0]!.reasons.includes('title suggests rebroadcast content: "Full Episode"'), JSON.stringify(rows[0]!.reasons));
    } finally {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
      await ch.close();
    }
  });
});
