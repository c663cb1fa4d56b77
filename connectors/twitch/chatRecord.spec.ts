import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IrcParseError } from '../../core/errors.ts';
import type { ChatEvent, ChatMessage, Moderation } from '../../schemas/types.ts';
import { parseChatLine, type ChatRecord } from './chatRecord.ts';

function message(raw: string): ChatMessage {
  const r = parseChatLine(raw, 42);
  assert.equal(r.kind, 'message');
  return (r as Extract<ChatRecord, { kind: 'message' }>).value;
}
function event(raw: string): ChatEvent {
  const r = parseChatLine(raw, 42);
  assert.equal(r.kind, 'event');
  return (r as Extract<ChatRecord, { kind: 'event' }>).value;
}
function moderation(raw: string): Moderation {
  const r = parseChatLine(raw, 42);
  assert.equal(r.kind, 'moderation');
  return (r as Extract<ChatRecord, { kind: 'moderation' }>).value;
}

describe('parseChatLine: PRIVMSG', () => {
  it('types every field a chat message keeps', () => {
    const m = message('@badge-info=subscriber/14;badges=subscriber/12,vip/1;bits=100;color=#1E90FF;display-name=Some\\sViewer;emote-only=0;emotes=25:0-4,12-16/1902:6-10;first-msg=1;id=b34c-01;mod=0;reply-parent-msg-id=p-1;reply-parent-user-login=other;returning-chatter=1;room-id=71092938;subscriber=1;tmi-sent-ts=1700000000123;user-id=123;vip=1 :someviewer!someviewer@someviewer.tmi.twitch.tv PRIVMSG #xqc :Kappa Keepo Kappa cheer100');
    assert.deepEqual({ ...m }, {
      id: 'b34c-01', channel: 'xqc', roomId: '71092938', userId: '123', login: 'someviewer', displayName: 'Some Viewer',
      text: 'Kappa Keepo Kappa cheer100', eventTimeMs: 1_700_000_000_123, receivedAtMs: 42,
      badges: { subscriber: '12', vip: '1' }, badgeInfo: { subscriber: '14' }, subscriberMonths: 14, bits: 100,
      emotes: [{ id: '25', count: 2 }, { id: '1902', count: 1 }], emoteCount: 3, emoteOnly: false, firstMsg: true,
      returningChatter: true, mod: false, vip: true, subscriber: true, replyParentMsgId: 'p-1', replyParentUserLogin: 'other',
      sourceRoomId: null, sourceId: null,
    });
  });

  it('keeps shared-chat source ids, every script, /me actions and invisible filler', () => {
    const m = message('@badges=;display-name=日本語;emotes=;id=m2;room-id=1;source-id=s-9;source-room-id=2;tmi-sent-ts=5;user-id=9 :nihongo!nihongo@nihongo.tmi.twitch.tv PRIVMSG #b :\u0001ACTION こんにちは مرحبا Привет 🎉 \u{E0000}\u0001');
    assert.equal(m.sourceRoomId, '2');
    assert.equal(m.sourceId, 's-9');
    assert.equal(m.displayName, '日本語');
    assert.equal(m.text, '\u0001ACTION こんにちは مرحبا Привет 🎉 \u{E0000}\u0001');
  });

  it('falls back to the login when display-name is empty and takes text without a leading colon', () => {
    const m = message('@display-name=;id=m3;room-id=1;tmi-sent-ts=5 :lurker!lurker@lurker.tmi.twitch.tv PRIVMSG #b hello');
    assert.equal(m.displayName, 'lurker');
    assert.equal(m.text, 'hello');
    assert.equal(m.userId, '');
  });

  it('reads tags without a value, wherever they stand', () => {
    const m = message('@flag;id=m4;room-id=1;tmi-sent-ts=5;x;user-id=3;y :a!a@a PRIVMSG #b :hi');
    assert.deepEqual([m.id, m.roomId, m.userId, m.eventTimeMs], ['m4', '1', '3', 5]);
  });

  it('refuses a PRIVMSG it cannot place in time or channel', () => {
    for (const raw of [
      '@id=1;room-id=1 :a!a@a PRIVMSG #b :no time',
      '@id=1;room-id=1;tmi-sent-ts=soon :a!a@a PRIVMSG #b :bad time',
      '@id=1;tmi-sent-ts=5 :a!a@a PRIVMSG #b :no room',
      '@room-id=1;tmi-sent-ts=5 :a!a@a PRIVMSG #b :no id',
      '@id=1;room-id=1;tmi-sent-ts=5 :a!a@a PRIVMSG b :no hash',
      '@id=1;room-id=1;tmi-sent-ts=5 :a!a@a PRIVMSG #b',
    ]) assert.throws(() => parseChatLine(raw, 0), IrcParseError, raw);
  });
});

describe('parseChatLine: USERNOTICE', () => {
  it('types a mystery gift and keeps every param and tag', () => {
    const e = event('@badge-info=;badges=staff/1;display-name=Gifter;id=ev-1;login=gifter;msg-id=submysterygift;msg-param-mass-gift-count=5;msg-param-origin-id=7f\\s3a;msg-param-sender-count=25;msg-param-sub-plan=1000;room-id=11;system-msg=Gifter\\sis\\sgifting\\s5;tmi-sent-ts=1700000000000;user-id=77 :tmi.twitch.tv USERNOTICE #chan');
    assert.equal(e.kind, 'submysterygift');
    assert.equal(e.massGiftCount, 5);
    assert.equal(e.senderCount, 25);
    assert.equal(e.subPlan, '1000');
    assert.equal(e.originId, '7f 3a');
    assert.equal(e.systemMsg, 'Gifter is gifting 5');
    assert.equal(e.text, null);
    assert.equal(e.params['mass-gift-count'], '5');
    assert.equal(e.tags['msg-id'], 'submysterygift');
  });

  it('types resub months, a subgift recipient and a raid', () => {
    const resub = event('@id=r;login=a;msg-id=resub;msg-param-cumulative-months=10;msg-param-streak-months=3;msg-param-sub-plan=Prime;room-id=1;tmi-sent-ts=5;user-id=2 :tmi.twitch.tv USERNOTICE #c :Great stream');
    assert.deepEqual([resub.kind, resub.cumulativeMonths, resub.streakMonths, resub.subPlan, resub.text], ['resub', 10, 3, 'Prime', 'Great stream']);
    const gift = event('@id=g;login=a;msg-id=subgift;msg-param-gift-months=1;msg-param-origin-id=o1;msg-param-recipient-display-name=Bob;msg-param-recipient-id=9;msg-param-recipient-user-name=bob;msg-param-sub-plan=2000;room-id=1;tmi-sent-ts=5;user-id=2 :tmi.twitch.tv USERNOTICE #c');
    assert.deepEqual([gift.recipientLogin, gift.recipientId, gift.recipientDisplayName, gift.giftMonths, gift.originId], ['bob', '9', 'Bob', 1, 'o1']);
    const raid = event('@id=x;login=raider;msg-id=raid;msg-param-displayName=Raider;msg-param-login=raider;msg-param-viewerCount=1234;room-id=1;tmi-sent-ts=5;user-id=2 :tmi.twitch.tv USERNOTICE #c');
    assert.deepEqual([raid.kind, raid.viewerCount, raid.raiderLogin], ['raid', 1234, 'raider']);
  });

  it('keeps a shared-chat notice with its source msg-id and room, and an unknown msg-id with raw tags', () => {
    const shared = event('@id=s;login=a;msg-id=sharedchatnotice;source-id=orig;source-msg-id=subgift;source-room-id=555;room-id=1;tmi-sent-ts=5;user-id=2 :tmi.twitch.tv USERNOTICE #c');
    assert.deepEqual([shared.kind, shared.sourceMsgId, shared.sourceRoomId, shared.sourceId], ['sharedchatnotice', 'subgift', '555', 'orig']);
    const unknown = event('@id=u;msg-id=brandnewthing;msg-param-weird=1;room-id=1;tmi-sent-ts=5 :tmi.twitch.tv USERNOTICE #c');
    assert.deepEqual([unknown.kind, unknown.msgId, unknown.params.weird, unknown.tags['msg-id']], ['unknown', 'brandnewthing', '1', 'brandnewthing']);
    const none = event('@id=n;room-id=1;tmi-sent-ts=5 :tmi.twitch.tv USERNOTICE #c');
    assert.deepEqual([none.kind, none.msgId], ['unknown', '']);
  });
});

describe('parseChatLine: moderation and control', () => {
  it('tells timeouts, bans, clears and deleted messages apart', () => {
    const t = moderation('@ban-duration=350;room-id=12345678;target-user-id=87654321;tmi-sent-ts=1642719320727 :tmi.twitch.tv CLEARCHAT #dallas :ronni');
    assert.deepEqual([t.kind, t.durationSeconds, t.targetLogin, t.targetUserId], ['timeout', 350, 'ronni', '87654321']);
    assert.equal(moderation('@room-id=1;target-user-id=2;tmi-sent-ts=5 :tmi.twitch.tv CLEARCHAT #dallas :ronni').kind, 'ban');
    assert.equal(moderation('@room-id=1;tmi-sent-ts=5 :tmi.twitch.tv CLEARCHAT #dallas').kind, 'clearchat');
    const d = moderation('@login=foo;room-id=;target-msg-id=94e6c7ff;tmi-sent-ts=1642720582342 :tmi.twitch.tv CLEARMSG #bar :what a great day');
    assert.deepEqual([d.kind, d.targetLogin, d.targetMsgId, d.text, d.roomId], ['clearmsg', 'foo', '94e6c7ff', 'what a great day', '']);
  });

  it('passes other commands through as control lines', () => {
    assert.deepEqual(parseChatLine('PING :tmi.twitch.tv', 0), { kind: 'control', command: 'PING' });
    assert.deepEqual(parseChatLine('@emote-only=0;room-id=1 :tmi.twitch.tv ROOMSTATE #c', 0), { kind: 'control', command: 'ROOMSTATE' });
  });
});
