/**
 * A seeded source of uniform numbers in [0, 1): a Weyl sequence (the state steps by the 32-bit
 * golden-ratio constant) scrambled by MurmurHash3's 32-bit finalizer. Period 2^32, good enough
 * for placing windows at random; deterministic, so an evaluation repeats exactly for a seed.
 *
 * @param seed any number; its low 32 bits are used.
 * @example const next = seededUniform(1); next(); // a number in [0, 1), the same every run
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4_294_967_296;
  };
}

/**
 * A seed for one named stream of a run (a channel's draws), from the run's seed and the name
 * (32-bit FNV-1a of its UTF-16 code units): each channel draws the same numbers whatever other
 * channels the input holds.
 *
 * @example seededUniform(streamSeed(1, 'xqc'))
 */
export function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash ^ seed) >>> 0;
}
