import type { ClickHouseClient } from '@clickhouse/client';
import { ConfigError, RowRejectedError, UnavailableError, messageOf } from '../../core/errors.ts';
import { clickHouseErrorLine, isDataRejection } from './rejection.ts';
import type { Row } from './tables.ts';

/** A row bound for one table, with whatever the caller needs to trace it back (its Kafka offset). */
export interface TableRow<Source = unknown> {
  readonly table: string;
  readonly row: Row;
  readonly source: Source;
}

/** A row ClickHouse refused, and why. */
export interface RejectedRow<Source = unknown> {
  readonly row: TableRow<Source>;
  readonly error: RowRejectedError;
}

/**
 * Writes rows into ClickHouse tables, one `JSONEachRow` insert per table per batch.
 *
 * A batch ClickHouse refuses for its data is split in halves until the offending rows are
 * found; those come back as {@link RejectedRow}s and every other row is inserted. Any other
 * failure throws an {@link UnavailableError} (retriable) and the caller retries the batch —
 * which may insert some rows twice: the tables are ReplacingMergeTrees keyed by each row's
 * identity and read with FINAL, so a repeated row counts once.
 */
export class ClickHouseSink {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: readonly string[],
  ) {}

  /**
   * Checks that ClickHouse answers and has every table.
   * @throws UnavailableError when it does not answer; ConfigError when tables are missing.
   */
  async connect(): Promise<void> {
    let present: Set<string>;
    try {
      const result = await this.client.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase()', format: 'JSONEachRow' });
      present = new Set((await result.json<{ name: string }>()).map((r) => r.name));
    } catch (error) {
      throw new UnavailableError('clickhouse', messageOf(error), error);
    }
    const missing = this.tables.filter((t) => !present.has(t));
    if (missing.length > 0) throw new ConfigError('clickhouse tables', `${missing.join(', ')} missing; run \`twitch-pulse migrate\` first`);
  }

  /**
   * Inserts `batch`. Resolves with the rows ClickHouse refused (empty when all went in).
   * @throws UnavailableError when ClickHouse cannot take the batch now.
   */
  async write<Source>(batch: readonly TableRow<Source>[]): Promise<Array<RejectedRow<Source>>> {
    const byTable = new Map<string, Array<TableRow<Source>>>();
    for (const item of batch) {
      const rows = byTable.get(item.table);
      if (rows) rows.push(item);
      else byTable.set(item.table, [item]);
    }
    const rejected: Array<RejectedRow<Source>> = [];
    for (const [table, rows] of byTable) await this.insertFindingRejects(table, rows, rejected);
    return rejected;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async insertFindingRejects<Source>(table: string, rows: Array<TableRow<Source>>, rejected: Array<RejectedRow<Source>>): Promise<void> {
    try {
      await this.client.insert({ table, values: rows.map((r) => r.row), format: 'JSONEachRow' });
    } catch (error) {
      if (!isDataRejection(error)) throw new UnavailableError('clickhouse', `insert into ${table} failed: ${messageOf(error)}`, error);
      if (rows.length === 1) {
        rejected.push({ row: rows[0]!, error: new RowRejectedError(table, `ClickHouse refused the row: ${clickHouseErrorLine(error)}`, {}, error) });
        return;
      }
      const half = Math.ceil(rows.length / 2);
      await this.insertFindingRejects(table, rows.slice(0, half), rejected);
      await this.insertFindingRejects(table, rows.slice(half), rejected);
    }
  }
}
