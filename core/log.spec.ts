import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, createLogger, redact } from './log.ts';

describe('log redaction', () => {
  it('replaces every secret in a line, also inside JSON-escaped text', () => {
    const lines: string[] = [];
    const log = createLogger('test', 'debug', (l) => lines.push(l), {}, ['oauth:abc123', 'pa"ss\\word']);
    log.error('connect failed', { error: 'login oauth:abc123 refused', url: 'https://u:pa"ss\\word@host' });
    log.child({ channel: 'x' }).warn('retry with oauth:abc123');
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.ok(!line.includes('abc123'), line);
      assert.ok(!line.includes('ss\\\\word'), line);
    }
    const first = JSON.parse(lines[0]!) as Record<string, string>;
    assert.equal(first.error, `login ${REDACTED} refused`);
    assert.equal(first.url, `https://u:${REDACTED}@host`);
    assert.equal((JSON.parse(lines[1]!) as Record<string, string>).msg, `retry with ${REDACTED}`);
  });

  it('leaves values too short to be safely masked alone', () => {
    assert.equal(redact('{"msg":"a b c"}', ['b']), '{"msg":"a b c"}');
  });
});
