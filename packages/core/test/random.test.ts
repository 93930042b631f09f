import { describe, expect, it } from 'vitest';
import { philox4x32, randomNormal, randomUniform, setSeed, shuffle, truncatedNormal } from './helpers.js';

/** Read a tensor's values and free it. */
const take = (t: { dataSync(): Float32Array | Int32Array | Uint8Array; dispose(): void }): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const hex = (a: Uint32Array): string[] => Array.from(a, (v) => v.toString(16).padStart(8, '0'));

describe('random', () => {
  it('Philox4x32-10 matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, out);
    expect(hex(out)).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect(hex(out)).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect(hex(out)).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('one seed replays every draw; another seed differs', () => {
    const draw = (seed: number): number[] => {
      setSeed(seed);
      const a = randomNormal([50]);
      const b = randomUniform([50], -1, 1);
      const out = [...a.dataSync(), ...b.dataSync(), ...shuffle(20)];
      a.dispose();
      b.dispose();
      return out;
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('an explicit seed does not depend on the global sequence', () => {
    setSeed(1);
    const a = randomNormal([10], 0, 1, 'float32', 42);
    const b = randomNormal([10]);
    const c = randomNormal([10], 0, 1, 'float32', 42);
    expect(Array.from(a.dataSync())).toEqual(Array.from(c.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    for (const t of [a, b, c]) t.dispose();
  });

  it('has the right moments and bounds', () => {
    const n = 20000;
    const z = take(randomNormal([n], 2, 3, 'float32', 5));
    const m = z.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - m) ** 2, 0) / n);
    expect(Math.abs(m - 2)).toBeLessThan(0.1);
    expect(Math.abs(sd - 3)).toBeLessThan(0.1);
    const t = take(truncatedNormal([n], 0, 0.1, 'float32', 6));
    expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(Math.fround(0.2));
    // Truncated at 2σ the standard deviation shrinks to about 0.88σ.
    const tsd = Math.sqrt(t.reduce((s, v) => s + v * v, 0) / n);
    expect(tsd).toBeGreaterThan(0.083);
    expect(tsd).toBeLessThan(0.093);
    const u = take(randomUniform([n], 3, 4, 'float32', 9));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...u)).toBeLessThan(4);
    const ints = take(randomUniform([n], 0, 10, 'int32', 10));
    expect(new Set(ints).size).toBe(10);
  });

  it('shuffle is a permutation', () => {
    const p = shuffle(1000, 3);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffle(['a', 'b', 'c'], 4).sort()).toEqual(['a', 'b', 'c']);
    expect(() => shuffle(-1)).toThrow(/shuffle: n must be a non-negative integer/);
    expect(() => setSeed(-3)).toThrow(/seed must be a non-negative safe integer/);
  });
});
