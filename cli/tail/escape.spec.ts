import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeText, rawBytes, safeJson, utf8OrNull } from './escape.ts';

// Every character a terminal may act on: C0, DEL, C1, separators, bidi controls.
const DANGEROUS = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i), 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069];

describe('escapeText', () => {
  it('leaves printable text of any script alone', () => {
    assert.equal(escapeText(''), '');
    assert.equal(escapeText('Hello, chat! 테스트 Kappa 🎉 «ü»'), 'Hello, chat! 테스트 Kappa 🎉 «ü»');
  });

  it('turns ANSI escape sequences, newlines and bidi overrides into visible escapes', () => {
    assert.equal(escapeText('hi\x1b[2J\x1b[H\x1b]0;owned\x07'), 'hi\\x1b[2J\\x1b[H\\x1b]0;owned\\x07');
    assert.equal(escapeText('a\r\nb\tc'), 'a\\r\\nb\\tc');
    assert.equal(escapeText('\u202eevil\u2066'), '\\u202eevil\\u2066');
    assert.equal(escapeText('\u009b31m'), '\\x9b31m');
  });

  it('escapes the backslash so an escape in the output always means a control character in the input', () => {
    assert.equal(escapeText('\\x1b'), '\\\\x1b');
    assert.notEqual(escapeText('\\x1b'), escapeText('\x1b'));
  });

  it('leaves no dangerous character in its output', () => {
    const all = String.fromCodePoint(...DANGEROUS);
    const out = escapeText(all);
    for (const code of DANGEROUS) assert.ok(!out.includes(String.fromCodePoint(code)), `U+${code.toString(16)} escaped`);
  });
});

describe('safeJson', () => {
  it('is JSON of the same value with no raw control, C1 or bidi character', () => {
    const value = { text: `x${String.fromCodePoint(...DANGEROUS)}y`, n: 1 };
    const out = safeJson(value);
    assert.deepEqual(JSON.parse(out), value);
    assert.match(out, /^[\x20-\x7e]*$/, 'only printable ASCII here, since the value is ASCII plus controls');
  });
});

describe('rawBytes', () => {
  it('shows UTF-8 as escaped, quoted text and anything else as hex', () => {
    assert.equal(rawBytes(Buffer.from('PRIVMSG #x :"hi"\x1b')), '"PRIVMSG #x :\\"hi\\"\\x1b"');
    assert.equal(rawBytes(Buffer.from([0xff, 0x00, 0x41])), 'hex:ff0041');
    assert.equal(rawBytes(Buffer.alloc(0)), '""');
    assert.equal(utf8OrNull(Buffer.from([0xc3])), null);
  });
});
