import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Endpoints } from '../../core/config.ts';

/**
 * A ClickHouse client for the configured endpoint and database.
 *
 * Why `@clickhouse/client`: it is ClickHouse's official client, speaks plain HTTP, and with
 * its defaults (no settings sent, no compression) it works unchanged against the stack's
 * ClickHouse 26.x and older servers alike. Values go as query parameters (`{x:Type}`,
 * `query_params`), never into the SQL text; and a read-only user rejects any per-request
 * setting, so none are sent by default.
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
