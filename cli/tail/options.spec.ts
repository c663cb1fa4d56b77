import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, UsageError } from '../../core/errors.ts';
import { parseSince, resolveTailTopic, tailSettings } from './options.ts';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const settings = (argv: string[]) => tailSettings(argv, NOW);

describe('resolveTailTopic', () => {
  it('takes a catalogue id or name, with the topic prefix in front', () => {
    assert.deepEqual(resolveTailTopic('hype'), { name: 'pulse.hype', id: 'hype' });
    assert.deepEqual(resolveTailTopic('pulse.hype'), { name: 'pulse.hype', id: 'hype' });
    assert.deepEqual(resolveTailTopic('hype', 'it-1.'), { name: 'it-1.pulse.hype', id: 'hype' });
    assert.deepEqual(resolveTailTopic('pulse.dead-letter', 'it-1.'), { name: 'it-1.pulse.dead-letter', id: 'deadLetter' });
    assert.deepEqual(resolveTailTopic('it-1.pulse.hype', 'it-1.'), { name: 'it-1.pulse.hype', id: 'hype' }, 'a full name is not prefixed twice');
  });
  it('takes any other name as it is, with no catalogue kind', () => {
    assert.deepEqual(resolveTailTopic('reprocess.chat.messages'), { name: 'reprocess.chat.messages', id: null });
    assert.deepEqual(resolveTailTopic('toString'), { name: 'toString', id: null });
  });
});

describe('parseSince', () => {
  it('reads durations before now', () => {
    assert.equal(parseSince('90s', NOW), NOW - 90_000);
    assert.equal(parseSince('10m', NOW), NOW - 600_000);
    assert.equal(parseSince('2h', NOW), NOW - 7_200_000);
    assert.equal(parseSince('7d', NOW), NOW - 7 * 86_400_000);
    assert.equal(parseSince('500ms', NOW), NOW - 500);
  });
  it('reads ISO times and dates (UTC midnight)', () => {
    assert.equal(parseSince('2024-04-30T08:00:00Z', NOW), Date.UTC(2024, 3, 30, 8));
    assert.equal(parseSince('2024-04-30T08:00:00.250+02:00', NOW), Date.UTC(2024, 3, 30, 6, 0, 0, 250));
    assert.equal(parseSince('2024-04-30', NOW), Date.UTC(2024, 3, 30));
  });
  it('refuses anything else, naming the option', () => {
    for (const bad of ['', '10', '1w', '-5m', 'yesterday', '2024-13-45T00:00:00Z', '1714560000']) {
      assert.throws(() => parseSince(bad, NOW), (e: unknown) => e instanceof ConfigError && e.context.field === 'since', bad);
    }
  });
});

describe('tailSettings', () => {
  it('follows from the end by default, unfiltered, as text', () => {
    assert.deepEqual(settings(['hype']), {
      topic: { name: 'pulse.hype', id: 'hype' }, start: { kind: 'end' }, filter: { channel: undefined, kind: undefined },
      json: false, max: undefined, idleExitMs: undefined, readUncommitted: false,
    });
  });
  it('reads every option', () => {
    const s = settings(['chatEvents', '--topic-prefix', 'p.', '--channel', '#XQC', '--kind', 'raid', '--since', '10m', '--json', '--max', '3', '--exit-when-idle-ms', '2000', '--read-uncommitted']);
    assert.deepEqual(s, {
      topic: { name: 'p.twitch.chat.events', id: 'chatEvents' }, start: { kind: 'time', timestampMs: NOW - 600_000 }, filter: { channel: 'xqc', kind: 'raid' },
      json: true, max: 3, idleExitMs: 2000, readUncommitted: true,
    });
    assert.deepEqual(settings(['hype', '--from-beginning']).start, { kind: 'beginning' });
  });
  it('refuses a missing topic, both start options, bad numbers and unknown options', () => {
    for (const argv of [[], ['a', 'b'], ['hype', '--since', '1m', '--from-beginning'], ['hype', '--max', '0'], ['hype', '--max', 'x'], ['hype', '--exit-when-idle-ms', '-1'], ['hype', '--follow'], ['hype', '--channel']]) {
      assert.throws(() => settings(argv), UsageError, argv.join(' '));
    }
  });
});
