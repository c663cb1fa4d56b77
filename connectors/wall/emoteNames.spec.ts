import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emoteNames } from './emoteNames.ts';

const privmsg = (emotes: string, text: string) => `@badge-info=;emotes=${emotes};id=1;tmi-sent-ts=1 :u!u@u PRIVMSG #c :${text}`;

describe('emoteNames', () => {
  it('finds nothing without an emotes tag or with an empty one', () => {
    assert.deepEqual(emoteNames(':u!u@u PRIVMSG #c :Kappa', 'Kappa'), []);
    assert.deepEqual(emoteNames(privmsg('', 'Kappa'), 'Kappa'), []);
  });

  it('names each emote by the text of its first range', () => {
    assert.deepEqual(emoteNames(privmsg('25:0-4,12-16/1902:6-10', 'Kappa Keepo Kappa'), 'Kappa Keepo Kappa'), [['25', 'Kappa'], ['1902', 'Keepo']]);
  });

  it('counts positions in code points, as Twitch does, so an emoji before an emote does not shift it', () => {
    assert.deepEqual(emoteNames(privmsg('25:2-6', '🎉 Kappa'), '🎉 Kappa'), [['25', 'Kappa']]);
  });

  it('skips ranges outside the text and keeps odd ids and names as they are', () => {
    assert.deepEqual(emoteNames(privmsg('25:0-40/x"\'<b>:0-3', '<b>"x'), '<b>"x'), [['x"\'<b>', '<b>"']]);
  });
});
