import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { envValue } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** The TLS and SASL part of a kafkajs client's configuration. */
export type KafkaSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

/**
 * TLS and SASL settings from the environment (`KAFKA_SSL`, `KAFKA_SSL_CA_FILE`,
 * `KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD` or
 * `KAFKA_SASL_PASSWORD_FILE`). Empty when none is set: plaintext, as the local stack runs.
 */
export function kafkaSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const security: { ssl?: KafkaConfig['ssl']; sasl?: SASLOptions } = {};
  const caFile = envValue('KAFKA_SSL_CA_FILE', env);
  const sslFlag = envValue('KAFKA_SSL', env).toLowerCase();
  if (!['true', 'false', '1', '0'].includes(sslFlag)) throw new ConfigError('KAFKA_SSL', `must be true or false, got ${JSON.stringify(sslFlag)}`);
  if (caFile) security.ssl = { ca: [readPem(caFile)] };
  else if (sslFlag === 'true' || sslFlag === '1') security.ssl = true;

  const mechanism = envValue('KAFKA_SASL_MECHANISM', env).toLowerCase();
  if (mechanism) {
    if (!(MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new ConfigError('KAFKA_SASL_MECHANISM', `must be one of ${MECHANISMS.join(', ')}, got ${JSON.stringify(mechanism)}`);
    }
    const username = envValue('KAFKA_SASL_USERNAME', env);
    const password = envValue('KAFKA_SASL_PASSWORD', env);
    if (!username) throw new ConfigError('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
    security.sasl = { mechanism: mechanism as (typeof MECHANISMS)[number], username, password } as SASLOptions;
  }
  return security;
}

function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('KAFKA_SSL_CA_FILE', `names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
