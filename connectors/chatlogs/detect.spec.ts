import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';
import { detectFormat, isGzip } from './detect.ts';

const fixture = (name: string) => readFileSync(`${REPO_ROOT}/test/fixtures/chatlogs/${name}`);

describe('detectFormat', () => {
  it('tells every sample format apart by content alone', () => {
    const cases: Array<[string, string]> = [
      ['twitchdownloader.json', 'twitchdownloader-json'],
      ['chat-downloader.json', 'chat-downloader-json'],
      ['examplechan-2024-03-05.log', 'chatterino'],
      ['justlog.txt', 'justlog-text'],
      ['justlog.json', 'justlog-json'],
      ['rustlog.ndjson', 'justlog-ndjson'],
      ['rustlog-raw.txt', 'irc'],
    ];
    // Without the file name: the name never decides when the content can.
    for (const [name, format] of cases) assert.equal(detectFormat(fixture(name)), format, name);
    // A misleading extension changes nothing.
    for (const [name, format] of cases) assert.equal(detectFormat(fixture(name), 'chat.log'), format, name);
  });

  it('reads raw IRC lines, with or without tags, as irc', () => {
    assert.equal(detectFormat(Buffer.from('@badge-info=;id=1 :a!a@a.tmi.twitch.tv PRIVMSG #c :hi\n')), 'irc');
    assert.equal(detectFormat(Buffer.from(':tmi.twitch.tv 001 justinfan1 :Welcome, GLHF!\r\n')), 'irc');
    assert.equal(detectFormat(Buffer.from('PING :tmi.twitch.tv\n')), 'irc');
  });

  it('falls back to irc for empty or unknown input, whose lines are then counted as malformed', () => {
    assert.equal(detectFormat(Buffer.alloc(0)), 'irc');
    assert.equal(detectFormat(Buffer.from('  \n\n')), 'irc');
    assert.equal(detectFormat(Buffer.from('!!! not irc\n')), 'irc');
    assert.equal(detectFormat(Buffer.from('{"something":"else"}\n')), 'irc');
  });

  it('sees Chatterino lines in every timestamp format it offers, a mentions prefix and a BOM', () => {
    for (const line of ['[2:05] a: b', '[02:05] a: b', '[2:05 pm] a: b', '[14:05:09] a: b', '[2:05:09.123 AM] a: b', '#forsen [14:05:09] a: b']) {
      assert.equal(detectFormat(Buffer.from(line + '\n')), 'chatterino', line);
    }
    assert.equal(detectFormat(Buffer.from('\ufeff# Start logging at 2024-03-05 20:00:00 CET\n')), 'chatterino');
  });

  it('uses the file name only when the content cannot decide (a log written without timestamps)', () => {
    const noTimes = Buffer.from('viewer_one: hello\n');
    assert.equal(detectFormat(noTimes), 'irc');
    assert.equal(detectFormat(noTimes, '/logs/Twitch/Channels/xqc/xqc-2024-03-05.log'), 'chatterino');
  });

  it('tells a chat-downloader array from an empty one and from bracketed text', () => {
    assert.equal(detectFormat(Buffer.from('[]')), 'chat-downloader-json');
    assert.equal(detectFormat(Buffer.from('[\n    {\n        "author": {}')), 'chat-downloader-json');
    assert.equal(detectFormat(Buffer.from('[2024-01-05 20:00:01] #xqc a: b\n')), 'justlog-text');
  });

  it('finds TwitchDownloader files without FileInfo (older versions start with streamer)', () => {
    assert.equal(detectFormat(Buffer.from('{"streamer":{"name":"x","id":1},"comments":[')), 'twitchdownloader-json');
    assert.equal(detectFormat(Buffer.from('{\n  "comments": [')), 'twitchdownloader-json');
  });

  it('recognises gzip by its magic bytes', () => {
    assert.ok(isGzip(Buffer.from([0x1f, 0x8b, 8, 0])));
    assert.ok(!isGzip(Buffer.from('{"')));
    assert.ok(!isGzip(Buffer.from([0x1f])));
  });
});
