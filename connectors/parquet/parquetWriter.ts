import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { AvroArrowMapping } from './avroArrow.ts';
import { columnBuilder, type ColumnBuilder } from './columnBuilders.ts';

/** Where a Kafka record came from: the archive's metadata columns. */
export interface KafkaRecordMeta {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The Kafka record timestamp, epoch ms. */
  readonly timestampMs: number;
  /** The record key as UTF-8 text (twitch-pulse keys are strings); null when it had none. */
  readonly key: string | null;
}

/**
 * The metadata columns every archive object starts with, before the value's own columns. Their
 * names start with `_` so they cannot clash with the Avro fields of the catalogue's schemas.
 */
export const KAFKA_COLUMNS: readonly arrow.Field[] = Object.freeze([
  new arrow.Field('_topic', new arrow.Utf8(), false),
  new arrow.Field('_partition', new arrow.Int32(), false),
  new arrow.Field('_offset', new arrow.Int64(), false),
  new arrow.Field('_timestamp_ms', new arrow.Int64(), false),
  new arrow.Field('_key', new arrow.Utf8(), true),
]);

/** Keys of the Parquet key-value metadata each archive object carries. */
export const ARCHIVE_METADATA = Object.freeze({
  /** The Avro writer schema of the rows (JSON), absent when the object holds no rows. */
  avroSchema: 'twitch-pulse.avro.schema',
  /** Schema id of that writer schema in the registry the archive read from. */
  schemaId: 'twitch-pulse.schema-id',
  topic: 'twitch-pulse.kafka.topic',
  partition: 'twitch-pulse.kafka.partition',
  /** The Kafka offsets the object covers, first and last inclusive, dead-lettered records included. */
  firstOffset: 'twitch-pulse.kafka.first-offset',
  lastOffset: 'twitch-pulse.kafka.last-offset',
});

/**
 * Collects the rows of one archive object column by column (typed arrays: compact memory while
 * the object is open) and writes them as one Parquet file with parquet-wasm (arrow-rs),
 * ZSTD-compressed.
 *
 * `mapping` is null for an object that covers only dead-lettered records: it has the metadata
 * columns and no rows.
 *
 * @example
 * const w = new ParquetObjectWriter(avroToArrow(schema));
 * w.append({ topic, partition, offset, timestampMs, key }, decodedValue);
 * const bytes = w.finish(new Map([[ARCHIVE_METADATA.topic, topic]]));
 */
export class ParquetObjectWriter {
  private readonly schema: arrow.Schema;
  private readonly meta: ColumnBuilder[];
  private readonly values: Array<{ readonly name: string; readonly column: ColumnBuilder }>;
  private count = 0;

  constructor(private readonly mapping: AvroArrowMapping | null) {
    this.schema = new arrow.Schema([...KAFKA_COLUMNS, ...(mapping?.fields ?? [])]);
    this.meta = KAFKA_COLUMNS.map((f) => columnBuilder(f.type, f.nullable));
    this.values = (mapping?.fields ?? []).map((f) => ({ name: f.name, column: columnBuilder(f.type, f.nullable) }));
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.count;
  }

  /** Appends one record: its Kafka metadata and its Avro value as avsc decoded it. */
  append(meta: KafkaRecordMeta, value: Record<string, unknown>): void {
    if (!this.mapping) throw new Error('ParquetObjectWriter without a schema takes no rows');
    const [topic, partition, offset, timestamp, key] = this.meta;
    topic!.append(meta.topic);
    partition!.append(meta.partition);
    offset!.append(meta.offset);
    timestamp!.append(meta.timestampMs);
    key!.append(meta.key);
    for (const { name, column } of this.values) column.append(value[name]);
    this.count++;
  }

  /** The Parquet file of every row appended, with `metadata` as its key-value metadata. */
  finish(metadata: ReadonlyMap<string, string>): Uint8Array {
    const children = [...this.meta, ...this.values.map((v) => v.column)].map((c) => c.finish());
    const data = arrow.makeData({ type: new arrow.Struct(this.schema.fields), length: this.count, nullCount: 0, children });
    const table = new arrow.Table([new arrow.RecordBatch(this.schema, data)]);
    const properties = new parquet.WriterPropertiesBuilder()
      .setCompression(parquet.Compression.ZSTD)
      .setKeyValueMetadata(new Map(metadata))
      .build();
    const wasmTable = parquet.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
    return parquet.writeParquet(wasmTable, properties);
  }
}
