import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ChatLogError } from '../../core/errors.ts';
import { REPO_ROOT } from '../../core/config.ts';
import type { ChatEvent, ChatMessage, Moderation } from '../../schemas/types.ts';
import { emptyIngestStats, type ChatRecordSink, type IngestStats } from '../twitch/chatIngest.ts';
import { readChatLog, type ReadChatLogOptions } from './readChatLog.ts';

const DIR = `${REPO_ROOT}/test/fixtures/chatlogs`;

class Collect implements ChatRecordSink {
  readonly stats: IngestStats = emptyIngestStats();
  readonly messages: ChatMessage[] = [];
  readonly events: ChatEvent[] = [];
  readonly moderations: Moderation[] = [];
  readonly malformations: unknown[] = [];
  message(m: ChatMessage): void {
    this.messages.push(m);
  }
  event(e: ChatEvent): void {
    this.events.push(e);
  }
  moderation(m: Moderation): void {
    this.moderations.push(m);
  }
  malformed(_raw: Buffer, error: unknown): void {
    this.malformations.push(error);
  }
}

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function read(bytes: Buffer, options: ReadChatLogOptions = {}, chunkSize = 1 << 20) {
  const sink = new Collect();
  const warnings: string[] = [];
  const result = await readChatLog(chunks(bytes, chunkSize), sink, { clock: () => 1, warn: (w) => warnings.push(w), ...options });
  return { sink, warnings, ...result };
}

const fixture = (name: string) => readFileSync(`${DIR}/${name}`);

describe('readChatLog', () => {
  it('reads every sample format into the sink and counts every line or entry exactly once', async () => {
    const cases: Array<[string, string, Partial<IngestStats>]> = [
      ['twitchdownloader.json', 'twitchdownloader-json', { lines: 7, messages: 5, eventTotal: 1, control: 0, moderation: 0, malformed: 1, cheers: 1, bits: 100 }],
      ['chat-downloader.json', 'chat-downloader-json', { lines: 8, messages: 3, eventTotal: 3, control: 1, moderation: 0, malformed: 1, cheers: 1, bits: 100 }],
      ['examplechan-2024-03-05.log', 'chatterino', { lines: 8, messages: 4, eventTotal: 0, control: 3, moderation: 0, malformed: 1 }],
      ['justlog.txt', 'justlog-text', { lines: 4, messages: 2, eventTotal: 0, control: 1, moderation: 0, malformed: 1 }],
      ['justlog.json', 'justlog-json', { lines: 4, messages: 2, eventTotal: 1, control: 0, moderation: 0, malformed: 1 }],
      ['rustlog.ndjson', 'justlog-ndjson', { lines: 4, messages: 2, eventTotal: 1, control: 0, moderation: 0, malformed: 1 }],
      ['rustlog-raw.txt', 'irc', { lines: 4, messages: 2, eventTotal: 1, control: 0, moderation: 1, malformed: 0 }],
    ];
    for (const [name, format, expected] of cases) {
      const { sink, stats, format: detected } = await read(fixture(name), { fileName: `${DIR}/${name}`, channel: name.startsWith('chat-') ? 'examplechan' : undefined });
      assert.equal(detected, format, name);
      assert.equal(stats, sink.stats, 'counts go into the sink\'s own stats');
      for (const [key, value] of Object.entries(expected)) assert.equal(stats[key as keyof IngestStats], value, `${name}: ${key}`);
      assert.equal(stats.lines, stats.messages + stats.eventTotal + stats.control + stats.moderation + stats.malformed, `${name}: nothing left out`);
      assert.equal(sink.messages.length, stats.messages, name);
      assert.equal(sink.events.length, stats.eventTotal, name);
      assert.equal(sink.malformations.length, stats.malformed, name);
    }
  });

  it('gives a raw line without an id tag (old justlog/rustlog logs) a derived id, the same on every read', async () => {
    const first = await read(fixture('rustlog-raw.txt'));
    const second = await read(fixture('rustlog-raw.txt'));
    const old = first.sink.messages[1]!;
    assert.equal(old.text, 'a line from before Twitch sent message ids');
    assert.match(old.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(second.sink.messages[1]!.id, old.id);
    assert.equal(first.sink.messages[0]!.id, 'c0000000-0000-4000-8000-000000000001', 'ids that are there are kept');
    assert.equal(first.stats.malformed, 0);
    assert.deepEqual(first.warnings, []);
  });

  it('fills an empty id tag, first or last, with a derived id', async () => {
    const lines = [
      '@badges=;id=;room-id=1;tmi-sent-ts=1709665205000 :a!a@a.tmi.twitch.tv PRIVMSG #c :empty id tag',
      '@room-id=1;tmi-sent-ts=1709665206000;id= :a!a@a.tmi.twitch.tv PRIVMSG #c :empty id tag last',
    ];
    const { sink, stats } = await read(Buffer.from(lines.join('\n') + '\n'));
    assert.equal(stats.malformed, 0);
    assert.deepEqual(sink.messages.map((m) => m.text), ['empty id tag', 'empty id tag last']);
    for (const m of sink.messages) assert.match(m.id, /^[0-9a-f]{8}-[0-9a-f]{4}-8/);
  });

  it('still counts a raw line as malformed when a derived id does not help', async () => {
    const line = '@id=;tmi-sent-ts=1;user-id=1 :a!a@a.tmi.twitch.tv PRIVMSG #c :no room id either\n';
    const { stats, sink } = await read(Buffer.from(line));
    assert.equal(stats.lines, 1);
    assert.equal(stats.malformed, 1);
    assert.equal(sink.malformations.length, 1);
  });

  it('says the first few malformed reasons, and how many there were in all', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => `@x=${i} :a PRIVMSG`).join('\n') + '\n';
    const { warnings, stats } = await read(Buffer.from(lines), { reasonsShown: 3 });
    assert.equal(stats.malformed, 8);
    assert.equal(warnings.length, 4);
    assert.match(warnings[0]!, /^irc line 1: /);
    assert.match(warnings[2]!, /^irc line 3: .*further malformed entries are counted, not shown/);
    assert.equal(warnings[3], 'irc: 8 malformed entries in all (5 not shown)');
  });

  it('reads gzipped input (TwitchDownloader .json.gz) the same as plain', async () => {
    const plain = await read(fixture('twitchdownloader.json'));
    const zipped = await read(gzipSync(fixture('twitchdownloader.json')), {}, 100);
    assert.equal(zipped.format, 'twitchdownloader-json');
    assert.deepEqual(zipped.sink.messages, plain.sink.messages);
  });

  it('detects the format when the input arrives in tiny chunks (a pipe)', async () => {
    for (const name of ['chat-downloader.json', 'examplechan-2024-03-05.log', 'rustlog-raw.txt']) {
      const whole = await read(fixture(name), { fileName: name, channel: 'examplechan' });
      const piecemeal = await read(fixture(name), { fileName: name, channel: 'examplechan' }, 7);
      assert.equal(piecemeal.format, whole.format, name);
      assert.deepEqual(piecemeal.sink.messages, whole.sink.messages, name);
    }
  });

  it('stops with a ChatLogError naming the format and line of invalid JSON', async () => {
    const text = '[\n{"message": "a", "timestamp": 1},\n{"message": "b" "timestamp": 2}\n]\n';
    await assert.rejects(read(Buffer.from(text)), (e: unknown) => e instanceof ChatLogError && e.format === 'chat-downloader-json' && e.line === 3 && /^chat-downloader-json line 3: not valid JSON, column 17/.test(e.message));
    const cut = fixture('twitchdownloader.json').subarray(0, 500);
    await assert.rejects(read(cut), (e: unknown) => e instanceof ChatLogError && e.format === 'twitchdownloader-json' && e.line !== null);
  });

  it('uses its own counters when the sink has none, and hands them to backpressure', async () => {
    const seen: number[] = [];
    const sink: ChatRecordSink = { message() {}, event() {}, moderation() {}, malformed() {} };
    const { stats } = await readChatLog(chunks(fixture('justlog.txt'), 1 << 20), sink, { warn: () => {}, backpressure: async (s) => void seen.push(s.lines) });
    assert.equal(stats.lines, 4);
    assert.equal(seen[seen.length - 1], 4);
  });

  it('reads empty input as irc with nothing in it', async () => {
    const { format, stats } = await read(Buffer.alloc(0));
    assert.equal(format, 'irc');
    assert.equal(stats.lines, 0);
  });
});
