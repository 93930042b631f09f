// In Chromium the host generator also runs on the WebAssembly SIMD Philox
// kernel, and gives what the JS kernel and the scalar philox4x32 give.
import { afterAll, describe, expect, it } from 'vitest';
import { usePhiloxSimd } from '../src/random/philox.js';
import { philox4x32, randomStream } from './helpers.js';

afterAll(() => usePhiloxSimd(true));

describe('the Philox stream in Chromium', () => {
  it('loads the SIMD kernel and matches the JS kernel and the scalar generator', () => {
    const seed = 2 ** 32 + 321;
    const start = 2 ** 32 - 2000; // crosses into the c3 word
    const n = 5003;
    const draw = (): [Float64Array, Float64Array] => {
      const a = new Float64Array(n);
      const b = new Float64Array(n);
      randomStream(seed).uniforms(start, n, a, 2, b);
      return [a, b];
    };
    expect(usePhiloxSimd(true)).toBe(true);
    const [simdA, simdB] = draw();
    expect(usePhiloxSimd(false)).toBe(false);
    const [jsA, jsB] = draw();
    expect(Array.from(simdA)).toEqual(Array.from(jsA));
    expect(Array.from(simdB)).toEqual(Array.from(jsB));
    const block = new Uint32Array(4);
    const unit = (hi: number, lo: number): number => ((hi >>> 5) * 2 ** 26 + (lo >>> 6)) / 2 ** 53;
    for (const j of [0, 1, 1999, 2000, 2001, n - 1]) {
      const i = start + j;
      philox4x32(i >>> 0, 2, 0, Math.floor(i / 2 ** 32), seed >>> 0, 1, block);
      expect([simdA[j], simdB[j]]).toEqual([unit(block[0]!, block[1]!), unit(block[2]!, block[3]!)]);
    }
  });
});
