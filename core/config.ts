import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.ts';

/** Root folder of the twitch-pulse checkout. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** One environment variable the project reads, with its default and meaning. */
export interface EnvVar {
  readonly name: string;
  readonly defaultValue: string;
  readonly doc: string;
  /**
   * Secrets are never logged or printed, and may come from a file instead: `<NAME>_FILE` holds
   * its path (as Docker and Kubernetes mount secrets).
   */
  readonly secret?: boolean;
  /**
   * A secret the local stack generates on first start, kept at this path under `STACK_DIR`:
   * read from there when neither the variable nor `<NAME>_FILE` is set.
   */
  readonly stackFile?: string;
}

/**
 * Every environment variable twitch-pulse reads. The README's configuration table lists the
 * same names (a unit test keeps them in step).
 */
export const ENV_VARS: readonly EnvVar[] = Object.freeze([
  { name: 'KAFKA_BROKERS', defaultValue: '127.0.0.1:9092', doc: 'Comma-separated Kafka bootstrap brokers.' },
  { name: 'KAFKA_SSL', defaultValue: 'false', doc: 'true: TLS to the brokers (system CAs, or KAFKA_SSL_CA_FILE).' },
  { name: 'KAFKA_SSL_CA_FILE', defaultValue: '', doc: 'PEM file of the CA that signed the brokers\' certificates (implies KAFKA_SSL=true).' },
  { name: 'KAFKA_SASL_MECHANISM', defaultValue: '', doc: 'plain, scram-sha-256 or scram-sha-512; empty: no SASL.' },
  { name: 'KAFKA_SASL_USERNAME', defaultValue: '', doc: 'SASL user when KAFKA_SASL_MECHANISM is set.' },
  { name: 'KAFKA_SASL_PASSWORD', defaultValue: '', doc: 'SASL password when KAFKA_SASL_MECHANISM is set; default: the one the local stack generated into <STACK_DIR>/kafka/sasl-password. Never logged.', secret: true, stackFile: 'kafka/sasl-password' },
  { name: 'SCHEMA_REGISTRY_URL', defaultValue: 'http://127.0.0.1:8081/apis/ccompat/v7', doc: 'Confluent-API root of the schema registry.' },
  { name: 'CLICKHOUSE_URL', defaultValue: 'http://127.0.0.1:8123', doc: 'ClickHouse HTTP endpoint.' },
  { name: 'CLICKHOUSE_USER', defaultValue: 'default', doc: 'ClickHouse user.' },
  { name: 'CLICKHOUSE_PASSWORD', defaultValue: '', doc: 'ClickHouse password; default: the one the local stack generated for its `default` user into <STACK_DIR>/clickhouse/default-password. Never logged.', secret: true, stackFile: 'clickhouse/default-password' },
  { name: 'CLICKHOUSE_DATABASE', defaultValue: 'twitch_pulse', doc: 'ClickHouse database of the project.' },
  { name: 'CLICKHOUSE_RAW_RETENTION_DAYS', defaultValue: '90', doc: 'Days the raw ClickHouse tables (chat_messages, chat_events, moderation, dead_letters, late_records, consumer_lag) keep a row, by its time (TTL, 1..3650); read by `migrate` when migration 0008 runs.' },
  { name: 'CLICKHOUSE_GRAFANA_PASSWORD', defaultValue: '', doc: 'Password of the read-only `grafana` ClickHouse user (local stack; docker-compose requires it, no default is committed).', secret: true },
  { name: 'MINIO_ENDPOINT', defaultValue: 'http://127.0.0.1:9002', doc: 'MinIO (S3) endpoint.' },
  { name: 'MINIO_ROOT_USER', defaultValue: 'twitchpulse', doc: 'MinIO access key (the stack starts MinIO with it).' },
  { name: 'MINIO_ROOT_PASSWORD', defaultValue: '', doc: 'MinIO secret key (the stack starts MinIO with it); default: the one the local stack generated into <STACK_DIR>/minio/root-password. Never logged.', secret: true, stackFile: 'minio/root-password' },
  { name: 'MINIO_BUCKET', defaultValue: 'twitch-pulse-archive', doc: 'Bucket for the raw-topic archive.' },
  { name: 'STACK_DIR', defaultValue: '<repo>/.stack', doc: 'Where the local stack keeps installs, data, logs and PIDs.' },
  { name: 'KAFKA_PORT', defaultValue: '9092', doc: 'Local stack: Kafka broker port.' },
  { name: 'KAFKA_CONTROLLER_PORT', defaultValue: '9093', doc: 'Local stack: Kafka KRaft controller port.' },
  { name: 'KAFKA_SASL_PORT', defaultValue: '9094', doc: 'Local stack: Kafka SASL_PLAINTEXT listener port (PLAIN; user KAFKA_SASL_USERNAME or twitchpulse, password KAFKA_SASL_PASSWORD or one generated into <STACK_DIR>/kafka/sasl-password).' },
  { name: 'KAFKA_SSL_PORT', defaultValue: '9095', doc: 'Local stack: Kafka SASL_SSL listener port (TLS with a certificate from a local CA generated into <STACK_DIR>/kafka/tls/ca.pem, then the SASL PLAIN user of KAFKA_SASL_PORT).' },
  { name: 'REGISTRY_PORT', defaultValue: '8081', doc: 'Local stack: Apicurio Registry port.' },
  { name: 'CLICKHOUSE_HTTP_PORT', defaultValue: '8123', doc: 'Local stack: ClickHouse HTTP port.' },
  { name: 'CLICKHOUSE_TCP_PORT', defaultValue: '9000', doc: 'Local stack: ClickHouse native port.' },
  { name: 'MINIO_PORT', defaultValue: '9002', doc: 'Local stack: MinIO S3 port.' },
  { name: 'MINIO_CONSOLE_PORT', defaultValue: '9003', doc: 'Local stack: MinIO console port.' },
  { name: 'TWITCH_CHANNELS', defaultValue: '', doc: 'Channels for `ingest` when --channels/--channels-file are not given (comma-separated).' },
  { name: 'TWITCH_OAUTH_TOKEN', defaultValue: '', doc: 'Chat token for `ingest`; anonymous read-only (justinfan) when empty. Never logged.', secret: true },
  { name: 'TWITCH_USERNAME', defaultValue: 'twitch_pulse', doc: 'Login that goes with TWITCH_OAUTH_TOKEN.' },
  { name: 'TWITCH_IRC_URL', defaultValue: 'wss://irc-ws.chat.twitch.tv:443', doc: 'Chat server for `ingest` (tests point it at the local Twitch-dialect server).' },
  { name: 'HELIX_CLIENT_ID', defaultValue: '', doc: 'Twitch app client id for `helix sweep` and `helix clips` (client credentials grant).' },
  { name: 'HELIX_CLIENT_SECRET', defaultValue: '', doc: 'Twitch app client secret for `helix sweep` and `helix clips`. Never logged.', secret: true },
  { name: 'HELIX_URL', defaultValue: 'https://api.twitch.tv/helix', doc: 'Helix API root for `helix sweep` and `helix clips` (tests point it at the local Helix server).' },
  { name: 'HELIX_AUTH_URL', defaultValue: 'https://id.twitch.tv/oauth2', doc: 'Twitch OAuth root for the app access token.' },
  { name: 'LOG_LEVEL', defaultValue: 'info', doc: 'debug, info, warn or error.' },
]);

/**
 * Reads a variable from `env`, falling back to the documented default. A secret may instead be
 * read from the file `<NAME>_FILE` names (one trailing newline dropped); setting both is an error.
 */
export function envValue(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const spec = ENV_VARS.find((v) => v.name === name);
  if (!spec) throw new ConfigError(name, 'is not a known twitch-pulse environment variable');
  const value = env[name];
  const file = spec.secret ? env[`${name}_FILE`] : undefined;
  if (file) {
    if (value) throw new ConfigError(name, `and ${name}_FILE are both set; set one`);
    return readSecretFile(`${name}_FILE`, file);
  }
  if (value !== undefined && value !== '') return value;
  if (spec.stackFile) {
    const generated = `${envValue('STACK_DIR', env)}/${spec.stackFile}`;
    if (existsSync(generated)) return readSecretFile(name, generated);
  }
  return name === 'STACK_DIR' ? `${REPO_ROOT}/.stack` : spec.defaultValue;
}

function readSecretFile(field: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(field, `names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The values of every secret variable set in `env` (directly or by file), for log redaction. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values: string[] = [];
  for (const spec of ENV_VARS) {
    if (!spec.secret) continue;
    try {
      const value = envValue(spec.name, env);
      if (value) values.push(value);
    } catch {
      // A misconfigured secret is reported where it is used, not by the logger.
    }
  }
  return values;
}

/** Reads a TCP port variable, validated to 1..65535. */
export function envPort(name: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = envValue(name, env);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(name, `must be a port in 1..65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Connection settings of the servers twitch-pulse talks to. */
export interface Endpoints {
  readonly kafkaBrokers: readonly string[];
  readonly registryUrl: string;
  readonly clickhouse: { readonly url: string; readonly user: string; readonly password: string; readonly database: string };
  readonly minio: { readonly endpoint: string; readonly accessKey: string; readonly secretKey: string; readonly bucket: string };
}

/** Endpoints from the environment (defaults: the local stack on 127.0.0.1). */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): Endpoints {
  return Object.freeze({
    kafkaBrokers: envValue('KAFKA_BROKERS', env).split(',').map((b) => b.trim()).filter(Boolean),
    registryUrl: envValue('SCHEMA_REGISTRY_URL', env).replace(/\/$/, ''),
    clickhouse: {
      url: envValue('CLICKHOUSE_URL', env),
      user: envValue('CLICKHOUSE_USER', env),
      password: envValue('CLICKHOUSE_PASSWORD', env),
      database: envValue('CLICKHOUSE_DATABASE', env),
    },
    minio: {
      endpoint: envValue('MINIO_ENDPOINT', env),
      accessKey: envValue('MINIO_ROOT_USER', env),
      secretKey: envValue('MINIO_ROOT_PASSWORD', env),
      bucket: envValue('MINIO_BUCKET', env),
    },
  });
}
