import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tmi from 'tmi.js';
import { createLogger } from '../../core/log.ts';
import { TwitchIrcServer } from '../../test/servers/twitchIrcServer.ts';
import { ChatIngester, type ChatRecordSink } from './chatIngest.ts';
import { chatSource, chatSourceOptionsFromEnv, normaliseChannels, type ChatSourceNotice } from './chatSource.ts';

describe('chat source settings', () => {
  it('connects anonymously to Twitch\'s chat server without settings', () => {
    assert.deepEqual(chatSourceOptionsFromEnv(['a'], {}), {
      channels: ['a'], token: undefined, username: 'twitch_pulse', server: 'irc-ws.chat.twitch.tv', port: 443, secure: true,
    });
  });

  it('takes the token from TWITCH_OAUTH_TOKEN_FILE and a plain ws:// server for tests', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tp-chat-')), 'token');
    writeFileSync(file, 'oauth:abc123\n');
    const options = chatSourceOptionsFromEnv(['a'], { TWITCH_OAUTH_TOKEN_FILE: file, TWITCH_USERNAME: 'me', TWITCH_IRC_URL: 'ws://127.0.0.1:6667' });
    assert.deepEqual([options.token, options.username, options.server, options.port, options.secure], ['oauth:abc123', 'me', '127.0.0.1', 6667, false]);
    assert.equal(chatSourceOptionsFromEnv(['a'], { TWITCH_IRC_URL: 'ws://localhost' }).port, 80);
  });

  it('normalises channel names', () => {
    assert.deepEqual(normaliseChannels(['#XQC', ' pokimane ', 'xqc']), ['xqc', 'pokimane']);
  });
});

const TS = 1_700_000_000_000;
const LINES = {
  message: `@badges=;display-name=U;emotes=;id=m1;room-id=42;tmi-sent-ts=${TS};user-id=7 :u!u@u.tmi.twitch.tv PRIVMSG #live :hello`,
  event: `@id=e1;login=u;msg-id=raid;msg-param-viewerCount=5;room-id=42;tmi-sent-ts=${TS + 1} :tmi.twitch.tv USERNOTICE #live`,
  clearchat: `@room-id=42;tmi-sent-ts=${TS + 2} :tmi.twitch.tv CLEARCHAT #live :u`,
  clearmsg: `@login=u;room-id=42;target-msg-id=m1;tmi-sent-ts=${TS + 3} :tmi.twitch.tv CLEARMSG #live :hello`,
  untagged: ':u!u@u.tmi.twitch.tv PRIVMSG #live :no tags, so no event time',
  noTimestamp: '@id=m2;room-id=42 :u!u@u.tmi.twitch.tv PRIVMSG #live :no tmi-sent-ts',
};

// tmi.js's own methods, to prove the source replaces none of them.
function tmiMethods(): Map<string, unknown> {
  const proto = tmi.Client.prototype as unknown as Record<string, unknown>;
  return new Map(Object.getOwnPropertyNames(proto).map((k) => [k, proto[k]]));
}

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('chat source on the local Twitch IRC server', () => {
  const server = new TwitchIrcServer();
  let port = 0;
  before(async () => {
    port = await server.listen();
  });
  after(() => server.close());

  // Each line the source delivers goes to the parser (the ingester) once; `parses` counts per line.
  async function withSource(body: (run: { client: tmi.Client; parses: Map<string, number>; sink: ReturnType<typeof recordingSink> }) => Promise<void>) {
    let client: tmi.Client | undefined;
    const notices: ChatSourceNotice[] = [];
    const parses = new Map<string, number>();
    const sink = recordingSink();
    const ingester = new ChatIngester(sink);
    const sub = chatSource({
      channels: ['live'], server: '127.0.0.1', port, secure: false, log: createLogger('chat-source', 'error', () => undefined),
      createClient: (o) => (client = new tmi.Client(o)),
    }, (n) => notices.push(n))
      .subscribe((raw) => {
        parses.set(raw.line, (parses.get(raw.line) ?? 0) + 1);
        ingester.line(raw.line, raw.receivedAtMs);
      });
    try {
      await server.waitForJoins(['live'], 10_000);
      await body({ client: client!, parses, sink });
    } finally {
      sub.unsubscribe();
      // Closing the server while tmi.js is still closing would make it reconnect.
      await until('disconnected', () => notices.some((n) => n.kind === 'disconnected'));
    }
  }

  it('reads lines through tmi.js\'s public raw_message event, not by replacing its methods', async () => {
    const before = tmiMethods();
    await withSource(async ({ client, parses }) => {
      server.replay([LINES.message]);
      await until('line delivered', () => parses.has(LINES.message));
      assert.equal(Object.hasOwn(client, '_onMessage'), false, 'no own _onMessage on the client');
      assert.deepEqual(Object.entries(client).filter(([, v]) => typeof v === 'function').map(([k]) => k), [], 'no method set on the client');
      assert.deepEqual(tmiMethods(), before, 'tmi.js\'s prototype untouched');
      assert.equal(client.listenerCount('raw_message'), 1);
    });
  });

  it('hands every line to the parser once; lines the parser rejects take the dead-letter path', async () => {
    await withSource(async ({ parses, sink }) => {
      const lines = Object.values(LINES);
      // One frame holding all of them, then each again in a frame of its own; a duplicate would
      // arrive before the last line on the same connection.
      const last = LINES.message.replace('id=m1', 'id=last');
      server.replay(lines);
      server.replay([...lines, last], 1);
      await until('the last line', () => parses.has(last));
      assert.deepEqual(lines.map((l) => parses.get(l)), lines.map(() => 2), 'each line parsed once per time it was sent');
      assert.deepEqual(sink.kinds.filter(([, raw]) => lines.includes(raw)), [
        ...lines.map((l) => [kindOf(l), l]),
        ...lines.map((l) => [kindOf(l), l]),
      ]);
      const dead = sink.kinds.filter(([kind]) => kind === 'malformed');
      assert.deepEqual(dead.map(([, raw]) => raw), [LINES.untagged, LINES.noTimestamp, LINES.untagged, LINES.noTimestamp], 'only the rejected lines are dead-lettered');
    });
  });

  it('never sees a line without a command: tmi.js discards it before any public event', async () => {
    await withSource(async ({ parses }) => {
      server.replay(['@badges=;id=1;room-id=42', LINES.message]);
      await until('the line after it', () => parses.has(LINES.message));
      assert.equal(parses.has('@badges=;id=1;room-id=42'), false);
    });
  });
});

function kindOf(line: string): string {
  if (line === LINES.untagged || line === LINES.noTimestamp) return 'malformed';
  if (line === LINES.event) return 'event';
  if (line === LINES.clearchat || line === LINES.clearmsg) return 'moderation';
  return 'message';
}

function recordingSink() {
  const kinds: Array<[string, string]> = [];
  const text = (raw: string | Buffer) => (typeof raw === 'string' ? raw : raw.toString('utf8'));
  const sink: ChatRecordSink & { kinds: typeof kinds } = {
    kinds,
    message: (_v, raw) => kinds.push(['message', text(raw)]),
    event: (_v, raw) => kinds.push(['event', text(raw)]),
    moderation: (_v, raw) => kinds.push(['moderation', text(raw)]),
    malformed: (raw) => kinds.push(['malformed', text(raw)]),
  };
  return sink;
}
