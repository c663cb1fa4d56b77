import * as arrow from 'apache-arrow';
import { UnsupportedSchemaError } from '../../core/errors.ts';

/**
 * An Avro record schema compiled into Arrow columns (which parquet-wasm writes as Parquet
 * columns). Values go in as avsc decodes them (see `columnBuilders.ts`) and come back out
 * through {@link AvroArrowMapping.fromArrow}.
 */
export interface AvroArrowMapping {
  /** Full name of the Avro record, e.g. `tv.twitchpulse.chat.ChatMessage`. */
  readonly fullName: string;
  /** One Arrow field per Avro field, in schema order. */
  readonly fields: readonly arrow.Field[];
  /** An Arrow row read back (a StructRow, or any object with the fields) as the Avro value avsc encodes. */
  fromArrow(row: Record<string, unknown>): Record<string, unknown>;
}

/** How one Avro type becomes an Arrow type. */
interface Compiled {
  readonly type: arrow.DataType;
  readonly nullable: boolean;
  fromArrow(v: unknown): unknown;
}

type AvroSchema = string | readonly unknown[] | { readonly type: unknown; readonly [k: string]: unknown };

const same = (v: unknown) => v;

function leaf(type: arrow.DataType, fromArrow: (v: unknown) => unknown = same): Compiled {
  return { type, nullable: false, fromArrow };
}

const PRIMITIVES: Record<string, () => Compiled> = {
  null: () => ({ ...leaf(new arrow.Null()), nullable: true, fromArrow: () => null }),
  boolean: () => leaf(new arrow.Bool()),
  int: () => leaf(new arrow.Int32()),
  // avsc decodes long as a JS number (exact up to 2^53); Arrow reads Int64 back as bigint.
  long: () => leaf(new arrow.Int64(), (v) => Number(v as bigint)),
  float: () => leaf(new arrow.Float32()),
  double: () => leaf(new arrow.Float64()),
  bytes: () => leaf(new arrow.Binary(), (v) => Buffer.from(v as Uint8Array)),
  string: () => leaf(new arrow.Utf8()),
};

/**
 * Compiles an Avro record schema (parsed JSON, as in `schemas/avro/*.avsc` or a registry's
 * answer) into Arrow columns:
 *
 * | Avro | Arrow (Parquet) |
 * | --- | --- |
 * | boolean, int, long, float, double | Bool, Int32, Int64, Float32, Float64 (BOOLEAN, INT32, INT64, FLOAT, DOUBLE) |
 * | string, enum | Utf8 (BYTE_ARRAY, STRING); an enum keeps its symbol |
 * | bytes, fixed | Binary, FixedSizeBinary |
 * | `["null", T]` (either order) | T, nullable (an OPTIONAL column) |
 * | array | List with item `element` (LIST) |
 * | map | Map of Utf8 `key` to the values, entries `key_value` (MAP) |
 * | record | Struct (a group) |
 *
 * Logical types keep their underlying type, so values round-trip exactly; the Avro schema itself
 * is stored in each object's metadata.
 *
 * @throws UnsupportedSchemaError for a union of two or more non-null types, a recursive record,
 *   an unknown type name, or a top level that is not a record.
 * @example
 * const mapping = avroToArrow(loadSchema(TOPICS.chatMessages));
 * const writer = new ParquetObjectWriter(mapping);
 */
export function avroToArrow(schema: unknown): AvroArrowMapping {
  const names = new Map<string, Compiled | 'compiling'>();
  const top = schema as { type?: unknown; name?: unknown; namespace?: unknown; fields?: unknown };
  if (typeof top !== 'object' || top === null || top.type !== 'record') throw new UnsupportedSchemaError('the top level must be a record');
  const record = compileRecord(top as Record<string, unknown>, undefined, names);
  const fields = (record.type as arrow.Struct).children;
  return {
    fullName: fullName(String(top.name), top.namespace as string | undefined),
    fields,
    fromArrow: record.fromArrow as AvroArrowMapping['fromArrow'],
  };
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function compile(schema: AvroSchema, namespace: string | undefined, names: Map<string, Compiled | 'compiling'>): Compiled {
  if (typeof schema === 'string') {
    const primitive = PRIMITIVES[schema];
    if (primitive) return primitive();
    const named = names.get(fullName(schema, namespace)) ?? names.get(schema);
    if (named === 'compiling') throw new UnsupportedSchemaError(`record ${schema} refers to itself; Parquet columns cannot nest without end`);
    if (!named) throw new UnsupportedSchemaError(`unknown type ${JSON.stringify(schema)}`);
    return named;
  }
  if (Array.isArray(schema)) return compileUnion(schema as AvroSchema[], namespace, names);
  const s = schema as Record<string, unknown>;
  const type = s.type;
  switch (type) {
    case 'record':
    case 'error':
      return compileRecord(s, namespace, names);
    case 'enum':
      return define(s, namespace, names, () => leaf(new arrow.Utf8()));
    case 'fixed':
      return define(s, namespace, names, () => leaf(new arrow.FixedSizeBinary(Number(s.size)), (v) => Buffer.from(v as Uint8Array)));
    case 'array': {
      const item = compile(s.items as AvroSchema, namespace, names);
      return {
        type: new arrow.List(new arrow.Field('element', item.type, item.nullable)),
        nullable: false,
        fromArrow: (v) => Array.from(v as Iterable<unknown>, (x) => item.fromArrow(x)),
      };
    }
    case 'map': {
      const value = compile(s.values as AvroSchema, namespace, names);
      const entries = new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', value.type, value.nullable)]);
      return {
        type: new arrow.Map_(new arrow.Field('key_value', entries, false)),
        nullable: false,
        fromArrow: (v) => {
          const out: Record<string, unknown> = {};
          for (const [k, x] of v as Iterable<[string, unknown]>) out[k] = value.fromArrow(x);
          return out;
        },
      };
    }
    default:
      // `{"type": "long", "logicalType": ...}` and other wrapped primitives or names.
      if (typeof type === 'string' || Array.isArray(type) || (typeof type === 'object' && type !== null)) {
        return compile(type as AvroSchema, namespace, names);
      }
      throw new UnsupportedSchemaError(`unknown type ${JSON.stringify(type)}`);
  }
}

function define(s: Record<string, unknown>, namespace: string | undefined, names: Map<string, Compiled | 'compiling'>, make: () => Compiled): Compiled {
  const compiled = make();
  names.set(fullName(String(s.name), (s.namespace as string | undefined) ?? namespace), compiled);
  return compiled;
}

function compileUnion(branches: AvroSchema[], namespace: string | undefined, names: Map<string, Compiled | 'compiling'>): Compiled {
  const others = branches.filter((b) => b !== 'null');
  if (others.length === 1 && branches.length === 2) {
    const inner = compile(others[0]!, namespace, names);
    return {
      ...inner,
      nullable: true,
      fromArrow: (v) => (v === null || v === undefined ? null : inner.fromArrow(v)),
    };
  }
  if (others.length === 0) return PRIMITIVES.null!();
  throw new UnsupportedSchemaError(`union ${JSON.stringify(branches)} has more than one non-null branch`);
}

function compileRecord(s: Record<string, unknown>, namespace: string | undefined, names: Map<string, Compiled | 'compiling'>): Compiled {
  const ns = (s.namespace as string | undefined) ?? (String(s.name).includes('.') ? String(s.name).slice(0, String(s.name).lastIndexOf('.')) : namespace);
  const name = fullName(String(s.name), ns);
  names.set(name, 'compiling');
  if (!Array.isArray(s.fields)) throw new UnsupportedSchemaError(`record ${name} has no fields array`);
  const fields = (s.fields as Array<{ name: string; type: AvroSchema }>).map((f) => ({ name: f.name, compiled: compile(f.type, ns, names) }));
  const compiled: Compiled = {
    type: new arrow.Struct(fields.map((f) => new arrow.Field(f.name, f.compiled.type, f.compiled.nullable))),
    nullable: false,
    fromArrow: (v) => {
      const row = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of fields) out[f.name] = f.compiled.fromArrow(row[f.name]);
      return out;
    },
  };
  names.set(name, compiled);
  return compiled;
}
