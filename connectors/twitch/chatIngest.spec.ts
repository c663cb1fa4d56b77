import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatIngester, kafkaRecordSink, type IngestTargets } from './chatIngest.ts';

// Encoders here are JSON so the spec can read what was written; Avro is covered elsewhere.
function harness(capacity = Infinity) {
  const written: Array<{ topic: string; key: string; value: any }> = [];
  const out = {
    enqueue(topic: string, key: string, value: Buffer) {
      if (written.length >= capacity) return false;
      written.push({ topic, key, value: JSON.parse(value.toString()) });
      return true;
    },
  };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v, (_k, x) => (x && x.type === 'Buffer' ? Buffer.from(x.data).toString('base64') : x)));
  const targets: IngestTargets = {
    messages: { topic: 'm', encode: json },
    events: { topic: 'e', encode: json },
    moderation: { topic: 'mod', encode: json },
    deadLetter: { topic: 'dlq', encode: json },
  };
  return { ingester: new ChatIngester(kafkaRecordSink(out, targets, 'test')), written };
}

const good = (n: number) => `@badges=;display-name=U;emotes=;id=id-${n};room-id=42;tmi-sent-ts=${1_700_000_000_000 + n};user-id=7 :u!u@u.tmi.twitch.tv PRIVMSG #chan :hello ${n}`;

describe('ChatIngester', () => {
  it('writes messages, events and moderation to their topics keyed by room id, and counts them', () => {
    const { ingester, written } = harness();
    ingester.line(good(1), 5);
    ingester.line('@bits=100;id=c;room-id=42;tmi-sent-ts=9;user-id=7 :u!u@u PRIVMSG #chan :cheer100', 5);
    ingester.line('@id=e;login=u;msg-id=raid;msg-param-viewerCount=5;room-id=42;tmi-sent-ts=9 :tmi.twitch.tv USERNOTICE #chan', 5);
    ingester.line('@id=e2;room-id=42;tmi-sent-ts=9 :tmi.twitch.tv USERNOTICE #chan', 5);
    ingester.line('@room-id=42;tmi-sent-ts=9 :tmi.twitch.tv CLEARCHAT #chan :u', 5);
    ingester.line('PING :tmi.twitch.tv', 5);
    assert.deepEqual(written.map((w) => [w.topic, w.key]), [['m', '42'], ['m', '42'], ['e', '42'], ['e', '42'], ['mod', '42']]);
    assert.deepEqual({ ...ingester.stats }, {
      lines: 6, messages: 2, events: { raid: 1, unknown: 1 }, eventTotal: 2, moderation: 1, control: 1, malformed: 0, cheers: 1, bits: 100, refused: 0,
    });
  });

  it('dead-letters hostile and broken lines with the reason and the raw bytes, and keeps going', () => {
    const { ingester, written } = harness();
    const hostile: Array<string | Buffer> = [
      '',
      '@badges=;id=1;room-id=4',
      '@id=1;room-id=4;tmi-sent-ts=1 :u!u@u PRIVMSG',
      `@id=1;room-id=4;tmi-sent-ts=1 :u!u@u PRIVMSG #c :${'A'.repeat(20_000)}`,
      Buffer.from([0x40, 0x69, 0x64, 0x3d, 0xff, 0xfe, 0x20, 0x50, 0x52, 0x49, 0x56, 0x4d, 0x53, 0x47, 0x20, 0x23, 0x63]),
      '@id=1;room-id=4;tmi-sent-ts=1 :u!u@u PRIVMSG #c :nul\u0000inside',
      '@id=1;room-id=4;tmi-sent-ts=1 :u!u@u PRIVMSG #c :cr\rinside',
      '@id=<script>;room-id=4;tmi-sent-ts=1e3 :u!u@u PRIVMSG #c :<img src=x onerror=alert(1)>',
    ];
    for (const [i, line] of hostile.entries()) {
      ingester.line(line, 1);
      ingester.line(good(i), 1);
    }
    const dead = written.filter((w) => w.topic === 'dlq');
    assert.equal(dead.length, hostile.length);
    assert.equal(written.filter((w) => w.topic === 'm').length, hostile.length, 'every good line after a bad one still lands');
    assert.ok(dead.every((d) => d.value.stage === 'test' && d.value.errorCode === 'IRC_MALFORMED' && d.value.reason.length > 0));
    assert.deepEqual(dead.map((d) => d.value.reason), [
      'empty line',
      'tags are not followed by a command',
      'PRIVMSG without a #channel parameter',
      `line is ${(hostile[3] as string).length} characters, more than 16384`,
      'line is not valid UTF-8',
      'line contains NUL, CR or LF',
      'line contains NUL, CR or LF',
      'PRIVMSG without a numeric tmi-sent-ts',
    ]);
    assert.deepEqual(Buffer.from(dead[4]!.value.raw, 'base64'), hostile[4], 'raw bytes kept exactly, even invalid UTF-8');
    assert.equal(dead[3]!.value.channel, 'c');
    assert.equal(ingester.stats.malformed, hostile.length);
  });

  it('counts records the output refuses instead of losing them silently', () => {
    const { ingester } = harness(1);
    ingester.line(good(1), 1);
    ingester.line(good(2), 1);
    assert.equal(ingester.stats.refused, 1);
  });
});
