import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countEmotes, derivedId, derivedRoomId, derivedUserId, isLogin, isoMs, logEvent, logMessage } from './records.ts';

describe('chat-log records', () => {
  it('derives the same UUIDv8 from the same parts, and a different one from any other', () => {
    const id = derivedId('chatterino', 'xqc', 1_700_000_000_000, 'a', 'hi', 3);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(derivedId('chatterino', 'xqc', 1_700_000_000_000, 'a', 'hi', 3), id);
    assert.notEqual(derivedId('chatterino', 'xqc', 1_700_000_000_000, 'a', 'hi', 4), id);
    assert.notEqual(derivedId('chatterino', 'xqc', 1_700_000_000_000, 'a', 'hi3'), derivedId('chatterino', 'xqc', 1_700_000_000_000, 'a', 'hi', 3), 'parts are separated');
  });

  it('derives room and user ids from logins, never numeric', () => {
    assert.equal(derivedRoomId('xqc'), 'login:xqc');
    assert.equal(derivedUserId('viewer'), 'login:viewer');
    assert.ok(isLogin('a_1') && !isLogin('A b') && !isLogin('') && !isLogin('x'.repeat(26)));
  });

  it('fills what a format does not know with false, 0, null and empty', () => {
    const m = logMessage({ id: 'i', channel: 'c', roomId: 'r', userId: 'u', login: 'l', displayName: 'L', text: 't', eventTimeMs: 1, receivedAtMs: 2 }, { emotes: [{ id: '25', count: 3 }] });
    assert.equal(m.emoteCount, 3);
    assert.equal(m.bits, 0);
    assert.equal(m.subscriberMonths, null);
    const e = logEvent({ id: 'i', channel: 'c', roomId: 'r', msgId: 'brandnew', userId: 'u', login: 'l', displayName: 'L', eventTimeMs: 1, receivedAtMs: 2 });
    assert.equal(e.kind, 'unknown');
    assert.equal(e.msgId, 'brandnew');
    assert.equal(logEvent({ ...e, msgId: 'subgift' }).kind, 'subgift');
  });

  it('counts emotes in order of first appearance', () => {
    assert.deepEqual(countEmotes(['1', '2', '1']), [{ id: '1', count: 2 }, { id: '2', count: 1 }]);
    assert.deepEqual(countEmotes([]), []);
  });

  it('reads ISO-8601 times, one without a zone as UTC whatever the zone of the machine', () => {
    assert.equal(isoMs('2024-03-05T19:00:05.1234567Z'), 1709665205123);
    assert.equal(isoMs('2024-03-05T20:00:05+01:00'), 1709665205000);
    assert.equal(isoMs('2024-03-05T19:00:05'), 1709665205000);
    assert.equal(isoMs('2024-03-05T19:00:05.5'), 1709665205500);
    assert.ok(Number.isNaN(isoMs('yesterday')));
  });
});
