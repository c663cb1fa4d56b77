import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IrcParseError } from '../../core/errors.ts';
import { MAX_LINE_LENGTH, escapeTagValue, parseIrcLine, unescapeTagValue } from './ircLine.ts';

describe('parseIrcLine', () => {
  it('splits tags, prefix, command and parameters', () => {
    const line = parseIrcLine('@badge-info=;badges=broadcaster/1;color=#0D4200;id=abc :ronni!ronni@ronni.tmi.twitch.tv PRIVMSG #ronni :Kappa Keepo');
    assert.equal(line.tags.get('badges'), 'broadcaster/1');
    assert.equal(line.tags.get('badge-info'), '');
    assert.equal(line.prefix, 'ronni!ronni@ronni.tmi.twitch.tv');
    assert.equal(line.command, 'PRIVMSG');
    assert.deepEqual(line.params, ['#ronni', 'Kappa Keepo']);
  });

  it('reads lines without tags or prefix and trailing parameters without a colon', () => {
    assert.deepEqual(parseIrcLine('PING :tmi.twitch.tv'), { tags: new Map(), prefix: null, command: 'PING', params: ['tmi.twitch.tv'] });
    const join = parseIrcLine(':justinfan123!justinfan123@justinfan123.tmi.twitch.tv JOIN #xqc');
    assert.deepEqual(join.params, ['#xqc']);
    assert.deepEqual(parseIrcLine(':tmi.twitch.tv 353 justinfan1 = #xqc :a b c').params, ['justinfan1', '=', '#xqc', 'a b c']);
    assert.deepEqual(parseIrcLine('@a=1 :x!x@x PRIVMSG #c word').params, ['#c', 'word']);
  });

  it('keeps tags in any order, extra tags and tags without a value', () => {
    const line = parseIrcLine('@tmi-sent-ts=5;historical=1;rm-received-ts=6;flag;id=x :tmi.twitch.tv USERNOTICE #c');
    assert.equal(line.tags.get('historical'), '1');
    assert.equal(line.tags.get('rm-received-ts'), '6');
    assert.equal(line.tags.get('flag'), '');
    assert.equal(line.tags.get('tmi-sent-ts'), '5');
  });

  it('unescapes tag values as IRCv3 says', () => {
    assert.equal(unescapeTagValue('a\\sb\\:c\\\\d\\re\\nf'), 'a b;c\\d\re\nf');
    assert.equal(unescapeTagValue('x\\qy'), 'xqy');
    assert.equal(unescapeTagValue('trailing\\'), 'trailing');
    assert.equal(parseIrcLine('@system-msg=5\\sraiders\\sfrom\\sX :tmi.twitch.tv USERNOTICE #c').tags.get('system-msg'), '5 raiders from X');
    for (const s of ['a b;c\\d', 'plain', 'semi;colon', '']) assert.equal(unescapeTagValue(escapeTagValue(s)), s);
  });

  it('rejects what is not IRC with a typed error and the raw line', () => {
    const bad = ['', '@only-tags', ':prefix-only', '@a=1 ', '!!! not irc', ':x 12 #c', ':x PRIV-MSG #c', `PRIVMSG #c :a\u0000b`, 'PRIVMSG #c :a\rb', 'x'.repeat(MAX_LINE_LENGTH + 1)];
    for (const raw of bad) {
      assert.throws(() => parseIrcLine(raw), (e: unknown) => e instanceof IrcParseError && e.code === 'IRC_MALFORMED' && e.line === raw, JSON.stringify(raw.slice(0, 40)));
    }
  });
});
