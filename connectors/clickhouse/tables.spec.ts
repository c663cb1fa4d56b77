import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { Session } from 'chdb';
import { migrate } from '../../clickhouse/migrations.ts';
import { chdbSql } from '../../test/support/chdbSql.ts';
import { insightDataSet } from '../../test/support/insightData.ts';
import { pipelineHealthData } from '../../test/support/pipelineHealthData.ts';
import type { Clip } from '../../schemas/types.ts';
import { parseChatLine } from '../twitch/chatRecord.ts';
import { RowRejectedError } from '../../core/errors.ts';
import { TABLE_MAPPINGS } from './tables.ts';

// One clip placed on its VOD, one without a VOD offset (null columns become -1).
const CLIPS: Clip[] = [
  {
    clipId: 'AwkwardHelplessSalamanderSwiftRage', broadcasterId: '67955580', channel: 'chewiemelodies', broadcasterName: 'ChewieMelodies',
    creatorId: '53834192', creatorName: 'BlackNova03', videoId: '205586603', gameId: '488191', language: 'en', title: 'babymetal',
    viewCount: 10, createdAtMs: Date.parse('2024-05-06T19:00:40Z'), durationSeconds: 12.9, vodOffsetSeconds: 3600,
    vodCreatedAtMs: Date.parse('2024-05-06T18:00:00Z'), momentStartMs: Date.parse('2024-05-06T19:00:00Z'), momentEndMs: Date.parse('2024-05-06T19:00:12.900Z'),
    momentFrom: 'vod', url: 'https://clips.twitch.tv/AwkwardHelplessSalamanderSwiftRage', embedUrl: '', thumbnailUrl: '', isFeatured: false,
    fetchedAtMs: Date.parse('2024-05-13T00:00:00Z'),
  },
  {
    clipId: 'NoVodClip', broadcasterId: '67955580', channel: 'chewiemelodies', broadcasterName: 'ChewieMelodies',
    creatorId: '1', creatorName: 'someone', videoId: '', gameId: '488191', language: 'en', title: 'no vod',
    viewCount: 3, createdAtMs: Date.parse('2024-05-07T10:00:00Z'), durationSeconds: 20, vodOffsetSeconds: null, vodCreatedAtMs: null,
    momentStartMs: Date.parse('2024-05-07T09:59:40Z'), momentEndMs: Date.parse('2024-05-07T10:00:00Z'), momentFrom: 'created_at',
    url: '', embedUrl: '', thumbnailUrl: '', isFeatured: true, fetchedAtMs: Date.parse('2024-05-13T00:00:00Z'),
  },
];

const RECORDS_BY_TOPIC = (() => {
  const data = insightDataSet();
  const health = pipelineHealthData(data.planted.allHypeHour.beginMs);
  // Tagged lines only: the fixture also holds untagged ones that the parser rightly refuses.
  const recorded = readFileSync(new URL('../../test/fixtures/irc/moderation.log', import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('@'));
  const moderation = recorded.map((line) => parseChatLine(line, 0)).flatMap((r) => (r.kind === 'moderation' ? [r.value] : []));
  return {
    chatMessages: data.messages, chatEvents: data.events, moderation: [...data.moderation, ...moderation], chatRates: data.chatRates,
    subActivity: data.subActivity, subBursts: data.subBursts, hype: data.hype, hypeStarts: data.hypeStarts, adWindows: data.adWindows,
    streamSnapshots: data.streamSnapshots, categoryChanges: data.categoryChanges,
    deadLetter: health.deadLetters, lateRecords: health.lateRecords, clips: CLIPS,
  } as Record<string, unknown[]>;
})();

describe('TABLE_MAPPINGS against the migrated tables (current ClickHouse, chdb)', () => {
  const session = new Session();
  after(() => session.cleanup());

  it('covers every table once, with exactly the columns of its table, and ClickHouse takes the rows', async () => {
    const sql = chdbSql(session, 'mappings');
    await migrate(sql);
    assert.equal(new Set(TABLE_MAPPINGS.map((m) => m.table)).size, TABLE_MAPPINGS.length);
    for (const mapping of TABLE_MAPPINGS) {
      const records = RECORDS_BY_TOPIC[mapping.topic]!;
      assert.ok(records.length > 0, `${mapping.topic}: test data has records`);
      const rows = records.slice(0, 200).map((r) => mapping.toRow(r as never));
      const columns = (await sql.rows<{ name: string }>(`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '${mapping.table}'`)).map((c) => c.name);
      assert.deepEqual(Object.keys(rows[0]!).sort(), columns.sort(), `${mapping.table}: row keys are the table's columns`);
      // Without collapsing on insert: the test data may hold two rows with one identity.
      await sql.command(`INSERT INTO ${mapping.table} SETTINGS optimize_on_insert = 0 FORMAT JSONEachRow ${rows.map((r) => JSON.stringify(r)).join('\n')}`);
      const [count] = await sql.rows<{ n: number }>(`SELECT count() AS n FROM ${mapping.table}`);
      assert.equal(Number(count!.n), rows.length, `${mapping.table}: every row went in`);
    }
  });

  it('maps a recorded Twitch message field by field', () => {
    const line = '@badge-info=subscriber/14;badges=subscriber/12,bits/1000;bits=100;color=#FF0000;display-name=Kappa_Fan;emotes=25:0-4,6-10;first-msg=0;id=abc-1;mod=0;returning-chatter=1;room-id=22484632;subscriber=1;tmi-sent-ts=1700000000123;turbo=0;user-id=1234;user-type= :kappa_fan!kappa_fan@kappa_fan.tmi.twitch.tv PRIVMSG #forsen :Kappa Kappa cheer100';
    const record = parseChatLine(line, 1_700_000_000_500);
    assert.equal(record.kind, 'message');
    const row = TABLE_MAPPINGS.find((m) => m.table === 'chat_messages')!.toRow((record as { value: unknown }).value as never);
    assert.equal(row.event_time, 1_700_000_000);
    assert.equal(row.event_time_ms, 1_700_000_000_123);
    assert.deepEqual([row.badge_names, row.badge_versions], [['subscriber', 'bits'], ['12', '1000']]);
    assert.deepEqual([row.emote_ids, row.emote_counts, row.bits, row.subscriber_months], [['25'], [2], 100, 14]);
    assert.deepEqual([row.is_subscriber, row.is_mod, row.returning_chatter, row.reply_parent_msg_id], [1, 0, 1, '']);
  });

  it('keeps a dead letter\'s raw bytes (not UTF-8) as base64 and marks a missing Kafka source with \'\' and -1', () => {
    const row = TABLE_MAPPINGS.find((m) => m.table === 'dead_letters')!.toRow({
      stage: 'ingest', errorCode: 'IRC_MALFORMED', reason: 'no tmi-sent-ts', sourceTopic: null, sourcePartition: null, sourceOffset: null,
      channel: null, raw: Buffer.from([0xff, 0x00, 0x41]), occurredAtMs: 1_700_000_000_123,
    } as never);
    assert.deepEqual([row.raw_base64, row.raw_bytes, row.source_topic, row.source_partition, row.channel, row.occurred_at], ['/wBB', 3, '', -1, '', 1_700_000_000]);
  });

  it('writes a clip without a VOD offset or VOD start as -1, not as 0 (18.16 would store null as 0)', () => {
    const row = TABLE_MAPPINGS.find((m) => m.table === 'clips')!.toRow(CLIPS[1] as never);
    assert.deepEqual([row.vod_offset_seconds, row.vod_created_at_ms, row.moment_from, row.is_featured, row.created_at], [-1, -1, 'created_at', 1, Date.parse('2024-05-07T10:00:00Z') / 1000]);
  });

  it('writes an ad window\'s cancellation and a hype\'s alert flag, with the version columns of migration 0007', () => {
    const ad = TABLE_MAPPINGS.find((m) => m.table === 'ad_windows')!;
    const window = { channel: 'c', roomId: '1', startMs: 1_700_000_000_000, endMs: 1_700_000_060_000, score: 0.5, reason: 'r', ratePerMin: 60, baselineRatePerMin: 50, cancelledAtMs: null };
    assert.deepEqual([ad.toRow(window as never).cancelled_at_ms, ad.toRow(window as never).cancelled], [null, 0]);
    const cancelled = ad.toRow({ ...window, cancelledAtMs: 1_700_000_030_000 } as never);
    assert.deepEqual([cancelled.cancelled_at_ms, cancelled.cancelled], [1_700_000_030_000, 1]);
    assert.throws(() => ad.toRow({ ...window, cancelledAtMs: -5 } as never), RowRejectedError);
    const { cancelledAtMs: _, ...older } = window;
    assert.deepEqual([ad.toRow(older as never).cancelled_at_ms, ad.toRow(older as never).cancelled], [null, 0], 'a record written before the field');
    const starts = TABLE_MAPPINGS.find((m) => m.table === 'hype_starts')!;
    const start = { channel: 'c', roomId: '1', beginMs: 1_700_000_000_000, messages: 10, ratePerMin: 60, baselineRatePerMin: 6, zScore: 9 };
    assert.deepEqual([starts.toRow({ ...start, alert: true } as never).alert, starts.toRow({ ...start, alert: false } as never).alert, starts.toRow(start as never).alert], [1, 0, 0]);
  });

  it('files a late record under the stream time it arrived at', () => {
    const row = TABLE_MAPPINGS.find((m) => m.table === 'late_records')!.toRow({
      operator: 'chat_rate_10s', channel: 'xqc', sourceTopic: 'twitch.chat.messages', sourcePartition: 2, sourceOffset: '77',
      eventTimeMs: 1_000_000, streamTimeMs: 1_700_000_005_000, windowStartMs: 1_000_000 - 1_000_000 % 10_000, windowEndMs: 1_010_000, graceMs: 5000,
    } as never);
    assert.deepEqual([row.stream_time, row.event_time_ms, row.source_partition, row.source_offset], [1_700_000_005, 1_000_000, 2, '77']);
  });
});
