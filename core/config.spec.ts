import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from './errors.ts';
import { ENV_VARS, REPO_ROOT, endpointsFromEnv, envPort, envValue, secretValues } from './config.ts';

describe('configuration', () => {
  it('falls back to documented defaults and reads overrides', () => {
    assert.equal(envValue('KAFKA_BROKERS', {}), '127.0.0.1:9092');
    assert.equal(envValue('KAFKA_BROKERS', { KAFKA_BROKERS: 'k:1' }), 'k:1');
    assert.equal(envValue('STACK_DIR', {}), `${REPO_ROOT}/.stack`);
    assert.deepEqual(endpointsFromEnv({ KAFKA_BROKERS: 'a:1, b:2' }).kafkaBrokers, ['a:1', 'b:2']);
  });

  it('rejects a bad port naming the variable and its bound', () => {
    assert.throws(() => envPort('KAFKA_PORT', { KAFKA_PORT: '70000' }), (e: unknown) =>
      e instanceof ConfigError && /KAFKA_PORT must be a port in 1\.\.65535, got "70000"/.test(e.message));
  });

  it('reads a secret from <NAME>_FILE, never a non-secret, and lists set secrets for redaction', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tp-cfg-')), 'token');
    writeFileSync(file, 'oauth:from-file\n');
    assert.equal(envValue('TWITCH_OAUTH_TOKEN', { TWITCH_OAUTH_TOKEN_FILE: file }), 'oauth:from-file');
    assert.equal(envValue('KAFKA_BROKERS', { KAFKA_BROKERS_FILE: file }), '127.0.0.1:9092');
    const emptyStack = mkdtempSync(join(tmpdir(), 'tp-stack-'));
    assert.deepEqual(secretValues({ STACK_DIR: emptyStack, TWITCH_OAUTH_TOKEN_FILE: file, HELIX_CLIENT_SECRET: 'hx', MINIO_ROOT_PASSWORD: 'm' }).sort(), ['hx', 'm', 'oauth:from-file']);
  });

  it('falls back to the secrets the local stack generated, which the environment overrides', () => {
    const stack = mkdtempSync(join(tmpdir(), 'tp-stack-'));
    assert.equal(envValue('MINIO_ROOT_PASSWORD', { STACK_DIR: stack }), '', 'nothing generated, nothing committed');
    mkdirSync(join(stack, 'minio'));
    mkdirSync(join(stack, 'kafka'));
    mkdirSync(join(stack, 'clickhouse'));
    writeFileSync(join(stack, 'minio', 'root-password'), 'generatedMinio\n');
    writeFileSync(join(stack, 'kafka', 'sasl-password'), 'generatedSasl');
    writeFileSync(join(stack, 'clickhouse', 'default-password'), 'generatedClickHouse');
    assert.equal(envValue('MINIO_ROOT_PASSWORD', { STACK_DIR: stack }), 'generatedMinio');
    assert.equal(envValue('KAFKA_SASL_PASSWORD', { STACK_DIR: stack }), 'generatedSasl');
    assert.equal(envValue('CLICKHOUSE_PASSWORD', { STACK_DIR: stack }), 'generatedClickHouse');
    assert.equal(endpointsFromEnv({ STACK_DIR: stack }).clickhouse.password, 'generatedClickHouse', 'every ClickHouse client logs in with it');
    assert.equal(envValue('MINIO_ROOT_PASSWORD', { STACK_DIR: stack, MINIO_ROOT_PASSWORD: 'mine' }), 'mine');
    assert.deepEqual(secretValues({ STACK_DIR: stack }).sort(), ['generatedClickHouse', 'generatedMinio', 'generatedSasl'], 'generated secrets are redacted too');
  });

  it('lists every variable in the README configuration table', () => {
    const readme = readFileSync(`${REPO_ROOT}/README.md`, 'utf8');
    for (const v of ENV_VARS) assert.match(readme, new RegExp(`\\| \`${v.name}\` \\|`), `${v.name} in README`);
  });
});
