import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MissingMagicByteError } from '../../core/errors.ts';
import type { TailRecord } from '../../connectors/kafka/tail.ts';
import type { ChatEvent, ChatMessage, DeadLetter } from '../../schemas/types.ts';
import { GENERIC_FORMATTER, TAIL_FORMATTERS } from './formatters.ts';
import { jsonLine, passes, textLine, type TailOutcome } from './render.ts';

const T = Date.UTC(2024, 4, 1, 12, 0, 0);
const record = (over: Partial<TailRecord> = {}): TailRecord => ({
  topic: 'twitch.chat.messages', partition: 2, offset: '15', timestampMs: T, key: Buffer.from('71092938'), value: Buffer.from([0]), ...over,
});
const message = (over: Partial<ChatMessage> = {}): ChatMessage => ({
  id: 'm1', channel: 'xqc', roomId: '71092938', userId: '1', login: 'ronni', displayName: 'Ronni', text: 'hello', eventTimeMs: T, receivedAtMs: T,
  badges: {}, badgeInfo: {}, subscriberMonths: null, bits: 0, emotes: [], emoteCount: 0, emoteOnly: false, firstMsg: false, returningChatter: false,
  mod: false, vip: false, subscriber: false, replyParentMsgId: null, replyParentUserLogin: null, sourceRoomId: null, sourceId: null, ...over,
});
const event = (over: Partial<ChatEvent> = {}): ChatEvent => ({
  id: 'e1', channel: 'xqc', roomId: '71092938', kind: 'submysterygift', msgId: 'submysterygift', sourceMsgId: null, sourceRoomId: null, sourceId: null,
  userId: '2', login: 'gifter', displayName: 'Gifter', text: null, systemMsg: null, eventTimeMs: T, receivedAtMs: T, cumulativeMonths: null,
  streakMonths: null, subPlan: '1000', subPlanName: null, giftMonths: null, massGiftCount: 5, senderCount: null, recipientId: null, recipientLogin: null,
  recipientDisplayName: null, originId: null, viewerCount: null, raiderLogin: null, bitsThreshold: null, params: {}, tags: {}, ...over,
});
const letter = (raw: Buffer): DeadLetter => ({
  stage: 'replay', errorCode: 'IRC_MALFORMED', reason: 'PRIVMSG without tag id', sourceTopic: 'twitch.chat.messages', sourcePartition: 3, sourceOffset: '42', channel: 'xqc', raw, occurredAtMs: T,
});
const ok = (value: unknown, over: Partial<TailRecord> = {}): TailOutcome => ({ record: record(over), schemaId: 7, value });
const HEAD = '2024-05-01T12:00:00.000Z p2@15 key=71092938';

describe('textLine', () => {
  it('shows a chat message as channel, login and text after time, partition, offset and key', () => {
    assert.equal(textLine(TAIL_FORMATTERS.chatMessages, ok(message())), `${HEAD} #xqc ronni: hello`);
    assert.equal(textLine(TAIL_FORMATTERS.chatMessages, ok(message({ bits: 100 }), { key: null })), '2024-05-01T12:00:00.000Z p2@15 key=- #xqc ronni: hello [bits=100]');
    assert.equal(textLine(TAIL_FORMATTERS.chatMessages, ok(message(), { timestampMs: -1, key: Buffer.alloc(0) })), '- p2@15 key="" #xqc ronni: hello', 'no Kafka timestamp, empty key');
  });

  it('escapes hostile chat text, logins and keys so nothing reaches the terminal raw', () => {
    const line = textLine(TAIL_FORMATTERS.chatMessages, ok(message({ login: 'a\x1b[31m', text: 'hi\x1b[2J\x1b[1;1H\r\nfake line\u202e' }), { key: Buffer.from('k\x07') }));
    assert.equal(line, '2024-05-01T12:00:00.000Z p2@15 key=k\\x07 #xqc a\\x1b[31m: hi\\x1b[2J\\x1b[1;1H\\r\\nfake line\\u202e');
    assert.doesNotMatch(line, /[\x00-\x1f\x7f-\x9f]/);
  });

  it('shows a chat event with its kind, plan and gift count, and the msg-id of an unknown kind', () => {
    assert.equal(textLine(TAIL_FORMATTERS.chatEvents, ok(event())), `${HEAD} #xqc submysterygift gifter plan=1000 gifts=5`);
    assert.equal(textLine(TAIL_FORMATTERS.chatEvents, ok(event({ kind: 'unknown', msgId: 'newthing', subPlan: null, massGiftCount: null, text: 'yo' }))), `${HEAD} #xqc unknown(msg-id=newthing) gifter: yo`);
    assert.equal(textLine(TAIL_FORMATTERS.chatEvents, ok(event({ kind: 'raid', msgId: 'raid', login: 'raider', subPlan: null, massGiftCount: null, viewerCount: 1234 }))), `${HEAD} #xqc raid raider viewers=1234`);
  });

  it('shows a hype as channel, begin–end, peak rate and alert or highlight', () => {
    const hype = { channel: 'xqc', roomId: '1', beginMs: T, peakMs: T + 20_000, endMs: T + 60_000, peakRatePerMin: 720, baselineRatePerMin: 60.5, intensity: 11.234, messages: 305, topEmotes: [], alert: true };
    assert.equal(textLine(TAIL_FORMATTERS.hype, ok(hype)), `${HEAD} #xqc 2024-05-01T12:00:00.000Z–2024-05-01T12:01:00.000Z peak 720/min at 2024-05-01T12:00:20.000Z baseline 60.50/min intensity 11.23 messages 305 alert`);
    const { alert: _, ...older } = hype;
    assert.match(textLine(TAIL_FORMATTERS.hype, ok({ ...hype, alert: false })), / messages 305 highlight$/);
    assert.match(textLine(TAIL_FORMATTERS.hype, ok(older)), / messages 305 highlight$/, 'a record written before alert existed');
  });

  it('shows a hype start as alert or highlight, and an ad window as cancelled when a hype cancelled it', () => {
    const start = { channel: 'xqc', roomId: '1', beginMs: T, messages: 80, ratePerMin: 480, baselineRatePerMin: 60, zScore: 16, alert: true };
    assert.equal(textLine(TAIL_FORMATTERS.hypeStarts, ok(start)), `${HEAD} #xqc hype began 2024-05-01T12:00:00.000Z at 480/min, baseline 60/min, z 16 alert`);
    assert.match(textLine(TAIL_FORMATTERS.hypeStarts, ok({ ...start, alert: false })), / z 16 highlight$/);
    const ad = { channel: 'xqc', roomId: '1', startMs: T, endMs: T + 60_000, score: 0.5, reason: 'calm', ratePerMin: 30, baselineRatePerMin: 30, cancelledAtMs: null };
    assert.equal(textLine(TAIL_FORMATTERS.adWindows, ok(ad)), `${HEAD} #xqc 2024-05-01T12:00:00.000Z–2024-05-01T12:01:00.000Z score 0.50 rate 30/min: calm`);
    assert.equal(textLine(TAIL_FORMATTERS.adWindows, ok({ ...ad, cancelledAtMs: T + 20_000 })), `${HEAD} #xqc 2024-05-01T12:00:00.000Z–2024-05-01T12:01:00.000Z score 0.50 rate 30/min cancelled at 2024-05-01T12:00:20.000Z: calm`);
  });

  it('shows a dead letter with reason, source and the raw payload as escaped text, or as hex when it is not UTF-8', () => {
    assert.equal(
      textLine(TAIL_FORMATTERS.deadLetter, ok(letter(Buffer.from(':a PRIVMSG #xqc :\x1b[5mhi')))),
      `${HEAD} replay IRC_MALFORMED: PRIVMSG without tag id source=twitch.chat.messages/3@42 channel=xqc raw=":a PRIVMSG #xqc :\\x1b[5mhi"`,
    );
    assert.match(textLine(TAIL_FORMATTERS.deadLetter, ok(letter(Buffer.from([0xff, 0xfe, 0x00])))), / raw=hex:fffe00$/);
  });

  it('prints a record that did not decode with its error code, reason and bytes', () => {
    const outcome: TailOutcome = { record: record({ value: Buffer.from('not avro\x1b') }), error: new MissingMagicByteError(0x6e) };
    assert.equal(textLine(TAIL_FORMATTERS.chatMessages, outcome), `${HEAD} undecodable [SERDE_MISSING_MAGIC_BYTE]: payload starts with byte 110, expected the Confluent magic byte 0 (9 bytes) raw="not avro\\x1b"`);
  });

  it('shows a record of a topic outside the catalogue as escaped JSON', () => {
    assert.equal(textLine(GENERIC_FORMATTER, ok({ channel: 'x', text: 'a\u009bb' })), `${HEAD} {"channel":"x","text":"a\\u009bb"}`);
  });
});

describe('jsonLine', () => {
  it('is one JSON object with the record position, key, schema id and the decoded value', () => {
    const parsed = JSON.parse(jsonLine(ok(message({ text: 'hi\x1b[2J' }))));
    assert.deepEqual({ ...parsed, value: undefined }, { topic: 'twitch.chat.messages', partition: 2, offset: '15', timestamp: '2024-05-01T12:00:00.000Z', timestampMs: T, key: '71092938', schemaId: 7, value: undefined });
    assert.equal(parsed.value.text, 'hi\x1b[2J');
    assert.doesNotMatch(jsonLine(ok(message({ text: 'hi\x1b[2J\u0085' }))), /[\x00-\x1f\x7f-\x9f]/);
  });

  it('gives a dead letter raw payload as hex and, when UTF-8, as text', () => {
    const v = JSON.parse(jsonLine(ok(letter(Buffer.from('bad line'))))).value;
    assert.equal(v.raw, Buffer.from('bad line').toString('hex'));
    assert.equal(v.rawText, 'bad line');
    assert.equal(JSON.parse(jsonLine(ok(letter(Buffer.from([0xff]))))).value.rawText, null);
  });

  it('gives a record that did not decode as its error and raw hex', () => {
    const parsed = JSON.parse(jsonLine({ record: record({ value: Buffer.from('zz') }), error: new MissingMagicByteError(0x7a) }));
    assert.deepEqual(parsed.error, { code: 'SERDE_MISSING_MAGIC_BYTE', reason: 'payload starts with byte 122, expected the Confluent magic byte 0' });
    assert.equal(parsed.rawHex, '7a7a');
    assert.equal(parsed.value, undefined);
  });
});

describe('passes', () => {
  const f = TAIL_FORMATTERS.chatEvents;
  it('lets everything through without filters', () => {
    assert.ok(passes(f, ok(event()), {}));
  });
  it('matches --channel against the record channel, case-insensitively', () => {
    assert.ok(passes(f, ok(event({ channel: 'XQC' })), { channel: 'xqc' }));
    assert.ok(!passes(f, ok(event({ channel: 'other' })), { channel: 'xqc' }));
    assert.ok(passes(TAIL_FORMATTERS.streamSnapshots, ok({ login: 'xqc' }), { channel: 'xqc' }), 'snapshots by login');
  });
  it('matches --kind against the event kind or its msg-id', () => {
    assert.ok(passes(f, ok(event()), { kind: 'submysterygift' }));
    assert.ok(!passes(f, ok(event()), { kind: 'raid' }));
    assert.ok(passes(f, ok(event({ kind: 'unknown', msgId: 'newthing' })), { kind: 'newthing' }));
    assert.ok(passes(TAIL_FORMATTERS.deadLetter, ok(letter(Buffer.alloc(0))), { kind: 'IRC_MALFORMED' }));
  });
  it('always lets an undecodable record through: there is nothing to filter it by', () => {
    assert.ok(passes(f, { record: record(), error: new Error('x') }, { channel: 'xqc', kind: 'raid' }));
  });
  it('knows which topics have no kind', () => {
    assert.equal(TAIL_FORMATTERS.chatMessages.kinds, undefined);
    assert.equal(TAIL_FORMATTERS.hype.kinds, undefined);
  });
});
