import type { DeadLetter } from '../../schemas/types.ts';
import { ARCHIVE_METADATA, ParquetObjectWriter, type KafkaRecordMeta } from '../parquet/parquetWriter.ts';
import type { ArchiveUpload } from './archiveSink.ts';
import { archiveObjectName } from './objectNaming.ts';
import type { OpenObjectStats } from './rollPolicy.ts';
import type { WriterSchema } from './writerSchemas.ts';

/** A dead letter waiting for its object's upload, with the key to produce it under. */
export interface PendingDeadLetter {
  readonly key: string;
  readonly value: DeadLetter;
}

/**
 * The archive object a partition is filling: a consecutive run of records from `firstOffset`
 * to `lastOffset`, the decodable ones as Parquet rows, the others as dead letters. Its name
 * covers both, so consecutive objects leave no offset out.
 */
export class OpenObject implements OpenObjectStats {
  lastOffset: number;
  schemaId: number | null = null;
  /** Records covered, dead-lettered ones included. */
  records = 0;
  /** Input bytes (Avro values plus keys). */
  bytes = 0;
  readonly deadLetters: PendingDeadLetter[] = [];
  private writer: ParquetObjectWriter | null = null;
  private schema: WriterSchema | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly firstOffset: number,
    readonly firstTimestampMs: number,
    readonly openedAtMs: number,
    readonly endBeforeOffset: number | null,
  ) {
    this.lastOffset = firstOffset;
  }

  /** Rows written so far. */
  get rows(): number {
    return this.writer?.rows ?? 0;
  }

  /** Object name for the records covered so far. */
  get name(): string {
    return archiveObjectName(this);
  }

  /** Adds a decoded record. Its schema must be the object's (the roll policy sees to that). */
  addRow(meta: KafkaRecordMeta, value: Record<string, unknown>, schema: WriterSchema, bytes: number): void {
    if (!this.writer) {
      this.writer = new ParquetObjectWriter(schema.mapping);
      this.schema = schema;
      this.schemaId = schema.schemaId;
    } else if (schema.schemaId !== this.schemaId) {
      throw new Error(`object ${this.name} has schema ${this.schemaId}, record ${meta.offset} has ${schema.schemaId}`);
    }
    this.writer.append(meta, value);
    this.covered(meta.offset, bytes);
  }

  /** Adds a record that could not be archived: it goes to the dead-letter topic before the upload. */
  addDeadLetter(offset: number, letter: PendingDeadLetter, bytes: number): void {
    this.deadLetters.push(letter);
    this.covered(offset, bytes);
  }

  /** The Parquet object to upload, with the Avro schema and Kafka range in its metadata. */
  finish(): ArchiveUpload {
    const metadata = new Map<string, string>([
      [ARCHIVE_METADATA.topic, this.topic],
      [ARCHIVE_METADATA.partition, String(this.partition)],
      [ARCHIVE_METADATA.firstOffset, String(this.firstOffset)],
      [ARCHIVE_METADATA.lastOffset, String(this.lastOffset)],
    ]);
    if (this.schema) {
      metadata.set(ARCHIVE_METADATA.avroSchema, this.schema.text);
      metadata.set(ARCHIVE_METADATA.schemaId, String(this.schema.schemaId));
    }
    const writer = this.writer ?? new ParquetObjectWriter(null);
    return { name: this.name, body: writer.finish(metadata) };
  }

  private covered(offset: number, bytes: number): void {
    this.lastOffset = offset;
    this.records++;
    this.bytes += bytes;
  }
}
