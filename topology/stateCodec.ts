/**
 * JSON for operator state: Maps, Sets and ±Infinity survive the round trip (plain JSON drops
 * them). Used for the checkpoints the runtime writes in the same Kafka transaction as results.
 */
export function encodeState(state: unknown): string {
  return JSON.stringify(state, function replace(this: unknown, key: string, value: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Map) return { $map: [...raw.entries()] };
    if (raw instanceof Set) return { $set: [...raw.values()] };
    if (raw === Infinity) return { $num: 'Infinity' };
    if (raw === -Infinity) return { $num: '-Infinity' };
    return value;
  });
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
