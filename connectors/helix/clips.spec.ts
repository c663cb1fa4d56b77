import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, HelixRecordError } from '../../core/errors.ts';
import { loadClipsSample } from '../../test/servers/helixServer.ts';
import { ClipCollector, parseHelixClip, type HelixClip } from './clips.ts';
import { helixRig, type HelixRig } from './testkit.ts';

const WEEK = [Date.parse('2024-05-06T00:00:00Z'), Date.parse('2024-05-13T00:00:00Z')] as const;

async function withRig<T>(body: (rig: HelixRig) => Promise<T>): Promise<T> {
  const rig = await helixRig({ streams: 10 });
  try {
    return await body(rig);
  } finally {
    await rig.close();
  }
}

describe('ClipCollector against the local Helix server', () => {
  it('finds the sample week\'s clips, placed on their VOD or by created_at', () =>
    withRig(async (rig) => {
      const found = await new ClipCollector(rig.client, { clock: rig.clock.now }).collect('ChewieMelodies', ...WEEK);
      assert.deepEqual(found.broadcaster, { id: '67955580', login: 'chewiemelodies', displayName: 'ChewieMelodies' });
      assert.equal(found.clips.length, 8);
      assert.deepEqual(found.clips.map((c) => c.createdAtMs), [...found.clips.map((c) => c.createdAtMs)].sort((a, b) => a - b), 'in order of creation');
      const byId = new Map(found.clips.map((c) => [c.clipId, c]));
      // VOD 2150000002 starts 2024-05-08T18:00:00Z; offset 7,230 s → 20:00:30, 30 s long.
      const panda = byId.get('TinyRedPandaPogChamp')!;
      assert.deepEqual([panda.momentStartMs, panda.momentEndMs, panda.momentFrom, panda.vodCreatedAtMs], [
        Date.parse('2024-05-08T20:00:30Z'), Date.parse('2024-05-08T20:01:00Z'), 'vod', Date.parse('2024-05-08T18:00:00Z'),
      ]);
      assert.equal(byId.get('SwiftCalmJaguarKappaPride')!.momentFrom, 'created_at', 'its VOD is gone');
      assert.equal(byId.get('HappyBoldFalconSeemsGood')!.isFeatured, true);
      assert.ok(found.clips.every((c) => c.fetchedAtMs === rig.clock.now() && c.channel === 'chewiemelodies'));
      assert.deepEqual(
        [found.stats.slices, found.stats.splits, found.stats.pages, found.stats.videoLookups, found.stats.vodsGone, found.stats.fromVod, found.stats.fromCreatedAt],
        [7, 0, 7, 1, 1, 5, 3],
      );
    }));

  it('places every clip by created_at when Get Videos finds none of the VODs (404)', () =>
    withRig(async (rig) => {
      rig.server.deleteVideo('2150000001');
      rig.server.deleteVideo('2150000002');
      const found = await new ClipCollector(rig.client).collect('chewiemelodies', ...WEEK);
      assert.deepEqual([found.stats.fromVod, found.stats.fromCreatedAt, found.stats.vodsGone], [0, 8, 3]);
      const salamander = found.clips.find((c) => c.clipId === 'AwkwardHelplessSalamanderSwiftRage')!;
      // created_at 19:00:33, 30 s long.
      assert.deepEqual([salamander.momentStartMs, salamander.momentEndMs, salamander.vodCreatedAtMs], [Date.parse('2024-05-06T19:00:03Z'), Date.parse('2024-05-06T19:00:33Z'), null]);
    }));

  it('sets aside the clips Helix answers unusable, and refuses a login no user has', () =>
    withRig(async (rig) => {
      const template = loadClipsSample().clips.data[0]!;
      rig.server.addClips([
        { ...template, id: 'NegativeViews', view_count: -1 },
        { ...template, id: 'NotATime', created_at: '2024-05-09T25:61:00Z' },
      ]);
      const found = await new ClipCollector(rig.client).collect('chewiemelodies', ...WEEK);
      assert.equal(found.clips.length, 8);
      // NotATime has no created_at the server can filter by, so no time slice holds it.
      assert.deepEqual(found.rejected.map((r) => [(r.raw as HelixClip).id, r.error.context.field]), [['NegativeViews', 'view_count']]);
      await assert.rejects(new ClipCollector(rig.client).collect('nobody_has_this_login', ...WEEK), ConfigError);
    }));
});

describe('parseHelixClip', () => {
  const good = loadClipsSample().clips.data[2]! as HelixClip; // vod_offset null

  it('takes a documented clip field by field, vod_offset null kept as null', () => {
    const parsed = parseHelixClip(good, '67955580');
    assert.deepEqual([parsed.clipId, parsed.createdAtMs, parsed.durationSeconds, parsed.vodOffsetSeconds, parsed.viewCount, parsed.videoId], [
      'BrightFancyMoosePeteZaroll', Date.parse('2024-05-06T21:30:00Z'), 20, null, 80, '2150000001',
    ]);
  });

  it('names the field at fault', () => {
    const field = (patch: Partial<Record<keyof HelixClip, unknown>>, broadcaster = '67955580') => {
      try {
        parseHelixClip({ ...good, ...patch } as HelixClip, broadcaster);
        return 'accepted';
      } catch (error) {
        assert.ok(error instanceof HelixRecordError);
        return error.context.field;
      }
    };
    assert.equal(field({ id: '' }), 'id');
    assert.equal(field({}, '1'), 'broadcaster_id');
    assert.equal(field({ created_at: 'yesterday' }), 'created_at');
    assert.equal(field({ duration: 0 }), 'duration');
    assert.equal(field({ duration: null }), 'duration');
    assert.equal(field({ view_count: 1.5 }), 'view_count');
    assert.equal(field({ vod_offset: -3 }), 'vod_offset');
    assert.equal(field({ vod_offset: 12.5 }), 'vod_offset');
    assert.equal(field({ vod_offset: 0 }), 'accepted');
  });
});
