/** Keys kept in plain arrays up to this many, then in a Map. */
export const SMALL_TALLY_LIMIT = 16;

/**
 * Counts per string key (emote ids in a window). Like {@link DistinctCount}: a window mostly sees
 * a few keys, so they sit in two short arrays scanned per add; past {@link SMALL_TALLY_LIMIT}
 * keys, a Map.
 */
export class Tally implements Iterable<[string, number]> {
  private keys: string[] = [];
  private counts: number[] = [];
  private large: Map<string, number> | null = null;

  add(key: string, count: number): void {
    if (this.large !== null) {
      this.large.set(key, (this.large.get(key) ?? 0) + count);
      return;
    }
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) {
        this.counts[i]! += count;
        return;
      }
    }
    if (keys.length < SMALL_TALLY_LIMIT) {
      keys.push(key);
      this.counts.push(count);
      return;
    }
    this.large = new Map(this.entries()).set(key, count);
    this.keys = [];
    this.counts = [];
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.large === null ? this.keys.length : this.large.size;
  }

  /** Every key and its count, in first-added order. */
  entries(): Array<[string, number]> {
    if (this.large !== null) return [...this.large];
    return this.keys.map((key, i) => [key, this.counts[i]!]);
  }

  [Symbol.iterator](): Iterator<[string, number]> {
    return this.entries()[Symbol.iterator]();
  }
}
