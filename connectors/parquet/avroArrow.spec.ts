import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedSchemaError } from '../../core/errors.ts';
import { TOPICS, loadSchema } from '../../schemas/catalogue.ts';
import { avroToArrow } from './avroArrow.ts';

const columns = (schema: unknown) =>
  Object.fromEntries(avroToArrow(schema).fields.map((f) => [f.name, `${f.type}${f.nullable ? '?' : ''}`]));

describe('avroToArrow', () => {
  it('types every chat message column from chat-message.avsc', () => {
    assert.deepEqual(columns(loadSchema(TOPICS.chatMessages)), {
      id: 'Utf8', channel: 'Utf8', roomId: 'Utf8', userId: 'Utf8', login: 'Utf8', displayName: 'Utf8', text: 'Utf8',
      eventTimeMs: 'Int64', receivedAtMs: 'Int64',
      badges: 'Map<{key:Utf8, value:Utf8}>', badgeInfo: 'Map<{key:Utf8, value:Utf8}>',
      subscriberMonths: 'Int32?', bits: 'Int32',
      emotes: 'List<Struct<{id:Utf8, count:Int32}>>',
      emoteCount: 'Int32', emoteOnly: 'Bool', firstMsg: 'Bool', returningChatter: 'Bool', mod: 'Bool', vip: 'Bool', subscriber: 'Bool',
      replyParentMsgId: 'Utf8?', replyParentUserLogin: 'Utf8?', sourceRoomId: 'Utf8?', sourceId: 'Utf8?',
    });
    assert.equal(avroToArrow(loadSchema(TOPICS.chatMessages)).fullName, 'tv.twitchpulse.chat.ChatMessage');
  });

  it('types chat events: the kind enum as its symbol text, optional ints and strings, params and tags as maps', () => {
    const c = columns(loadSchema(TOPICS.chatEvents));
    assert.deepEqual(Object.keys(c), (loadSchema(TOPICS.chatEvents).fields as Array<{ name: string }>).map((f) => f.name));
    assert.equal(c.kind, 'Utf8');
    assert.equal(c.eventTimeMs, 'Int64');
    assert.equal(c.cumulativeMonths, 'Int32?');
    assert.equal(c.viewerCount, 'Int32?');
    assert.equal(c.subPlan, 'Utf8?');
    assert.equal(c.userId, 'Utf8');
    assert.equal(c.params, 'Map<{key:Utf8, value:Utf8}>');
    assert.equal(c.tags, 'Map<{key:Utf8, value:Utf8}>');
  });

  it('types moderation records and stream snapshots', () => {
    assert.deepEqual(columns(loadSchema(TOPICS.moderation)), {
      kind: 'Utf8', channel: 'Utf8', roomId: 'Utf8', targetUserId: 'Utf8?', targetLogin: 'Utf8?', durationSeconds: 'Int32?',
      targetMsgId: 'Utf8?', text: 'Utf8?', eventTimeMs: 'Int64', receivedAtMs: 'Int64',
    });
    assert.deepEqual(columns(loadSchema(TOPICS.streamSnapshots)), {
      sweepId: 'Utf8', observedAtMs: 'Int64', streamId: 'Utf8', userId: 'Utf8', login: 'Utf8', displayName: 'Utf8', viewerCount: 'Int32',
      gameId: 'Utf8', gameName: 'Utf8', title: 'Utf8', language: 'Utf8', startedAtMs: 'Int64', isMature: 'Bool', thumbnailUrl: 'Utf8',
      tags: 'List<Utf8>', broadcasterType: 'Utf8?', boxArtUrl: 'Utf8?',
    });
  });

  it('maps the rest of Avro: float, bytes, fixed, null second in a union, nested records, named references, logical types', () => {
    const schema = {
      type: 'record', name: 'All', namespace: 'x.y', fields: [
        { name: 'f', type: 'float' }, { name: 'd', type: 'double' }, { name: 'b', type: 'bytes' },
        { name: 'fx', type: { type: 'fixed', name: 'Hash', size: 4 } }, { name: 'fx2', type: 'Hash' },
        { name: 'late', type: ['string', 'null'] },
        { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'n', type: 'long' }] } },
        { name: 'again', type: ['null', 'x.y.Inner'] },
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'nested', type: { type: 'map', values: { type: 'array', items: ['null', 'int'] } } },
      ],
    };
    assert.deepEqual(columns(schema), {
      f: 'Float32', d: 'Float64', b: 'Binary', fx: 'FixedSizeBinary[4]', fx2: 'FixedSizeBinary[4]', late: 'Utf8?',
      inner: 'Struct<{n:Int64}>', again: 'Struct<{n:Int64}>?', ts: 'Int64', nested: 'Map<{key:Utf8, value:List<Int32>}>',
    });
  });

  it('reads Arrow values back in avsc shapes: bigint longs as numbers, map entries as objects, lists as arrays', () => {
    const mapping = avroToArrow(loadSchema(TOPICS.chatMessages));
    const back = mapping.fromArrow({
      eventTimeMs: 1_700_000_000_123n, receivedAtMs: 2n ** 53n - 1n, badges: new Map([['subscriber', '12'], ['vip', '1']]), badgeInfo: new Map(),
      subscriberMonths: null, emotes: [{ id: '25', count: 3 }], text: 'Kappa',
    });
    assert.equal(back.eventTimeMs, 1_700_000_000_123);
    assert.equal(back.receivedAtMs, 2 ** 53 - 1);
    assert.deepEqual(back.badges, { subscriber: '12', vip: '1' });
    assert.deepEqual(back.badgeInfo, {});
    assert.equal(back.subscriberMonths, null);
    assert.deepEqual(back.emotes, [{ id: '25', count: 3 }]);
    assert.equal(back.text, 'Kappa');
  });

  it('refuses what Parquet columns cannot hold, with a typed error', () => {
    const record = (type: unknown) => ({ type: 'record', name: 'R', fields: [{ name: 'x', type }] });
    assert.throws(() => avroToArrow(record(['null', 'int', 'string'])), UnsupportedSchemaError);
    assert.throws(() => avroToArrow(record(['int', 'string'])), UnsupportedSchemaError);
    assert.throws(() => avroToArrow(record('Nope')), UnsupportedSchemaError);
    assert.throws(() => avroToArrow({ type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] }), /refers to itself/);
    assert.throws(() => avroToArrow('string'), /top level must be a record/);
  });
});
