import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmoteNameBook, emoteNames } from './emoteNames.ts';

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

  it('a book names the entries of a result from the lines seen, null for an id no line showed, first name kept', () => {
    const book = new EmoteNameBook(2);
    assert.deepEqual(book.named([]), []);
    book.learn(privmsg('25:0-4', 'Kappa'), 'Kappa');
    book.learn(privmsg('25:0-4', 'Other'), 'Other');
    book.learn(Buffer.from(privmsg('1902:0-4', 'Keepo')), 'Keepo');
    book.learn('{"not":"irc"}', 'Kappa');
    assert.deepEqual(book.named([{ id: '25', count: 3 }, { id: '1902', count: 1 }, { id: '9', count: 1 }]), [
      { id: '25', name: 'Kappa', count: 3 }, { id: '1902', name: 'Keepo', count: 1 }, { id: '9', name: null, count: 1 },
    ]);
    book.learn(privmsg('7:0-2', 'LUL'), 'LUL');
    assert.deepEqual(book.named([{ id: '25', count: 1 }, { id: '7', count: 1 }]), [{ id: '25', name: null, count: 1 }, { id: '7', name: 'LUL', count: 1 }], 'past maxIds the book starts afresh');
  });
});
