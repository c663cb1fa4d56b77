import type { ClickHouseClient } from '@clickhouse/client';
import { UnavailableError, messageOf } from '../../core/errors.ts';
import type { LagRow } from '../kafka/lagProbe.ts';

/** Table of the lag probe's rows (migration 0004). */
export const CONSUMER_LAG_TABLE = 'consumer_lag';

/**
 * Inserts one probe's rows into `consumer_lag` (`JSONEachRow`). A probe written twice is one
 * probe in every query: the table is keyed by group, topic, partition and probe time.
 *
 * @throws UnavailableError when ClickHouse does not take them.
 */
export async function insertLagRows(client: ClickHouseClient, rows: readonly LagRow[]): Promise<void> {
  try {
    await client.insert({ table: CONSUMER_LAG_TABLE, values: [...rows], format: 'JSONEachRow' });
  } catch (error) {
    throw new UnavailableError('clickhouse', `insert into ${CONSUMER_LAG_TABLE} failed: ${messageOf(error)}`, error);
  }
}
