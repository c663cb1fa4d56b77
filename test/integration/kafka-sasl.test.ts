// Needs: Kafka of the local stack (its SASL_PLAINTEXT listener, PLAIN, user twitchpulse with the
// password stack/kafka/run.sh generated into .stack/kafka/sasl-password) and
// Apicurio; its SASL_SSL listener, with the certificate of the local CA stack/kafka/run.sh made
// into .stack/kafka/tls/. The real CLI talks to Kafka through SASL (and SASL over TLS) with the
// password read from a file, and the password never shows in its output, not even when the
// broker refuses it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, envPort, envValue } from '../../core/config.ts';
import { createTopics } from '../../connectors/kafka/admin.ts';
import { ALL_TOPICS, TOPICS } from '../../schemas/catalogue.ts';
import { endOffsetSum, testKafka } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-sasl-'));
const lines = readFileSync(new URL('../fixtures/irc/privmsg.log', import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('@'));
const chatFile = join(dir, 'chat.log');
writeFileSync(chatFile, lines.join('\n') + '\n');

/** The stack's SASL_PLAINTEXT listener, or its SASL_SSL one with these TLS settings. */
type Listener = { port: 'KAFKA_SASL_PORT' } | { port: 'KAFKA_SSL_PORT'; tls: { KAFKA_SSL?: string; KAFKA_SSL_CA_FILE?: string } };

function replayOverSasl(password: string, listener: Listener = { port: 'KAFKA_SASL_PORT' }) {
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, password + '\n');
  const env = {
    ...process.env,
    ...('tls' in listener ? listener.tls : {}),
    KAFKA_BROKERS: `127.0.0.1:${envPort(listener.port)}`,
    KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: process.env.KAFKA_SASL_USERNAME || 'twitchpulse',
    KAFKA_SASL_PASSWORD: '', KAFKA_SASL_PASSWORD_FILE: passwordFile,
    LOG_LEVEL: 'debug',
  };
  return spawnSync(process.execPath, ['bin/twitch-pulse.mjs', 'replay', chatFile, '--max'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

function messagesEndOffset(): Promise<number> {
  return endOffsetSum(testKafka(), TOPICS.chatMessages.name);
}

describe('Kafka over SASL, and SASL over TLS', () => {
  it('replays into Kafka through the SASL listener with the password from a file, never printing it', async () => {
    await createTopics(testKafka(), ALL_TOPICS);
    const before = await messagesEndOffset();
    const password = envValue('KAFKA_SASL_PASSWORD');
    const run = replayOverSasl(password);
    assert.equal(run.status, 0, run.stderr);
    assert.equal((await messagesEndOffset()) - before, lines.length);
    assert.ok(!(run.stdout + run.stderr).includes(password), 'the password is in the output');
  });

  it('fails clearly when the broker refuses the credentials, without echoing them', () => {
    const run = replayOverSasl('not-the-password-7f3a');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /SASL PLAIN authentication failed/);
    assert.ok(!(run.stdout + run.stderr).includes('not-the-password-7f3a'), 'the password is in the output');
  });

  it('replays through the SASL_SSL listener, trusting the local CA given in KAFKA_SSL_CA_FILE', async () => {
    await createTopics(testKafka(), ALL_TOPICS);
    const before = await messagesEndOffset();
    const password = envValue('KAFKA_SASL_PASSWORD');
    const run = replayOverSasl(password, { port: 'KAFKA_SSL_PORT', tls: { KAFKA_SSL_CA_FILE: `${envValue('STACK_DIR')}/kafka/tls/ca.pem` } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((await messagesEndOffset()) - before, lines.length);
    assert.ok(!(run.stdout + run.stderr).includes(password), 'the password is in the output');
  });

  it('refuses a broker whose certificate no trusted CA signed', async () => {
    const before = await messagesEndOffset();
    const run = replayOverSasl(envValue('KAFKA_SASL_PASSWORD'), { port: 'KAFKA_SSL_PORT', tls: { KAFKA_SSL: 'true' } });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /self[- ]signed certificate|unable to (get local issuer|verify)/i);
    assert.equal(await messagesEndOffset(), before, 'nothing was written past an untrusted broker');
  });
});
