import { envPort, envValue } from '../core/config.ts';

/** How the stack checks that a service answers. */
export type HealthCheck = () => Promise<boolean>;

/** One server of the local stack. */
export interface ServiceSpec {
  /** Short name: folder under `stack/`, PID and log file name. */
  readonly name: string;
  /** What it is and which version, for `status`. */
  readonly title: string;
  /** Where it listens, for `up` and `status`. */
  readonly listen: string;
  /** Ports to check are free before starting. */
  readonly ports: readonly number[];
  /** Answers a real request (not just an open port). */
  readonly healthy: HealthCheck;
  /** How long a start may take before it counts as failed, ms. */
  readonly startTimeoutMs: number;
  /** Install group: services in the same group install one after another (shared ~/.m2). */
  readonly installGroup: string;
}

async function answers(url: string, expect: (res: Response, body: string) => boolean): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return expect(res, await res.text());
  } catch {
    return false;
  }
}

/** The four servers of the local stack, configured from the environment. */
export function stackServices(env: NodeJS.ProcessEnv = process.env): ServiceSpec[] {
  const kafkaPort = envPort('KAFKA_PORT', env);
  const registryPort = envPort('REGISTRY_PORT', env);
  const chHttp = envPort('CLICKHOUSE_HTTP_PORT', env);
  const chTcp = envPort('CLICKHOUSE_TCP_PORT', env);
  const minioPort = envPort('MINIO_PORT', env);
  return [
    {
      name: 'kafka',
      title: 'Apache Kafka (KRaft)',
      listen: `127.0.0.1:${kafkaPort}`,
      ports: [kafkaPort, envPort('KAFKA_CONTROLLER_PORT', env), envPort('KAFKA_SASL_PORT', env), envPort('KAFKA_SSL_PORT', env)],
      healthy: () => kafkaAnswers(`127.0.0.1:${kafkaPort}`),
      startTimeoutMs: 90_000,
      installGroup: 'maven',
    },
    {
      name: 'apicurio',
      title: 'Apicurio Registry (Confluent API at /apis/ccompat/v7)',
      listen: `http://127.0.0.1:${registryPort}/apis/ccompat/v7`,
      ports: [registryPort],
      healthy: () => answers(`http://127.0.0.1:${registryPort}/apis/ccompat/v7/subjects`, (r) => r.ok),
      startTimeoutMs: 120_000,
      installGroup: 'maven',
    },
    {
      name: 'clickhouse',
      title: 'ClickHouse 26.7 (the chDB engine of @chdb/lib-linux-x64-gnu)',
      listen: `http://127.0.0.1:${chHttp} (native ${chTcp})`,
      ports: [chHttp, chTcp],
      healthy: () => clickhouseAnswers(`http://127.0.0.1:${chHttp}`, envValue('CLICKHOUSE_USER', env), envValue('CLICKHOUSE_PASSWORD', env)),
      startTimeoutMs: 60_000,
      installGroup: 'cc',
    },
    {
      name: 'minio',
      title: 'MinIO',
      listen: `http://127.0.0.1:${minioPort}`,
      ports: [minioPort, envPort('MINIO_CONSOLE_PORT', env)],
      healthy: () => answers(`http://127.0.0.1:${minioPort}/minio/health/live`, (r) => r.ok),
      startTimeoutMs: 60_000,
      installGroup: 'go',
    },
  ];
}

// `/ping` answers without a login; a query as the project's user shows that the users are
// loaded and the password is the one clients will send.
async function clickhouseAnswers(url: string, user: string, password: string): Promise<boolean> {
  if (!(await answers(`${url}/ping`, (r, b) => r.ok && b.startsWith('Ok')))) return false;
  try {
    const res = await fetch(`${url}/?query=${encodeURIComponent('SELECT version()')}`, {
      headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': password },
      signal: AbortSignal.timeout(2000),
    });
    return res.ok && /^\d+\.\d+/.test(await res.text());
  } catch {
    return false;
  }
}

/** The stack folder (installs, data, logs, PIDs). */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return envValue('STACK_DIR', env);
}

// A broker that answers a metadata request is up; an open port alone is not enough while
// KRaft is still electing its controller.
async function kafkaAnswers(broker: string): Promise<boolean> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
