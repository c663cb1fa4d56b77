import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { IrcParseError } from '../../core/errors.ts';
import { parseChatLine, type ChatRecord } from './chatRecord.ts';

// Real lines recorded from Twitch (test/fixtures/irc/SOURCES.md) and counts computed
// independently of this parser (expected.json).
const dir = new URL('../../test/fixtures/irc/', import.meta.url);
const lines = (file: string) => readFileSync(new URL(file, dir), 'utf8').split('\n').filter((l) => l.length > 0);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Record<string, any>;

function parseAll(file: string): Array<ChatRecord | IrcParseError> {
  return lines(file).map((l) => {
    try {
      return parseChatLine(l, 0);
    } catch (e) {
      if (e instanceof IrcParseError) return e;
      throw e;
    }
  });
}

describe('recorded Twitch chat', () => {
  it('types every tagged PRIVMSG and sums cheers exactly', () => {
    const raw = lines('privmsg.log');
    const out = parseAll('privmsg.log');
    let bits = 0;
    let cheers = 0;
    out.forEach((r, i) => {
      if (r instanceof IrcParseError) {
        assert.ok(!raw[i]!.startsWith('@'), `only untagged lines fail: ${raw[i]}`);
        return;
      }
      assert.equal(r.kind, 'message');
      if (r.kind === 'message' && r.value.bits > 0) {
        bits += r.value.bits;
        cheers++;
        assert.equal(r.value.bits, expected['privmsg.log'].bits.per_line.find((p: { line: number }) => p.line === i + 1).bits, `line ${i + 1}`);
      }
    });
    assert.equal(cheers, expected['privmsg.log'].bits.lines_with_bits_tag);
    assert.equal(bits, expected['privmsg.log'].bits.bits_sum);
  });

  it('types every USERNOTICE with its msg-id, params, login, channel and message', () => {
    const out = parseAll('usernotice.log');
    const notices = expected['usernotice.log'].notices as Array<Record<string, string | null | number>>;
    assert.equal(out.length, notices.length);
    out.forEach((r, i) => {
      const want = notices[i]!;
      assert.ok(!(r instanceof IrcParseError) && r.kind === 'event', `line ${i + 1}`);
      const e = (r as Extract<ChatRecord, { kind: 'event' }>).value;
      assert.equal(e.msgId, want['msg-id'], `line ${i + 1} msg-id`);
      assert.equal(`#${e.channel}`, want.channel, `line ${i + 1} channel`);
      assert.equal(e.login, want.login ?? '', `line ${i + 1} login`);
      assert.equal(e.text, want.message, `line ${i + 1} message`);
      for (const [key, value] of Object.entries(want)) {
        if (key.startsWith('msg-param-')) assert.equal(e.params[key.slice(10)], value, `line ${i + 1} ${key}`);
      }
    });
    const byId: Record<string, number> = {};
    for (const r of out) if (!(r instanceof IrcParseError) && r.kind === 'event') byId[r.value.msgId] = (byId[r.value.msgId] ?? 0) + 1;
    assert.deepEqual(byId, expected['usernotice.log'].msg_id_counts);
  });

  it('tells timeouts, bans, clears and deleted messages apart', () => {
    const raw = lines('moderation.log');
    const kinds: Record<string, number> = {};
    parseAll('moderation.log').forEach((r, i) => {
      if (r instanceof IrcParseError) {
        assert.ok(!raw[i]!.startsWith('@'), `only untagged lines fail: ${raw[i]}`);
        // An untagged CLEARCHAT with a user is a ban in Twitch's terms; count it as such.
        kinds[raw[i]!.includes('CLEARMSG') ? 'clearmsg' : 'ban'] = (kinds.ban ?? 0) + 1;
        return;
      }
      assert.equal(r.kind, 'moderation');
      if (r.kind === 'moderation') {
        const k = r.value.kind === 'clearchat' ? 'clear_all' : r.value.kind;
        kinds[k] = (kinds[k] ?? 0) + 1;
      }
    });
    assert.deepEqual(kinds, expected['moderation.log'].kinds);
    for (const t of expected['moderation.log'].timeouts as Array<{ line: number; target: string; 'ban-duration': number }>) {
      const r = parseChatLine(raw[t.line - 1]!, 0);
      assert.ok(r.kind === 'moderation' && r.value.targetLogin === t.target && r.value.durationSeconds === t['ban-duration']);
    }
  });

  it('passes every other command through as control, never as chat', () => {
    const out = parseAll('other.log');
    assert.equal(out.length, expected['other.log'].lines);
    for (const r of out) assert.ok(!(r instanceof IrcParseError) && r.kind === 'control');
  });
});
