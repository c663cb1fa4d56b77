import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import { REPO_ROOT } from '../../core/config.ts';
import type { ChatEvent, ChatMessage } from '../../schemas/types.ts';
import { twitchDownloaderComment, twitchDownloaderEntries, twitchDownloaderVideo } from './twitchDownloader.ts';

const root = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/chatlogs/twitchdownloader.json`, 'utf8'));
const entries = () => [...twitchDownloaderEntries(root, () => 42)];

describe('TwitchDownloader chat JSON', () => {
  it('takes channel, room id and video start from streamer and video', () => {
    assert.deepEqual(twitchDownloaderVideo(root), { channel: 'examplechan', roomId: '123456', videoStartMs: Date.parse('2024-03-05T19:00:00Z') });
  });

  it('turns a comment into a chat message field by field', () => {
    const first = entries()[0]!;
    assert.equal(first.kind, 'message');
    assert.deepEqual((first as { value: ChatMessage }).value, {
      id: 'a0000000-0000-4000-8000-000000000001', channel: 'examplechan', roomId: '123456', userId: '900001', login: 'viewer_one',
      displayName: 'Viewer_One', text: 'hi Kappa', eventTimeMs: Date.parse('2024-03-05T19:00:05.123Z'), receivedAtMs: 42,
      badges: { subscriber: '12', moderator: '1' }, badgeInfo: {}, subscriberMonths: null, bits: 0,
      emotes: [{ id: '25', count: 1 }], emoteCount: 1, emoteOnly: false, firstMsg: false, returningChatter: false,
      mod: true, vip: false, subscriber: true, replyParentMsgId: null, replyParentUserLogin: null, sourceRoomId: null, sourceId: null,
    });
  });

  it('counts emotes from fragments, emote-only messages and bits', () => {
    const [, emoteOnly, cheer] = entries() as Array<{ value: ChatMessage }>;
    assert.deepEqual(emoteOnly!.value.emotes, [{ id: '25', count: 2 }]);
    assert.equal(emoteOnly!.value.emoteCount, 2);
    assert.equal(emoteOnly!.value.emoteOnly, true);
    assert.equal(cheer!.value.bits, 100);
    assert.equal(cheer!.value.emoteOnly, false);
  });

  it('falls back to video.created_at + content_offset_seconds when a comment has no created_at', () => {
    const fourth = entries()[3] as { value: ChatMessage };
    assert.equal(fourth.value.eventTimeMs, Date.parse('2024-03-05T19:00:00Z') + 65_500);
    assert.equal(fourth.value.roomId, '123456', 'room id from streamer.id when the comment has no channel_id');
  });

  it('makes a comment with user_notice_params.msg_id a chat event of that kind', () => {
    const fifth = entries()[4]!;
    assert.equal(fifth.kind, 'event');
    const e = (fifth as { value: ChatEvent }).value;
    assert.equal(e.kind, 'resub');
    assert.equal(e.msgId, 'resub');
    assert.equal(e.login, 'resubber');
    assert.equal(e.text, 'three months already');
    assert.equal(e.eventTimeMs, Date.parse('2024-03-05T19:02:00Z'));
  });

  it('counts a comment without commenter as malformed, with format and entry number', () => {
    const sixth = entries()[5]!;
    assert.equal(sixth.kind, 'malformed');
    const error = (sixth as { error: ChatLogEntryError }).error;
    assert.ok(error instanceof ChatLogEntryError);
    assert.equal(error.entry, 6);
    assert.equal(error.message, 'twitchdownloader-json entry 6: comment without commenter.name');
  });

  it('derives a stable id for a comment without _id', () => {
    const a = (entries()[6] as { value: ChatMessage }).value.id;
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal((entries()[6] as { value: ChatMessage }).value.id, a, 'the same on every read');
  });

  it('counts a comment with no time at all as malformed', () => {
    const video = { channel: 'c', roomId: '1', videoStartMs: null };
    const entry = twitchDownloaderComment({ commenter: { name: 'a' }, message: { body: 'x' }, content_offset_seconds: 3 }, 9, video, 0);
    assert.equal(entry.kind, 'malformed');
    assert.match((entry as { error: Error }).error.message, /entry 9: comment without created_at/);
  });

  it('uses the numeric id as the channel when the display name is localized', () => {
    assert.equal(twitchDownloaderVideo({ streamer: { name: '小明', id: 77 }, comments: [] }).channel, '77');
  });

  it('refuses a file that is not a TwitchDownloader chat JSON', () => {
    assert.throws(() => twitchDownloaderVideo({ streamer: { name: 'a', id: 1 } }), (e: unknown) => e instanceof ChatLogError && /"comments" array/.test(e.message));
    assert.throws(() => twitchDownloaderVideo({ comments: [] }), ChatLogError);
    assert.throws(() => twitchDownloaderVideo([]), ChatLogError);
  });

  it('yields one entry per comment: 5 messages, 1 event, 1 malformed', () => {
    const kinds = entries().map((e) => e.kind);
    assert.deepEqual(kinds, ['message', 'message', 'message', 'message', 'event', 'malformed', 'message']);
  });
});
