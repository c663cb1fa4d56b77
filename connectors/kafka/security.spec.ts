import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { kafkaSecurityFromEnv } from './security.ts';

describe('Kafka TLS and SASL from the environment', () => {
  it('is plaintext without settings', () => {
    assert.deepEqual(kafkaSecurityFromEnv({}), {});
  });

  it('builds SASL with a password read from a file, and TLS with a CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-sec-'));
    writeFileSync(join(dir, 'password'), 's3cret-pw\n');
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const security = kafkaSecurityFromEnv({
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'pulse',
      KAFKA_SASL_PASSWORD_FILE: join(dir, 'password'), KAFKA_SSL_CA_FILE: join(dir, 'ca.pem'),
    });
    assert.deepEqual(security.sasl, { mechanism: 'scram-sha-512', username: 'pulse', password: 's3cret-pw' });
    assert.deepEqual(security.ssl, { ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] });
    assert.equal(kafkaSecurityFromEnv({ KAFKA_SSL: 'true' }).ssl, true);
  });

  it('refuses unknown mechanisms, a missing user, a bad flag and both a secret and its file', () => {
    const refuses = (env: NodeJS.ProcessEnv, field: RegExp) =>
      assert.throws(() => kafkaSecurityFromEnv(env), (e: unknown) => e instanceof ConfigError && field.test(e.message));
    refuses({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u' }, /^KAFKA_SASL_MECHANISM must be one of plain/);
    refuses({ KAFKA_SASL_MECHANISM: 'plain' }, /^KAFKA_SASL_USERNAME is required/);
    refuses({ KAFKA_SSL: 'yes' }, /^KAFKA_SSL must be true or false/);
    refuses({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'a', KAFKA_SASL_PASSWORD_FILE: '/x' }, /both set/);
    refuses({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' }, /^KAFKA_SSL_CA_FILE names a file that cannot be read \(ENOENT\)/);
  });
});
