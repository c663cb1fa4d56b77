import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { frameOf, parseIrcLine } from './ircLine.ts';
import { usernoticeFromFrame } from './usernotice.ts';

// usernoticeFromFrame walks the tags itself instead of through forEachTag; its tags and params
// must be what the general parser's tag map gives, in the same order, for every line.

const dir = new URL('../../test/fixtures/irc/', import.meta.url);
const recorded = readFileSync(new URL('usernotice.log', dir), 'utf8').split('\n').filter((l) => l.startsWith('@'));

function fromTagMap(raw: string): { tags: Record<string, string>; params: Record<string, string> } {
  const tags: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const [key, value] of parseIrcLine(raw).tags) {
    tags[key] = value;
    if (key.startsWith('msg-param-')) params[key.slice('msg-param-'.length)] = value;
  }
  return { tags, params };
}

const tricky = [
  '@id=1;room-id=1;tmi-sent-ts=5;msg-param-=empty;msg-param;msg-params=x;mmsg-param-x=1;msg-param-a=1;msg-param-a=2 :tmi.twitch.tv USERNOTICE #c',
  '@flag;id=1;=x;;room-id=1;tmi-sent-ts=5;system-msg=a\\sb\\:c\\\\d\\re\\nf\\;msg-param-x=y\\s;msg-param-lone=\\;last :tmi.twitch.tv USERNOTICE #c :hi',
  '@msg-param-months=3;id=1;room-id=1;tmi-sent-ts=5;msg-param-cumulative-months=4 :tmi.twitch.tv USERNOTICE #c',
];

describe('usernoticeFromFrame', () => {
  it('keeps every tag and msg-param as the general parser reads them, in order', () => {
    const lines = [...recorded, ...tricky];
    // The same lines with their tags rotated, so every tag is also first and last once in a while.
    for (const raw of recorded) {
      const space = raw.indexOf(' ');
      const tags = raw.slice(1, space).split(';');
      lines.push(`@${[...tags.slice(3), ...tags.slice(0, 3)].join(';')}${raw.slice(space)}`);
    }
    for (const raw of lines) {
      const event = usernoticeFromFrame(raw, frameOf(raw), 0);
      const want = fromTagMap(raw);
      assert.deepEqual(Object.entries(event.tags), Object.entries(want.tags), raw);
      assert.deepEqual(Object.entries(event.params), Object.entries(want.params), raw);
    }
  });
});
