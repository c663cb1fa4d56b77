// Needs: Kafka and Apicurio Registry of the local stack. Runs the real CLI, which writes to the
// catalogue's raw topics; exact counts come from the topics' end offsets before and after
// (integration tests run one file at a time, so nothing else writes meanwhile).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../core/config.ts';
import { createTopics } from '../../connectors/kafka/admin.ts';
import { ALL_TOPICS, TOPICS } from '../../schemas/catalogue.ts';
import { endOffsetSum, testKafka } from './harness.ts';

describe('twitch-pulse replay', () => {
  it('puts every recorded line into the raw topics or the dead-letter topic, exactly once', async () => {
    const kafka = testKafka();
    await createTopics(kafka, ALL_TOPICS);
    const fixture = (f: string) => readFileSync(new URL(`../fixtures/irc/${f}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
    const hostile = ['', '@broken', 'PRIVMSG #x', '@id=1;room-id=2;tmi-sent-ts=3 :a!a@a PRIVMSG #c :fine'];
    const lines = [...fixture('privmsg.log'), ...fixture('usernotice.log'), ...fixture('moderation.log'), ...fixture('other.log'), ...hostile];
    const file = `${tmpdir()}/twitch-pulse-replay-${process.pid}.log`;
    writeFileSync(file, lines.join('\n') + '\n');

    const topics = [TOPICS.chatMessages, TOPICS.chatEvents, TOPICS.moderation, TOPICS.deadLetter].map((t) => t.name);
    const before = await Promise.all(topics.map((t) => endOffsetSum(kafka, t)));
    const run = spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'replay', file, '--max'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const after = await Promise.all(topics.map((t) => endOffsetSum(kafka, t)));
    const landed = after.map((a, i) => a - before[i]!);

    const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { lines: number; messages: number; moderation: number; control: number; malformed: number; events: Record<string, number> };
    const eventTotal = Object.values(summary.events).reduce((a, b) => a + b, 0);
    // The empty line of `hostile` is a line too: the file has one line per entry.
    assert.equal(summary.lines, lines.length);
    assert.deepEqual(landed, [summary.messages, eventTotal, summary.moderation, summary.malformed]);
    assert.equal(summary.messages + eventTotal + summary.moderation + summary.control + summary.malformed, lines.length);
    // Independent of the parser: tagged PRIVMSG lines in the input, plus the one good hostile line.
    const taggedPrivmsg = fixture('privmsg.log').filter((l) => l.startsWith('@')).length + 1;
    assert.equal(summary.messages, taggedPrivmsg);
  });
});
