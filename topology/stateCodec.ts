/**
 * JSON for operator state: Maps, Sets and ±Infinity survive the round trip (plain JSON drops
 * them). Used for the checkpoints the runtime writes in the same Kafka transaction as results.
 */
export function encodeState(state: unknown): string {
  // A copy with the tags, then native JSON: about twice as fast as a replacer function, which
  // JSON.stringify calls for every value of a checkpoint of thousands of channels.
  return JSON.stringify(tagged(state));
}

function tagged(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v === Infinity ? { $num: 'Infinity' } : v === -Infinity ? { $num: '-Infinity' } : v;
  if (v instanceof Map) {
    const entries: unknown[] = [];
    for (const [k, x] of v) entries.push([tagged(k), tagged(x)]);
    return { $map: entries };
  }
  if (v instanceof Set) {
    const values: unknown[] = [];
    for (const x of v) values.push(tagged(x));
    return { $set: values };
  }
  if (Array.isArray(v)) return v.map(tagged);
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = tagged((v as Record<string, unknown>)[k]);
  return out;
}

/** The inverse of {@link encodeState}. */
export function decodeState<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      if (Array.isArray(v.$map)) return new Map(v.$map as Array<[unknown, unknown]>);
      if (Array.isArray(v.$set)) return new Set(v.$set as unknown[]);
      if (v.$num === 'Infinity') return Infinity;
      if (v.$num === '-Infinity') return -Infinity;
    }
    return value;
  }) as T;
}
