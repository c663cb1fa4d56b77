import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ChatLogEntryError, ChatLogError } from '../../core/errors.ts';
import { REPO_ROOT } from '../../core/config.ts';
import type { ChatMessage } from '../../schemas/types.ts';
import { justlogJsonRawLines, justlogNdjsonRawLine, justlogTextLine } from './justlog.ts';

const fixture = (name: string) => readFileSync(`${REPO_ROOT}/test/fixtures/chatlogs/${name}`, 'utf8');

describe('justlog and rustlog exports', () => {
  it('reads the text export: messages field by field, system lines as other, the rest malformed', () => {
    const lines = fixture('justlog.txt').split('\r\n').filter((l) => l !== '');
    const entries = lines.map((l, i) => justlogTextLine(l, i + 1, 3));
    assert.deepEqual(entries.map((e) => e.kind), ['message', 'other', 'message', 'malformed']);
    const m = (entries[0] as { value: ChatMessage }).value;
    assert.deepEqual({ ...m, id: 'x' }, {
      id: 'x', channel: 'examplechan', roomId: 'login:examplechan', userId: 'login:viewer_one', login: 'viewer_one',
      displayName: 'viewer_one', text: 'hello chat', eventTimeMs: Date.parse('2024-03-05T19:00:05Z'), receivedAtMs: 3,
      badges: {}, badgeInfo: {}, subscriberMonths: null, bits: 0, emotes: [], emoteCount: 0, emoteOnly: false, firstMsg: false,
      returningChatter: false, mod: false, vip: false, subscriber: false, replyParentMsgId: null, replyParentUserLogin: null,
      sourceRoomId: null, sourceId: null,
    });
    assert.equal((entries[2] as { value: ChatMessage }).value.text, 'a message with: a colon');
    assert.equal((entries[3] as { error: ChatLogEntryError }).error.message, 'justlog-text line 4: not a justlog text line ([YYYY-MM-DD hh:mm:ss] #channel login: text)');
  });

  it('reads justlog\'s unpadded days and rustlog\'s padded ones alike', () => {
    const a = justlogTextLine('[2024-03-5 09:00:05] #c a: b', 1, 0) as { value: ChatMessage };
    const b = justlogTextLine('[2024-03-05 09:00:05] #c a: b', 1, 0) as { value: ChatMessage };
    assert.equal(a.value.eventTimeMs, b.value.eventTimeMs);
    assert.equal(a.value.id, b.value.id, 'the same line and line number give the same id');
  });

  it('takes the raw IRC line of each message of the JSON export, or the reason it has none', () => {
    const out = [...justlogJsonRawLines(JSON.parse(fixture('justlog.json')))];
    assert.equal(out.length, 4);
    assert.ok(typeof out[0] === 'string' && out[0].startsWith('@tmi-sent-ts=1709665205123;') && out[0].endsWith('PRIVMSG #examplechan :hi Kappa'));
    assert.ok(out[3] instanceof ChatLogEntryError);
    assert.equal((out[3] as Error).message, 'justlog-json entry 4: message without a "raw" IRC line');
    assert.throws(() => [...justlogJsonRawLines({ messages: {} })], ChatLogError);
  });

  it('takes the raw IRC line of each NDJSON line, or the reason it has none', () => {
    const lines = fixture('rustlog.ndjson').split('\n').filter((l) => l !== '');
    const out = lines.map((l, i) => justlogNdjsonRawLine(l, i + 1));
    assert.deepEqual(out.map((o) => typeof o), ['string', 'string', 'string', 'object']);
    assert.match((out[3] as Error).message, /^justlog-ndjson line 4: not JSON: /);
    assert.equal((justlogNdjsonRawLine('{"text":"x"}', 9) as Error).message, 'justlog-ndjson line 9: message without a "raw" IRC line');
  });
});
