import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLines, sentTimestampOf } from './lineReader.ts';

async function collect(chunks: Array<Buffer | string>): Promise<string[]> {
  const out: string[] = [];
  for await (const lines of readLines((async function* () { yield* chunks; })())) out.push(...lines.map((l) => l.toString('latin1')));
  return out;
}

describe('readLines', () => {
  it('splits on LF and CR LF across chunk borders, keeping empty lines and a last unterminated line', async () => {
    assert.deepEqual(await collect(['a\r\nb', 'c\n\nd\r', '\ne']), ['a', 'bc', '', 'd', 'e']);
  });

  it('yields nothing for empty input', async () => {
    assert.deepEqual(await collect([]), []);
    assert.deepEqual(await collect(['']), []);
  });

  it('keeps invalid UTF-8 bytes as they are', async () => {
    const out: Buffer[] = [];
    for await (const lines of readLines((async function* () { yield Buffer.from([0x41, 0xff, 0xfe, 0x0a]); })())) out.push(...lines);
    assert.deepEqual(out, [Buffer.from([0x41, 0xff, 0xfe])]);
  });
});

describe('sentTimestampOf', () => {
  it('reads tmi-sent-ts from anywhere in the tags', () => {
    assert.equal(sentTimestampOf(Buffer.from('@a=1;tmi-sent-ts=1700000000123;b=2 :x PRIVMSG #c :hi')), 1_700_000_000_123);
    assert.equal(sentTimestampOf(Buffer.from('PING :tmi.twitch.tv')), null);
    assert.equal(sentTimestampOf(Buffer.from('@tmi-sent-ts=;x=1 :x PRIVMSG #c :hi')), null);
  });
});
