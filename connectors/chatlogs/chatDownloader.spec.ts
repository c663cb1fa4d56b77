import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import { REPO_ROOT } from '../../core/config.ts';
import type { ChatEvent, ChatMessage } from '../../schemas/types.ts';
import { chatDownloaderEntries, chatDownloaderItem } from './chatDownloader.ts';

const root = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/chatlogs/chat-downloader.json`, 'utf8'));
const entries = () => [...chatDownloaderEntries(root, { channel: 'examplechan' }, () => 7)];
const message = (i: number) => (entries()[i] as { value: ChatMessage }).value;
const event = (i: number) => (entries()[i] as { value: ChatEvent }).value;

describe('chat-downloader JSON', () => {
  it('turns a live-chat item into a chat message field by field (timestamp in µs)', () => {
    assert.deepEqual(message(0), {
      id: 'b0000000-0000-4000-8000-000000000001', channel: 'examplechan', roomId: '123456', userId: '900001', login: 'viewer_one',
      displayName: 'Viewer_One', text: 'hi Kappa Kappa', eventTimeMs: 1709665205123, receivedAtMs: 7,
      badges: { subscriber: '12' }, badgeInfo: {}, subscriberMonths: 14, bits: 0,
      emotes: [{ id: '25', count: 2 }], emoteCount: 2, emoteOnly: false, firstMsg: false, returningChatter: false,
      mod: false, vip: false, subscriber: true, replyParentMsgId: null, replyParentUserLogin: null, sourceRoomId: null, sourceId: null,
    });
  });

  it('counts VOD emote locations given as one comma-separated string, and derives the room id from the channel', () => {
    const m = message(1);
    assert.deepEqual(m.emotes, [{ id: '25', count: 2 }]);
    assert.equal(m.emoteOnly, true);
    assert.equal(m.roomId, 'login:examplechan');
    assert.equal(m.eventTimeMs, 1709665220000);
  });

  it('reads bits, first messages and moderators', () => {
    const m = message(2);
    assert.equal(m.bits, 100);
    assert.equal(m.firstMsg, true);
    assert.equal(m.mod, true);
  });

  it('maps subscription message types back to Twitch msg-ids with their parameters', () => {
    const resub = event(3);
    assert.equal(resub.kind, 'resub');
    assert.equal(resub.cumulativeMonths, 3);
    assert.equal(resub.subPlan, '1000');
    assert.equal(resub.subPlanName, 'Channel Subscription (examplechan)');
    assert.equal(resub.text, 'three months already');
    assert.equal(resub.systemMsg, "Resubber subscribed at Tier 1. They've subscribed for 3 months!");
    const gift = event(4);
    assert.equal(gift.kind, 'submysterygift');
    assert.equal(gift.massGiftCount, 5);
    assert.equal(gift.senderCount, 25);
    assert.equal(gift.originId, '4f 1a');
    assert.equal(gift.login, 'gifter');
    const raid = event(5);
    assert.equal(raid.kind, 'raid');
    assert.equal(raid.viewerCount, 42);
    assert.equal(raid.raiderLogin, 'raider');
    assert.equal(raid.eventTimeMs, 1709665340000);
  });

  it('counts items that are neither messages nor events (a ban) as other', () => {
    assert.equal(entries()[6]!.kind, 'other');
  });

  it('counts an item without a timestamp as malformed, naming the entry', () => {
    const last = entries()[7]!;
    assert.equal(last.kind, 'malformed');
    const error = (last as { error: ChatLogEntryError }).error;
    assert.ok(error instanceof ChatLogEntryError);
    assert.equal(error.message, 'chat-downloader-json entry 8: item without a numeric timestamp');
  });

  it('counts a message without an author as malformed and derives ids for items without one', () => {
    assert.equal(chatDownloaderItem({ message: 'x', timestamp: 1e15 }, 2, { channel: 'c' }, 0).kind, 'malformed');
    const a = chatDownloaderItem({ message: 'x', timestamp: 1e15, author: { name: 'A' } }, 2, { channel: 'c' }, 0) as { value: ChatMessage };
    const b = chatDownloaderItem({ message: 'x', timestamp: 1e15, author: { name: 'A' } }, 3, { channel: 'c' }, 0) as { value: ChatMessage };
    assert.equal(a.value.login, 'a');
    assert.equal(a.value.userId, 'login:a');
    assert.notEqual(a.value.id, b.value.id, 'the entry number keeps identical items apart');
    assert.equal(a.value.id, (chatDownloaderItem({ message: 'x', timestamp: 1e15, author: { name: 'A' } }, 2, { channel: 'c' }, 0) as { value: ChatMessage }).value.id);
  });

  it('refuses a root that is not an array', () => {
    assert.throws(() => [...chatDownloaderEntries({}, { channel: 'c' }, () => 0)], ChatLogError);
  });

  it('yields one entry per item', () => {
    assert.deepEqual(entries().map((e) => e.kind), ['message', 'message', 'message', 'event', 'event', 'event', 'other', 'malformed']);
  });
});
