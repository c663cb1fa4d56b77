import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Endpoints } from '../../core/config.ts';

/**
 * A ClickHouse client for the configured endpoint and database.
 *
 * Why `@clickhouse/client`: it is ClickHouse's official client, speaks plain HTTP, and with
 * its defaults (no settings sent, no compression) it works unchanged against the stack's
 * ClickHouse 26.x and older servers alike. Values are escaped into SQL (`clickhouse/sql.ts`), as
 * 18.16, the stack's earlier server, had no query parameters (`{x:Type}`); and a read-only user
 * rejects any per-request setting, so none are sent by default.
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
