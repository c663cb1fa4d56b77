import { endpointsFromEnv } from '../core/config.ts';
import { createClickHouse } from '../connectors/clickhouse/client.ts';
import { httpSql } from '../connectors/clickhouse/httpSql.ts';
import { migrate } from '../clickhouse/migrations.ts';
import { parseCommandLine } from './args.ts';
import { MIGRATE } from './commands/stack.ts';

/** `twitch-pulse migrate`: applies the ClickHouse migrations not yet applied (idempotent). */
export async function migrateCommand(argv: readonly string[]): Promise<number> {
  parseCommandLine(MIGRATE, argv);
  const { clickhouse } = endpointsFromEnv();
  // The database itself is created first, by a client not bound to it.
  const admin = createClickHouse(clickhouse, null);
  await admin.command({ query: 'CREATE DATABASE IF NOT EXISTS {database:Identifier}', query_params: { database: clickhouse.database } });
  await admin.close();
  const client = createClickHouse(clickhouse);
  try {
    for (const outcome of await migrate(httpSql(client))) {
      console.log(`${String(outcome.version).padStart(4, '0')} ${outcome.name}: ${outcome.status}`);
    }
  } finally {
    await client.close();
  }
  return 0;
}
