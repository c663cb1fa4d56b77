import * as Minio from 'minio';
import { ConfigError, UnavailableError, messageOf } from '../../core/errors.ts';
import type { Endpoints } from '../../core/config.ts';

/**
 * A MinIO (S3) client for the configured endpoint. Credentials come from the environment only.
 * @throws ConfigError when no secret key is configured (and the local stack generated none).
 */
export function createMinio(config: Endpoints['minio']): Minio.Client {
  if (!config.secretKey) {
    throw new ConfigError('MINIO_ROOT_PASSWORD', 'is not set: set it or MINIO_ROOT_PASSWORD_FILE, or start the local stack (`twitch-pulse stack up`), which generates one');
  }
  const url = new URL(config.endpoint);
  return new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    useSSL: url.protocol === 'https:',
    accessKey: config.accessKey,
    secretKey: config.secretKey,
  });
}

/**
 * Creates `bucket` unless it exists. Idempotent.
 * @returns true when it was created now.
 * @throws UnavailableError when MinIO does not answer.
 */
export async function ensureBucket(client: Minio.Client, bucket: string): Promise<boolean> {
  try {
    if (await client.bucketExists(bucket)) return false;
    await client.makeBucket(bucket);
    return true;
  } catch (error) {
    throw new UnavailableError('minio', messageOf(error), error);
  }
}
