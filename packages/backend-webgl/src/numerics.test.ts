// Regressions of issue 15 on this backend's kernels (the conformance suite
// checks the classes; these pin the examples): tfjs's MaxPool skipped NaN cells
// and started from −1e20, prod multiplied in float32, and log-softmax took the
// log of a float32 sum. WebGL 2 and 1 in Chromium, WebGL 1 on headless-gl.
import { computePool2DInfo, type TensorInfo } from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGLBackend } from './index.js';
import { newBackend } from './test_util.js';

describe('webgl kernels on the numerics of issue 15', () => {
  let b: WebGLBackend;
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
    b = await newBackend();
  });
  afterAll(() => {
    for (const info of live) b.disposeData(info.dataId);
    expect(b.numDataIds()).toBe(0);
    b.dispose();
  });

  it('maxPool: a NaN anywhere in a window makes it NaN; a window of −Infinity gives −Infinity', () => {
    const rows = [
      [NaN, 1, 2],
      [1, NaN, 2],
      [1, 2, NaN],
      [Infinity, 1, 2],
      [-Infinity, -Infinity, -Infinity],
      [1, 3, 2],
    ];
    const shape = [1, rows.length, 3, 1];
    expect(read(b.kernels.maxPool(t(rows.flat(), shape), computePool2DInfo('test', shape, [1, 3], 1, 'valid')))).toEqual([
      NaN,
      NaN,
      NaN,
      Infinity,
      -Infinity,
      3,
    ]);
    // a 1×1 window samples the cell
    const one = [1, 2, 2, 1];
    expect(read(b.kernels.maxPool(t([-Infinity, NaN, 5, -1], one), computePool2DInfo('test', one, 1, 1, 'valid')))).toEqual([-Infinity, NaN, 5, -1]);
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
    for (const i of [0, 1]) expect(Math.abs(got[i]! - exact[i]!) / exact[i]!).toBeLessThan(2 ** -21);
    expect(got.slice(2)).toEqual([Infinity, 0]);
  });

  it('logSoftmax keeps relative accuracy on outputs near 0 (row 20, seventeen 10s)', () => {
    const row = [20, ...new Array<number>(17).fill(10)];
    const got = read(b.kernels.logSoftmax(t(row, [18])));
    const lse = Math.log1p(17 * Math.exp(-10));
    // a few ULPs (log of the float32 sum was ~5000 ULPs off)
    expect(Math.abs(got[0]! - -lse) / (2 ** -24 * lse)).toBeLessThan(16);
  });
});
