// Regressions of issue 15 on the kernels themselves (the conformance suite
// checks the classes; these pin the reported examples): tfjs/XNNPACK kernels
// that drop NaN from max pooling, clamp a NaN average to −Infinity, multiply in
// float32 and lose digits in log-softmax near 0.
import { computePool2DInfo, type TensorInfo } from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './index.js';

describe('wasm kernels on the numerics of issue 15', () => {
  let b: WasmBackend;
  const live: TensorInfo[] = [];
  const t = (values: number[], shape: number[]): TensorInfo => {
    const info = { dataId: b.write(Float32Array.from(values), shape, 'float32'), shape, dtype: 'float32' as const };
    live.push(info);
    return info;
  };
  const read = (info: TensorInfo): number[] => {
    live.push(info);
    return Array.from(b.readSync(info.dataId));
  };
  beforeAll(async () => {
    b = await createWasmBackend();
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
      [1, 2, 3],
    ];
    const info = computePool2DInfo('test', [1, rows.length, 3, 1], [1, 3], 1, 'valid');
    expect(read(b.kernels.maxPool(t(rows.flat(), [1, rows.length, 3, 1]), info))).toEqual([NaN, NaN, NaN, Infinity, -1, 3]);
  });

  it('maxPool with NaN in some channels of a wide window (the vector path) keeps the others exact', () => {
    const c = 17;
    const x = Array.from({ length: 4 * 4 * c }, (_, i) => (i % 37) - 18);
    x[5 * c + 3] = NaN; // cell (1,1), channel 3: in every 2×2 window around (1,1)
    const info = computePool2DInfo('test', [1, 4, 4, c], 2, 1, 'valid');
    const got = read(b.kernels.maxPool(t(x, [1, 4, 4, c]), info));
    for (let oy = 0; oy < 3; oy++) {
      for (let ox = 0; ox < 3; ox++) {
        for (let ch = 0; ch < c; ch++) {
          const cells = [
            [oy, ox],
            [oy, ox + 1],
            [oy + 1, ox],
            [oy + 1, ox + 1],
          ].map(([y, xx]) => x[(y! * 4 + xx!) * c + ch]!);
          const want = cells.some(Number.isNaN) ? NaN : Math.max(...cells);
          expect(got[(oy * 3 + ox) * c + ch], `(${oy},${ox}) channel ${ch}`).toBe(want);
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
    const info = computePool2DInfo('test', [1, rows.length, 3, 1], [1, 3], 1, 'valid');
    expect(read(b.kernels.avgPool(t(rows.flat(), [1, rows.length, 3, 1]), info))).toEqual([NaN, NaN, Infinity, -Infinity, 3]);
  });

  it('prod: partial products beyond float32 do not overflow (3e38 · 10 · 1e-30 = 3e9)', () => {
    const rows = [
      [3e38, 10, 1e-30],
      [1e-30, 1e30, 1e30],
    ];
    const got = read(b.kernels.reduce('prod', t(rows.flat(), [2, 3]), [1]));
    const f = Math.fround;
    const exact = rows.map((r) => r.reduce((p, v) => p * f(v), 1));
    got.forEach((g, i) => expect(Math.abs(g - exact[i]!) / exact[i]!).toBeLessThan(2 ** -22));
    // int32 products still wrap modulo 2^32 (tfjs's kernel)
    const i = { dataId: b.write(Int32Array.from([65536, 65537]), [2], 'int32'), shape: [2], dtype: 'int32' as const };
    live.push(i);
    expect(read(b.kernels.reduce('prod', i, [0]))).toEqual([65536]);
  });

  it('logSoftmax keeps relative accuracy on outputs near 0 (row 20, seventeen 10s)', () => {
    const row = [20, ...new Array<number>(17).fill(10)];
    const got = read(b.kernels.logSoftmax(t(row, [18])));
    const lse = Math.log1p(17 * Math.exp(-10));
    // within a few float32 ULPs of the float64 value (the float32 sum of S gave 5·2⁻²⁴ absolute: ~5000 ULPs)
    expect(Math.abs(got[0]! - -lse) / (2 ** -24 * lse)).toBeLessThan(4);
    expect(Math.abs(got[1]! - (-10 - lse)) / (2 ** -24 * (10 + lse))).toBeLessThan(4);
  });
});
