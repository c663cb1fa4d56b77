import { PulseError, UnavailableError, UnknownSchemaIdError, messageOf } from '../../core/errors.ts';
import { avroToArrow, type AvroArrowMapping } from '../parquet/avroArrow.ts';

/** A writer schema of archived records: its text as registered, and its Parquet columns. */
export interface WriterSchema {
  readonly schemaId: number;
  /** The schema exactly as the registry holds it, stored in each object's metadata. */
  readonly text: string;
  readonly mapping: AvroArrowMapping;
}

/**
 * Writer schemas by schema id, fetched once from the Confluent-API registry (`GET
 * /schemas/ids/{id}`) and compiled into Parquet columns. A schema that cannot become columns
 * is remembered too, so its records are dead-lettered without asking the registry again.
 *
 * The registry's own text is kept (not avsc's re-export of it) so `doc`s and defaults survive
 * into the archive, and replaying registers the very same schema.
 */
export class WriterSchemas {
  private readonly cache = new Map<number, WriterSchema | PulseError>();

  constructor(
    private readonly registryUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The writer schema with id `schemaId` when it is already known (the hot path: no await). */
  peek(schemaId: number): WriterSchema | undefined {
    const cached = this.cache.get(schemaId);
    return cached instanceof PulseError ? undefined : cached;
  }

  /**
   * The writer schema with id `schemaId`.
   * @throws UnsupportedSchemaError or UnknownSchemaIdError (not retriable: dead-letter the record);
   *   UnavailableError while the registry does not answer.
   */
  async get(schemaId: number): Promise<WriterSchema> {
    const cached = this.cache.get(schemaId);
    if (cached instanceof PulseError) throw cached;
    if (cached) return cached;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.registryUrl}/schemas/ids/${schemaId}`);
    } catch (error) {
      throw new UnavailableError('schema registry', messageOf(error), error);
    }
    if (response.status === 404) throw this.remember(schemaId, new UnknownSchemaIdError(schemaId, new Error('404 from the registry')));
    if (!response.ok) throw new UnavailableError('schema registry', `GET /schemas/ids/${schemaId} answered ${response.status}`);
    const { schema: text } = (await response.json()) as { schema: string };
    let mapping: AvroArrowMapping;
    try {
      mapping = avroToArrow(JSON.parse(text));
    } catch (error) {
      if (error instanceof PulseError) throw this.remember(schemaId, error);
      throw error;
    }
    const writer = { schemaId, text, mapping };
    this.cache.set(schemaId, writer);
    return writer;
  }

  private remember(schemaId: number, error: PulseError): PulseError {
    this.cache.set(schemaId, error);
    return error;
  }
}
