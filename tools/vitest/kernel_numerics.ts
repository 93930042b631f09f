// Regressions of issue 15 on backend kernels themselves, shared by the
// backends built on tfjs kernels (the conformance suite checks the classes;
// these pin the reported examples): max pooling that drops NaN or starts from
// a finite floor, average pooling that clamps a NaN average to −Infinity,
// products taken in float32, and log-softmax taking the log of a float32 sum.
// Expected values are float64 (or exact) by hand.
import { type Backend, computePool2DInfo, type TensorInfo } from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface KernelNumericsCase {
  /** A fresh instance, used directly (no core), disposed at the end. */
  create(): Backend | Promise<Backend>;
  /** Relative error allowed on a float32 product of float32 values (its one rounding, plus the backend's). */
  readonly prodRelError: number;
  /** float32 ULPs (of the float64 value) allowed on log-softmax outputs near 0. */
  readonly logSoftmaxUlps: number;
}

/** The suite on one backend; `extra` adds backend-specific tests that get the same helpers. */
export function kernelNumericsSuite(
  title: string,
  c: KernelNumericsCase,
  extra?: (h: {
    backend: () => Backend;
    t: (values: number[], shape: number[], dtype?: 'float32' | 'int32') => TensorInfo;
    read: (info: TensorInfo) => number[];
  }) => void,
): void {
  describe(title, () => {
    let b: Backend;
    const live: TensorInfo[] = [];
    const t = (values: number[], shape: number[], dtype: 'float32' | 'int32' = 'float32'): TensorInfo => {
      const data = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
      const info = { dataId: b.write(data, shape, dtype), shape, dtype };
      live.push(info);
      return info;
    };
    const read = (info: TensorInfo): number[] => {
      live.push(info);
      return Array.from(b.readSync(info.dataId));
    };
    /** One output per row: a [1, rows, 3, 1] input pooled by a 1×3 window. */
    const poolRows = (kernel: 'maxPool' | 'avgPool', rows: number[][]): number[] => {
      const shape = [1, rows.length, 3, 1];
      return read(b.kernels[kernel](t(rows.flat(), shape), computePool2DInfo('test', shape, [1, 3], 1, 'valid')));
    };
    beforeAll(async () => {
      b = await c.create();
    });
    afterAll(() => {
      for (const info of live) b.disposeData(info.dataId);
      expect(b.numDataIds()).toBe(0);
      b.dispose();
    });

    it('maxPool: a NaN anywhere in a window makes it NaN; ±Infinity are ordinary values', () => {
      const rows = [
        [NaN, 1, 2],
        [1, NaN, 2],
        [1, 2, NaN],
        [Infinity, 1, 2],
        [-Infinity, -Infinity, -1],
        [-Infinity, -Infinity, -Infinity],
        [1, 3, 2],
      ];
      expect(poolRows('maxPool', rows)).toEqual([NaN, NaN, NaN, Infinity, -1, -Infinity, 3]);
      // a 1×1 window samples the cell
      const one = [1, 2, 2, 1];
      expect(read(b.kernels.maxPool(t([-Infinity, NaN, 5, -1], one), computePool2DInfo('test', one, 1, 1, 'valid')))).toEqual([-Infinity, NaN, 5, -1]);
    });

    it('maxPool with NaN in some channels of a wide window keeps the others exact', () => {
      const ch = 17;
      const x = Array.from({ length: 4 * 4 * ch }, (_, i) => (i % 37) - 18);
      x[5 * ch + 3] = NaN; // cell (1,1), channel 3: in every 2×2 window around (1,1)
      const got = read(b.kernels.maxPool(t(x, [1, 4, 4, ch]), computePool2DInfo('test', [1, 4, 4, ch], 2, 1, 'valid')));
      for (let oy = 0; oy < 3; oy++) {
        for (let ox = 0; ox < 3; ox++) {
          for (let k = 0; k < ch; k++) {
            const cells = [
              [oy, ox],
              [oy, ox + 1],
              [oy + 1, ox],
              [oy + 1, ox + 1],
            ].map(([y, xx]) => x[(y! * 4 + xx!) * ch + k]!);
            const want = cells.some(Number.isNaN) ? NaN : Math.max(...cells);
            expect(got[(oy * 3 + ox) * ch + k], `(${oy},${ox}) channel ${k}`).toBe(want);
          }
        }
      }
    });

    it('avgPool: NaN, or +Infinity with −Infinity, gives NaN (not −Infinity); one infinity gives it', () => {
      const rows = [
        [NaN, 1, 2],
        [Infinity, -Infinity, 1],
        [Infinity, 1, 2],
        [-Infinity, 1, 2],
        [1, 2, 6],
      ];
      expect(poolRows('avgPool', rows)).toEqual([NaN, NaN, Infinity, -Infinity, 3]);
    });

    it('prod: partial products beyond float32 do not overflow (3e38 · 10 · 1e-30 = 3e9)', () => {
      const rows = [
        [3e38, 10, 1e-30],
        [1e-30, 1e30, 1e30],
        [1e30, 1e30, 1],
        [1e-30, 1e-30, 1],
      ];
      const got = read(b.kernels.reduce('prod', t(rows.flat(), [4, 3]), [1]));
      const f = Math.fround;
      const exact = rows.map((r) => r.reduce((p, v) => p * f(v), 1));
      for (const i of [0, 1]) expect(Math.abs(got[i]! - exact[i]!) / exact[i]!).toBeLessThan(c.prodRelError);
      // products beyond float32 at the end overflow or underflow as float32 does
      expect(got.slice(2)).toEqual([Infinity, 0]);
    });

    it('logSoftmax keeps relative accuracy on outputs near 0 (row 20, seventeen 10s)', () => {
      const row = [20, ...new Array<number>(17).fill(10)];
      const got = read(b.kernels.logSoftmax(t(row, [18])));
      const lse = Math.log1p(17 * Math.exp(-10));
      // a few float32 ULPs of the float64 value (the log of the float32 sum was ~5000 ULPs off)
      expect(Math.abs(got[0]! - -lse) / (2 ** -24 * lse)).toBeLessThan(c.logSoftmaxUlps);
      expect(Math.abs(got[1]! - (-10 - lse)) / (2 ** -24 * (10 + lse))).toBeLessThan(c.logSoftmaxUlps);
    });

    extra?.({ backend: () => b, t, read });
  });
}
