import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chatSourceOptionsFromEnv, normaliseChannels } from './chatSource.ts';

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
