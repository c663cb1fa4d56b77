import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededUniform, streamSeed } from './random.ts';

describe('seededUniform', () => {
  it('gives the scrambled first step of the Weyl sequence first', () => {
    // seed 0: state = 0x9e3779b9; z ^= z >>> 16 -> 0x9e37e78e; × 0x85ebca6b -> 0x936dd45a;
    // z ^= z >>> 13 -> 0x93694f34; × 0xc2b2ae35 -> 0x92cabdc4; z ^= z >>> 16 -> 0x92ca2f0e;
    // 0x92ca2f0e / 2^32 = 2462723854 / 4294967296.
    assert.equal(seededUniform(0)(), 2_462_723_854 / 4_294_967_296);
  });

  it('repeats exactly for a seed and differs between seeds', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededUniform(seed));
    assert.deepEqual(take(1), take(1));
    assert.notDeepEqual(take(1), take(2));
  });

  it('stays in [0, 1) with a mean near 1/2', () => {
    const next = seededUniform(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = next();
      assert.ok(u >= 0 && u < 1, `draw ${i} was ${u}`);
      sum += u;
    }
    // A uniform's standard deviation is 1/√12 ≈ 0.2887; the mean of 100,000 is within
    // 0.2887 / √100000 ≈ 0.00091 of 1/2 at one σ, so 0.004 is over 4 σ.
    assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.004, `mean ${sum / 100_000}`);
  });
});

describe('streamSeed', () => {
  it('is the 32-bit FNV-1a of the name xor the seed', () => {
    // FNV-1a's published test vectors: "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    assert.equal(streamSeed(0, ''), 0x811c9dc5);
    assert.equal(streamSeed(0, 'a'), 0xe40c292c);
    assert.equal(streamSeed(0, 'foobar'), 0xbf9cf968);
    // 0xe40c292c ^ 1 = 0xe40c292d
    assert.equal(streamSeed(1, 'a'), 0xe40c292d);
  });
});
