import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { ArchiveObjectError, messageOf } from '../../core/errors.ts';
import { avroToArrow } from './avroArrow.ts';
import { ARCHIVE_METADATA, type KafkaRecordMeta } from './parquetWriter.ts';

/** One record read back from an archive object. */
export interface ArchivedRecord {
  readonly meta: KafkaRecordMeta;
  /** The Avro value, as avsc would decode it from the original record. */
  readonly value: Record<string, unknown>;
}

/** An archive object read back: its key-value metadata, its Avro writer schema and its records. */
export interface ArchivedObject {
  readonly metadata: ReadonlyMap<string, string>;
  /** Parsed from the metadata; null for an object that covers only dead-lettered records. */
  readonly avroSchema: Record<string, unknown> | null;
  readonly records: readonly ArchivedRecord[];
}

/**
 * Reads an archive object written by {@link ParquetObjectWriter} (parquet-wasm, then Arrow) and
 * rebuilds each row's Avro value from the Avro schema in the object's metadata.
 *
 * @throws ArchiveObjectError when the bytes are not Parquet, or lack the archive's columns or schema.
 */
export function readArchiveParquet(name: string, bytes: Uint8Array): ArchivedObject {
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
  } catch (error) {
    throw new ArchiveObjectError(name, `is not readable Parquet: ${messageOf(error)}`, error);
  }
  const metadata = table.schema.metadata;
  const schemaText = metadata.get(ARCHIVE_METADATA.avroSchema);
  if (schemaText === undefined) {
    if (table.numRows > 0) throw new ArchiveObjectError(name, `has rows but no ${ARCHIVE_METADATA.avroSchema} metadata`);
    return { metadata, avroSchema: null, records: [] };
  }
  let avroSchema: Record<string, unknown>;
  try {
    avroSchema = JSON.parse(schemaText) as Record<string, unknown>;
  } catch (error) {
    throw new ArchiveObjectError(name, `${ARCHIVE_METADATA.avroSchema} is not JSON`, error);
  }
  const mapping = avroToArrow(avroSchema);
  for (const column of ['_topic', '_partition', '_offset', '_timestamp_ms', '_key', ...mapping.fields.map((f) => f.name)]) {
    if (!table.schema.fields.some((f) => f.name === column)) throw new ArchiveObjectError(name, `has no column ${column}`);
  }
  const records: ArchivedRecord[] = [];
  for (const row of table) {
    const r = row as unknown as Record<string, unknown>;
    records.push({
      meta: {
        topic: r._topic as string,
        partition: r._partition as number,
        offset: Number(r._offset as bigint),
        timestampMs: Number(r._timestamp_ms as bigint),
        key: (r._key as string | null) ?? null,
      },
      value: mapping.fromArrow(r),
    });
  }
  return { metadata, avroSchema, records };
}
