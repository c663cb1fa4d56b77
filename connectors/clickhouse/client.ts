import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Endpoints } from '../../core/config.ts';

/**
 * A ClickHouse client for the configured endpoint and database.
 *
 * Why `@clickhouse/client`: it is ClickHouse's official client, speaks plain HTTP, and with
 * its defaults (no settings sent, no compression) it works unchanged against the 18.16 server of
 * the local stack as well as current ClickHouse. Two 18.16 limits shape its use here: query
 * parameters (`{x:Type}`) do not exist there, so values are escaped into SQL instead; and a
 * read-only user rejects any per-request setting, so none are sent by default.
 */
export function createClickHouse(config: Endpoints['clickhouse'], database: string | null = config.database): ClickHouseClient {
  return createClient({
    url: config.url,
    username: config.user,
    password: config.password,
    ...(database ? { database } : {}),
    compression: { request: false, response: false },
    request_timeout: 30_000,
  });
}
