import { endpointsFromEnv } from '../core/config.ts';
import { UnavailableError } from '../core/errors.ts';
import { createMinio, ensureBucket } from '../connectors/minio/client.ts';

/**
 * Creates what the project needs inside the running servers: the archive bucket in MinIO and
 * the project database in ClickHouse. Idempotent.
 */
export async function provisionStack(say: (line: string) => void = () => undefined): Promise<void> {
  const endpoints = endpointsFromEnv();
  const created = await ensureBucket(createMinio(endpoints.minio), endpoints.minio.bucket);
  say(`minio: bucket ${endpoints.minio.bucket} ${created ? 'created' : 'exists'}`);

  const { url, user, password, database } = endpoints.clickhouse;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'X-ClickHouse-User': user, 'X-ClickHouse-Key': password },
    body: `CREATE DATABASE IF NOT EXISTS ${database}`,
  });
  if (!res.ok) throw new UnavailableError('clickhouse', `CREATE DATABASE answered ${res.status}: ${await res.text()}`);
  say(`clickhouse: database ${database} ready`);
}
