import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {
  CorruptPayloadError,
  MissingMagicByteError,
  SchemaIncompatibleError,
  SerializationError,
  UnavailableError,
  UnknownSchemaIdError,
  messageOf,
  type ErrorContext,
} from '../core/errors.ts';
import { loadSchema, valueSubject, type TopicSpec } from './catalogue.ts';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro body. */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** A decoded Confluent wire-format payload. */
export interface Decoded<T = unknown> {
  readonly schemaId: number;
  readonly value: T;
}

/** Subject compatibility mode used for every twitch-pulse subject. */
export const SUBJECT_COMPATIBILITY = 'BACKWARD';

/**
 * Avro serde for the Confluent wire format, backed by a Confluent-API schema registry
 * (Apicurio's `/apis/ccompat/v7` in the local stack).
 *
 * Schemas are fetched once per id and cached; encode and decode after that are synchronous
 * avsc calls plus a 5-byte header, so the hot path makes no network calls.
 *
 * @example
 * const serde = AvroSerde.connect('http://127.0.0.1:8081/apis/ccompat/v7');
 * const id = await serde.registerTopic(TOPICS.chatMessages);
 * const bytes = await serde.encode(id, message);
 * const { value } = await serde.decode(bytes);
 */
export class AvroSerde {
  private readonly types = new Map<number, avro.Type>();

  constructor(
    readonly registry: SchemaRegistry,
    /** The registry's Confluent API root. */
    readonly registryUrl: string,
  ) {}

  /** A serde talking to the registry at `url` (the Confluent API root). */
  static connect(url: string): AvroSerde {
    return new AvroSerde(new SchemaRegistry({ host: url, retry: { retries: 2 } }), url);
  }

  /**
   * Registers the topic's value schema under `<topic>-value` with BACKWARD compatibility.
   * Idempotent: the same schema returns the same id.
   *
   * @throws SchemaIncompatibleError when the registry refuses it as incompatible.
   * @throws UnavailableError when the registry does not answer.
   */
  async registerTopic(spec: TopicSpec, topicName: string = spec.name): Promise<number> {
    return this.register(valueSubject(topicName), loadSchema(spec));
  }

  /** Registers `schema` under `subject` (BACKWARD compatibility); returns its schema id. */
  async register(subject: string, schema: Record<string, unknown>): Promise<number> {
    await this.setCompatibility(subject, SUBJECT_COMPATIBILITY);
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      );
      return id;
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) throw new SchemaIncompatibleError(subject, messageOf(error), error);
      if (status === undefined || status >= 500 || status === 400) {
        throw new UnavailableError('schema registry', messageOf(error), error);
      }
      throw new SchemaIncompatibleError(subject, `rejected with HTTP ${status}: ${messageOf(error)}`, error);
    }
  }

  /** Sets a subject's compatibility mode through the Confluent `PUT /config/{subject}` call. */
  async setCompatibility(subject: string, compatibility: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.registryUrl}/config/${encodeURIComponent(subject)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ compatibility }),
      });
    } catch (error) {
      throw new UnavailableError('schema registry', messageOf(error), error);
    }
    if (!response.ok) {
      throw new UnavailableError('schema registry', `PUT /config/${subject} answered ${response.status}: ${await response.text()}`);
    }
  }

  /**
   * Encodes `value` with schema `schemaId` into the Confluent wire format.
   * @throws SerializationError when the value does not match the schema.
   */
  async encode(schemaId: number, value: unknown, context: ErrorContext = {}): Promise<Buffer> {
    const type = this.types.get(schemaId) ?? (await this.fetchType(schemaId, context));
    return encodeWith(type, schemaId, value, context);
  }

  /**
   * A synchronous encoder for one schema id, for hot paths. It writes header and body straight
   * into a shared slab and returns views of it (no per-record allocation or copy); each view
   * stays valid, since a full slab is replaced, never reused.
   */
  async encoder(schemaId: number): Promise<(value: unknown) => Buffer> {
    const type = this.types.get(schemaId) ?? (await this.fetchType(schemaId, {}));
    const SLAB_BYTES = 256 * 1024;
    let slab = Buffer.allocUnsafe(SLAB_BYTES);
    let used = 0;
    return (value) => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const start = used;
        if (slab.length - start > HEADER_BYTES) {
          let end: number;
          try {
            end = type.encode(value, slab, start + HEADER_BYTES);
          } catch {
            return encodeWith(type, schemaId, value, {});
          }
          if (end > 0) {
            slab[start] = MAGIC_BYTE;
            slab.writeInt32BE(schemaId, start + 1);
            used = end;
            return slab.subarray(start, end);
          }
        }
        // Did not fit: a fresh slab, or the slow path for a record larger than a slab.
        if (attempt === 0) {
          slab = Buffer.allocUnsafe(SLAB_BYTES);
          used = 0;
        }
      }
      return encodeWith(type, schemaId, value, {});
    };
  }

  /**
   * Decodes a Confluent wire-format payload.
   * @throws MissingMagicByteError, UnknownSchemaIdError, CorruptPayloadError (never retriable);
   *   UnavailableError when the registry cannot be reached to look up a new id.
   */
  async decode<T = unknown>(payload: Buffer | null, context: ErrorContext = {}): Promise<Decoded<T>> {
    const schemaId = readSchemaId(payload, context);
    const type = this.types.get(schemaId) ?? (await this.fetchType(schemaId, context));
    return { schemaId, value: decodeBody<T>(type, undefined, payload as Buffer, 0, (payload as Buffer).length, schemaId, context) };
  }

  /**
   * Decodes synchronously when the payload's schema is already cached (the hot path of a
   * consumer); returns undefined when the schema must first be fetched with {@link decode}.
   * @throws the same typed errors as {@link decode}.
   */
  decodeCached<T = unknown>(payload: Buffer | null, context: ErrorContext = {}): Decoded<T> | undefined {
    if (!payload) throw new MissingMagicByteError(undefined, context);
    return this.decodeCachedAt<T>(payload, 0, payload.length, context);
  }

  /**
   * {@link decodeCached} for the payload at `bytes[start, start + length)`, read in place: a
   * consumer holding many payloads in one buffer makes no view per record.
   */
  decodeCachedAt<T = unknown>(bytes: Buffer, start: number, length: number, context: ErrorContext = {}): Decoded<T> | undefined {
    const schemaId = readSchemaIdAt(bytes, start, length, context);
    const type = this.types.get(schemaId);
    return type ? { schemaId, value: decodeBody<T>(type, undefined, bytes, start, length, schemaId, context) } : undefined;
  }

  /**
   * A decoder that reads only `fields` of records written with any version of `schema` the
   * registry knows (Avro schema resolution skips the other fields without building them), for
   * consumers that need a few fields of large records. Same errors as {@link decode}.
   */
  projection(schema: Record<string, unknown>, fields: readonly string[]): Pick<AvroSerde, 'decode' | 'decodeCached' | 'decodeCachedAt'> {
    const all = schema.fields as Array<{ name: string }>;
    const reader = avro.Type.forSchema({ ...schema, fields: all.filter((f) => fields.includes(f.name)) } as avro.Schema);
    const resolvers = new Map<number, avro.Resolver>();
    const resolverFor = (schemaId: number, writer: avro.Type): avro.Resolver => {
      let resolver = resolvers.get(schemaId);
      if (!resolver) resolvers.set(schemaId, (resolver = reader.createResolver(writer)));
      return resolver;
    };
    const decodeCachedAt = <T>(bytes: Buffer, start: number, length: number, context: ErrorContext = {}): Decoded<T> | undefined => {
      const schemaId = readSchemaIdAt(bytes, start, length, context);
      const writer = this.types.get(schemaId);
      return writer ? { schemaId, value: decodeBody<T>(reader, resolverFor(schemaId, writer), bytes, start, length, schemaId, context) } : undefined;
    };
    return {
      decodeCachedAt,
      decodeCached: <T>(payload: Buffer | null, context: ErrorContext = {}) => {
        if (!payload) throw new MissingMagicByteError(undefined, context);
        return decodeCachedAt<T>(payload, 0, payload.length, context);
      },
      decode: async <T>(payload: Buffer | null, context: ErrorContext = {}) => {
        const schemaId = readSchemaId(payload, context);
        const writer = this.types.get(schemaId) ?? (await this.fetchType(schemaId, context));
        return { schemaId, value: decodeBody<T>(reader, resolverFor(schemaId, writer), payload as Buffer, 0, (payload as Buffer).length, schemaId, context) };
      },
    };
  }

  private async fetchType(schemaId: number, context: ErrorContext): Promise<avro.Type> {
    try {
      const type = (await this.registry.getSchema(schemaId)) as unknown as avro.Type;
      this.types.set(schemaId, type);
      return type;
    } catch (error) {
      if (statusOf(error) === 404) throw new UnknownSchemaIdError(schemaId, error, context);
      throw new UnavailableError('schema registry', messageOf(error), error);
    }
  }
}

/**
 * Reads the schema id from a Confluent wire-format header.
 * @throws MissingMagicByteError when the payload is empty, too short or has another first byte.
 */
export function readSchemaId(payload: Buffer | null, context: ErrorContext = {}): number {
  if (!payload) throw new MissingMagicByteError(undefined, context);
  return readSchemaIdAt(payload, 0, payload.length, context);
}

/** {@link readSchemaId} of the payload at `bytes[start, start + length)`. */
function readSchemaIdAt(bytes: Buffer, start: number, length: number, context: ErrorContext): number {
  if (length <= 0) throw new MissingMagicByteError(undefined, context);
  if (bytes[start] !== MAGIC_BYTE) throw new MissingMagicByteError(bytes[start], context);
  if (length < HEADER_BYTES) {
    throw new CorruptPayloadError(-1, new Error(`header is ${length} bytes, expected ${HEADER_BYTES}`), context);
  }
  return bytes.readInt32BE(start + 1);
}

/**
 * The record body of the payload at `bytes[start, start + length)`, read in place with `type`
 * (through `resolver` when the writer's schema differs). Like avsc's `fromBuffer`, the body must
 * fill the payload exactly.
 */
function decodeBody<T>(type: avro.Type, resolver: avro.Resolver | undefined, bytes: Buffer, start: number, length: number, schemaId: number, context: ErrorContext): T {
  const end = start + length;
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(bytes, start + HEADER_BYTES, resolver);
  } catch (error) {
    throw new CorruptPayloadError(schemaId, error, context);
  }
  // A payload read past its end ran into the next one's bytes (or the buffer's end): truncated.
  if (decoded.offset < 0 || decoded.offset > end) throw new CorruptPayloadError(schemaId, new Error('truncated buffer'), context);
  if (decoded.offset < end) throw new CorruptPayloadError(schemaId, new Error('trailing data'), context);
  return decoded.value as T;
}

function encodeWith(type: avro.Type, schemaId: number, value: unknown, context: ErrorContext): Buffer {
  let body: Buffer;
  try {
    body = type.toBuffer(value);
  } catch (error) {
    const paths: string[] = [];
    type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
    throw new SerializationError(
      `value does not match schema ${type.name ?? schemaId}${paths.length ? ` at ${paths.join(', ')}` : ''}`,
      error,
      context,
    );
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out[0] = MAGIC_BYTE;
  out.writeInt32BE(schemaId, 1);
  body.copy(out, HEADER_BYTES);
  return out;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
