// Needs: Kafka and Apicurio Registry of the local stack. Drives tmi.js against the local
// Twitch-dialect IRC server (test/servers/twitchIrcServer.ts) replaying recorded lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Subscription } from "rxjs";
import { chatSource, type ChatSourceNotice } from '../../connectors/twitch/chatSource.ts';
import { openKafkaIngest, type IngestTopicNames, type KafkaIngest } from '../../connectors/twitch/ingestToKafka.ts';
import { AvroSerde } from '../../schemas/serde.ts';
import { TwitchIrcServer, channelOf } from '../servers/twitchIrcServer.ts';
import { consumeAll, endpoints, testKafka, uniqueName } from './harness.ts';

const FIXTURES = new URL('../fixtures/irc/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8').split('\n').filter((l) => l.length > 0);

interface Expected {
  [file: string]: { lines: number; commands: Record<string, number>; msg_id_counts?: Record<string, number> };
}

function topicNames(): IngestTopicNames {
  const base = uniqueName('it-ingest');
  return { messages: `${base}.messages`, events: `${base}.events`, moderation: `${base}.moderation`, deadLetter: `${base}.dlq` };
}

describe('live chat through tmi.js into Kafka', () => {
  const server = new TwitchIrcServer({ suspendedChannels: ['doesnotexist_404'] });
  let port = 0;
  before(async () => {
    port = await server.listen();
  });
  after(() => server.close());

  it('lands every replayed line in Kafka exactly once, counted by kind', async () => {
    const lines = [...fixture('privmsg.log'), ...fixture('usernotice.log'), ...fixture('moderation.log')];
    const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Expected;
    const channels = [...new Set(lines.map(channelOf).filter((c): c is string => c !== null))];
    const topics = topicNames();
    const ingest: KafkaIngest = await openKafkaIngest(endpoints, 'it-ingest', topics);
    const notices: ChatSourceNotice[] = [];
    const sub: Subscription = chatSource({ channels: ['doesnotexist_404', ...channels], server: '127.0.0.1', port, secure: false }, (n) => notices.push(n))
      .subscribe((raw) => ingest.ingester.line(raw.line, raw.receivedAtMs));
    try {
      await server.waitForJoins(channels, 60_000);
      assert.equal(server.replay(lines), lines.length, 'every fixture line reached the client');
      // Recorded lines without IRCv3 tags (Twitch sends those to clients that did not ask for
      // tags) carry no event time: they must land in the dead-letter topic, not vanish.
      const untagged = (file: string, command: string) => fixture(file).filter((l) => !l.startsWith('@') && l.includes(` ${command} `)).length;
      const want = {
        messages: (expected['privmsg.log']!.commands.PRIVMSG ?? 0) - untagged('privmsg.log', 'PRIVMSG'),
        events: (expected['usernotice.log']!.commands.USERNOTICE ?? 0) - untagged('usernotice.log', 'USERNOTICE'),
        moderation: (expected['moderation.log']!.commands.CLEARCHAT ?? 0) + (expected['moderation.log']!.commands.CLEARMSG ?? 0)
          - untagged('moderation.log', 'CLEARCHAT') - untagged('moderation.log', 'CLEARMSG'),
        deadLetters: lines.filter((l) => !l.startsWith('@')).length,
      };
      assert.equal(want.messages + want.events + want.moderation + want.deadLetters, lines.length);
      const deadline = Date.now() + 30_000;
      while (ingest.ingester.stats.lines < lines.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await ingest.producer.flush();

      const kafka = testKafka();
      const serde = AvroSerde.connect(endpoints.registryUrl);
      const messages = await consumeAll(kafka, topics.messages, want.messages);
      const events = await consumeAll(kafka, topics.events, want.events);
      const moderation = await consumeAll(kafka, topics.moderation, want.moderation);
      const dead = await consumeAll(kafka, topics.deadLetter, want.deadLetters);
      assert.deepEqual([messages.length, events.length, moderation.length, dead.length], [want.messages, want.events, want.moderation, want.deadLetters]);
      for (const d of dead) {
        const { value } = await serde.decode<{ errorCode: string; reason: string; raw: Buffer }>(d.value);
        assert.equal(value.errorCode, 'IRC_MALFORMED');
        assert.match(value.reason, /without tag/);
        assert.ok(lines.includes(value.raw.toString('utf8')), 'dead letter keeps the raw line');
      }

      const decodedMessages = await Promise.all(messages.map((m) => serde.decode<{ id: string; roomId: string }>(m.value)));
      // Exactly once: the delivered message ids, as a multiset, are the recorded lines' ids
      // (Twitch's documentation examples reuse one id, so a set would not do).
      const recordedIds = lines.filter((l) => l.startsWith('@') && / PRIVMSG #/.test(l)).map((l) => /[@;]id=([^; ]*)/.exec(l)![1]!).sort();
      assert.deepEqual(decodedMessages.map((d) => d.value.id).sort(), recordedIds, 'every message once, none twice');
      assert.ok(messages.every((m, i) => m.key === decodedMessages[i]!.value.roomId), 'keyed by room id');

      const byMsgId: Record<string, number> = {};
      for (const e of events) {
        const { value } = await serde.decode<{ msgId: string }>(e.value);
        const k = value.msgId || 'unknown';
        byMsgId[k] = (byMsgId[k] ?? 0) + 1;
      }
      assert.deepEqual(byMsgId, expected['usernotice.log']!.msg_id_counts);
      await waitUntil(() => notices.some((n) => n.kind === 'join_failed' && n.channel === 'doesnotexist_404'), 10_000);
      assert.equal(server.joinRateViolations, 0, 'JOINs stay within 20 per 10 s');
    } finally {
      sub.unsubscribe();
      await ingest.close();
    }
  });

  it('reconnects after RECONNECT and a dropped connection, and keeps ingesting', async () => {
    const lines: string[] = [];
    const notices: ChatSourceNotice[] = [];
    const sub = chatSource({ channels: ['replaytest'], server: '127.0.0.1', port, secure: false }, (n) => notices.push(n))
      .subscribe((raw) => lines.push(raw.line));
    const line = (n: number) => `@id=r${n};room-id=9;tmi-sent-ts=${1_700_000_000_000 + n};user-id=1 :u!u@u.tmi.twitch.tv PRIVMSG #replaytest :n${n}`;
    try {
      await server.waitForJoins(['replaytest']);
      server.replay([line(1)]);
      server.sendReconnect();
      await waitUntil(() => !server.joinedChannels().has('replaytest'), 10_000);
      await server.waitForJoins(['replaytest'], 30_000);
      server.replay([line(2)]);
      server.dropConnections();
      await waitUntil(() => !server.joinedChannels().has('replaytest'), 10_000);
      await server.waitForJoins(['replaytest'], 30_000);
      server.replay([line(3)]);
      await waitUntil(() => lines.filter((l) => l.includes('PRIVMSG')).length >= 3, 10_000);
      assert.deepEqual(lines.filter((l) => l.includes('PRIVMSG')), [line(1), line(2), line(3)]);
    } finally {
      // Closing the server while tmi.js is still closing would count as a dropped connection
      // and schedule a reconnect that nothing can cancel, keeping the test process alive.
      const disconnects = notices.filter((n) => n.kind === 'disconnected').length;
      sub.unsubscribe();
      await waitUntil(() => notices.filter((n) => n.kind === 'disconnected').length > disconnects, 10_000);
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

