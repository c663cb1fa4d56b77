/**
 * JSON for operator state: Maps, Sets and ±Infinity survive the round trip (plain JSON drops
 * them), as `{"$map":[[k,v],…]}`, `{"$set":[…]}` and `{"$num":"Infinity"}`. Used for the
 * checkpoints the runtime writes in the same Kafka transaction as results.
 */
export function encodeState(state: unknown): string {
  // A replacer function would make JSON.stringify call back into JavaScript for every value of
  // every channel's state (a task's snapshot is about 0.5 MB of JSON); converting first and then
  // stringifying plain data takes its fast path.
  return JSON.stringify(jsonSafe(state));
}

const POSITIVE_INFINITY = { $num: 'Infinity' };
const NEGATIVE_INFINITY = { $num: '-Infinity' };

/** `value` with Maps, Sets and infinities replaced by their tagged forms; unchanged parts are shared, not copied. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return value === Infinity ? POSITIVE_INFINITY : value === -Infinity ? NEGATIVE_INFINITY : value;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Map) return { $map: Array.from(value, ([k, v]) => [jsonSafe(k), jsonSafe(v)]) };
  if (value instanceof Set) return { $set: Array.from(value, jsonSafe) };
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const safe = jsonSafe(value[i]);
      if (safe !== value[i]) (copy ??= value.slice())[i] = safe;
    }
    return copy ?? value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const raw = (value as Record<string, unknown>)[key];
    const safe = jsonSafe(raw);
    if (safe !== raw) (copy ??= { ...(value as Record<string, unknown>) })[key] = safe;
  }
  return copy ?? value;
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
