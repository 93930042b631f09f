// Reading tensors back (runtime.download): on WebGL 2 an R32F texture is read
// as RED/FLOAT straight into the result, whole rows then the last partial one;
// elsewhere (WebGL 1, RGBA) through gpu.js's RGBA read. Every size below must
// give back exactly the host's negation of what was written. Node
// (headless-gl: the RGBA path) and Chromium (WebGL 2 on SwiftShader: RED).
import { describe, expect, it } from 'vitest';
import { createGpujsBackend } from './backend.js';

// in a browser, WebGL 1 too (RGBA textures: gpu.js's read)
const modes: Array<'webgl' | undefined> = typeof window === 'undefined' ? [undefined] : [undefined, 'webgl'];

describe('backend-gpujs read-back', () => {
  it.each(modes)('neg of every size reads back as the host negation (full rows, a partial last row, one texel); mode %s', (mode) => {
    const b = createGpujsBackend(mode ? { mode } : {});
    try {
      // 1 and 129: one texel / just above the host-kept size; 1001·3 and 99_991 (prime): partial last rows
      for (const n of [1, 129, 3003, 4096, 99_991]) {
        const values = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.37) * 100));
        const x = { dataId: b.write(values, [n], 'float32'), shape: [n], dtype: 'float32' as const };
        const y = b.kernels.unary('neg', x);
        const before = b.store.rt.redDownloads;
        const got = b.readSync(y.dataId);
        expect(got).toBeInstanceOf(Float32Array);
        expect(got.length, `n = ${n}`).toBe(n);
        const want = values.map((v) => -v);
        let bad = -1;
        for (let i = 0; i < n && bad < 0; i++) if (!Object.is(got[i], want[i])) bad = i;
        expect(bad, `n = ${n}: first wrong index`).toBe(-1);
        // a 2-D output (a texture exactly as wide as its rows) too
        const m = { dataId: b.write(values.subarray(0, n - (n % 7)), [n - (n % 7)], 'float32'), shape: [7, (n - (n % 7)) / 7], dtype: 'float32' as const };
        if (m.shape[1]! > 0) {
          const z = b.kernels.binary('mul', m, { dataId: b.write(new Float32Array([-1]), [1], 'float32'), shape: [1], dtype: 'float32' }, m.shape);
          const gz = b.readSync(z.dataId);
          expect(Array.from(gz)).toEqual(Array.from(want.subarray(0, gz.length)));
        }
        expect(b.store.rt.redDownloads - before, 'reads as RED/FLOAT').toBe(b.info.glslVersion === 3 ? (m.shape[1]! > 0 ? 2 : 1) : 0);
      }
    } finally {
      b.dispose();
    }
  });

  it.each(modes)('an upload whose host copy was dropped, and a rectangle copy, read back as written; mode %s', (mode) => {
    const b = createGpujsBackend(mode ? { mode } : {});
    try {
      const R = 40;
      const C = 30;
      const values = Float32Array.from({ length: R * C }, (_, i) => Math.fround(Math.cos(i * 0.11) * 7));
      const x = { dataId: b.write(values, [R, C], 'float32'), shape: [R, C], dtype: 'float32' as const };
      // a kernel uploads x; above 128 elements the host copy is dropped, so this read downloads the upload
      const neg = b.kernels.unary('neg', x);
      expect(Array.from(b.readSync(x.dataId))).toEqual(Array.from(values));
      // rows 5..24, columns 3..19 of a 2-D kernel output (C wide): a rectangle copy on WebGL 2
      const ones = { dataId: b.write(new Float32Array(C).fill(1), [C], 'float32'), shape: [C], dtype: 'float32' as const };
      const rows = b.kernels.binary('mul', x, ones, [R, C]);
      const part = b.kernels.slice(rows, [5, 3], [20, 17]);
      const want: number[] = [];
      for (let r = 5; r < 25; r++) want.push(...values.subarray(r * C + 3, r * C + 20));
      expect(Array.from(b.readSync(part.dataId))).toEqual(want);
      expect(Array.from(b.readSync(neg.dataId))).toEqual(Array.from(values, (v) => -v));
    } finally {
      b.dispose();
    }
  });
});
