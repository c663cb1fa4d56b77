import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TestScheduler } from 'rxjs/testing';
import { ChatRateOperator, chatterKey, type ChatRate } from './chatRate.ts';
import { asRx } from './operator.ts';
import { message } from './testkit.ts';
import type { LateVerdict } from './windowedAggregate.ts';
import { tumblingWindows } from './windows.ts';

const w10 = tumblingWindows({ sizeMs: 10_000, graceMs: 2_000 });
const brief = (r: ChatRate) => ({ start: r.windowStartMs, messages: r.messages, chatters: r.chatters });

describe('ChatRateOperator', () => {
  it('emits nothing for empty input', () => {
    assert.deepEqual(new ChatRateOperator(w10).flush(), []);
  });

  it('counts one message and flushes it on completion', () => {
    const op = new ChatRateOperator(w10);
    assert.deepEqual(op.process(message({ eventTimeMs: 1_000 })), []);
    const [r] = op.flush();
    assert.deepEqual(r, {
      channel: 'chan', roomId: '1', windowStartMs: 0, windowEndMs: 10_000, sizeMs: 10_000, messages: 1, chatters: 1,
      firstTimeChatters: 0, emoteOnlyMessages: 0, shortMessages: 1, bits: 0, topEmotes: [], early: false,
    });
  });

  it('counts a message of at most 12 characters as short, a longer one not', () => {
    const op = new ChatRateOperator(w10);
    for (const text of ['x'.repeat(12), 'x'.repeat(13), 'that was insane', 'LUL', '']) op.process(message({ eventTimeMs: 1_000, text }));
    const [r] = op.flush();
    assert.deepEqual([r!.messages, r!.shortMessages], [5, 3]);
  });

  it('computes chatters, first-timers, emote-only share, bits and top emotes', () => {
    const op = new ChatRateOperator(w10);
    op.process(message({ eventTimeMs: 1, userId: 'a', firstMsg: true, emotes: [{ id: '25', count: 2 }] }));
    op.process(message({ eventTimeMs: 2, userId: 'a', bits: 100, emotes: [{ id: '25', count: 1 }, { id: '88', count: 3 }] }));
    op.process(message({ eventTimeMs: 3, userId: '', login: 'anon', emoteOnly: true, emotes: [{ id: '1902', count: 1 }] }));
    const [r] = op.flush();
    assert.deepEqual([r!.messages, r!.chatters, r!.firstTimeChatters, r!.emoteOnlyMessages, r!.bits], [3, 2, 1, 1, 100]);
    assert.deepEqual(r!.topEmotes, [{ id: '25', count: 3 }, { id: '88', count: 3 }, { id: '1902', count: 1 }]);
  });

  it('keeps channels apart and puts a message at the window end into the next window', () => {
    const op = new ChatRateOperator(w10);
    op.process(message({ eventTimeMs: 9_999, roomId: '1' }));
    op.process(message({ eventTimeMs: 10_000, roomId: '1' }));
    op.process(message({ eventTimeMs: 5_000, roomId: '2', channel: 'other' }));
    assert.deepEqual(op.flush().map((r) => [r.roomId, r.windowStartMs, r.messages]), [['1', 0, 1], ['2', 0, 1], ['1', 10_000, 1]]);
  });

  it('adds late messages within grace, reports those beyond it, and emits when windows close', () => {
    const late: LateVerdict[] = [];
    const op = new ChatRateOperator(w10, (_name, v) => late.push(v));
    op.process(message({ eventTimeMs: 1_000 }));
    op.process(message({ eventTimeMs: 11_000 }));
    op.process(message({ eventTimeMs: 9_000 }));
    const closed = op.process(message({ eventTimeMs: 12_000 }));
    assert.deepEqual(closed.map(brief), [{ start: 0, messages: 2, chatters: 1 }]);
    op.process(message({ eventTimeMs: 5_000 }));
    assert.equal(late.length, 1);
    assert.equal(late[0]!.timestampMs, 5_000);
    assert.deepEqual(op.flush().map(brief), [{ start: 10_000, messages: 2, chatters: 1 }]);
  });

  it('runs as an RxJS operator in virtual time: results at window close, the rest on completion', () => {
    new TestScheduler((a, b) => assert.deepEqual(a, b)).run(({ cold, expectObservable }) => {
      const input = cold('a-b-c-|', {
        a: message({ eventTimeMs: 1_000 }),
        b: message({ eventTimeMs: 3_000 }),
        c: message({ eventTimeMs: 12_500 }),
      });
      const out = input.pipe(asRx(new ChatRateOperator(w10)));
      expectObservable(out, '^------').toBe('----x-(y|)', {
        x: expect(0, 2),
        y: expect(10_000, 1),
      });
    });
  });
});

// Every testkit message says 'hi': all of them are short.
function expect(start: number, messages: number): ChatRate {
  return { channel: 'chan', roomId: '1', windowStartMs: start, windowEndMs: start + 10_000, sizeMs: 10_000, messages, chatters: 1, firstTimeChatters: 0, emoteOnlyMessages: 0, shortMessages: messages, bits: 0, topEmotes: [], early: false };
}

describe('chatterKey', () => {
  it('makes canonical numeric user ids numbers, keeps every other id or login as it is, and never merges two different ids', () => {
    assert.equal(chatterKey({ userId: '12826', login: 'twitch' }), 12826);
    assert.equal(chatterKey({ userId: '987654321012345', login: 'x' }), 987654321012345);
    assert.equal(chatterKey({ userId: '', login: 'anon' }), 'anon');
    for (const odd of ['0123', '0', '12a4', '-5', '1e3', ' 7', '1234567890123456']) assert.equal(chatterKey({ userId: odd, login: 'x' }), odd);
    const ids = ['123', '0123', '00123', '1230', '12a'];
    assert.equal(new Set(ids.map((userId) => chatterKey({ userId, login: 'same' }))).size, ids.length);
  });

  it('counts the same chatters as their id strings would', () => {
    const op = new ChatRateOperator(tumblingWindows({ sizeMs: 10_000, graceMs: 0 }));
    for (const userId of ['7', '7', '07', '8', '']) op.process(message({ eventTimeMs: 1_000, userId, login: userId ? 'l' : 'anon' }));
    assert.equal(op.flush()[0]!.chatters, 4);
  });
});
