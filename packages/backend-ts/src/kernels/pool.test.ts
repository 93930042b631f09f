import { afterEach, describe, expect, it } from 'vitest';
import { computePool2DInfo, type Conv2DInfo, type PaddingSpec } from '@polytensor/core';
import { Harness, dot, randomOfShape } from '../test_util.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

/** Offsets of the real cells of each window, in row-major window order (the definition). */
function windows(c: Conv2DInfo): Array<{ out: number; cells: number[] }> {
  const res: Array<{ out: number; cells: number[] }> = [];
  for (let b = 0; b < c.batchSize; b++)
    for (let oy = 0; oy < c.outHeight; oy++)
      for (let ox = 0; ox < c.outWidth; ox++)
        for (let ch = 0; ch < c.inChannels; ch++) {
          const cells: number[] = [];
          for (let fy = 0; fy < c.filterHeight; fy++)
            for (let fx = 0; fx < c.filterWidth; fx++) {
              const iy = oy * c.strideHeight - c.padTop + fy;
              const ix = ox * c.strideWidth - c.padLeft + fx;
              if (iy >= 0 && iy < c.inHeight && ix >= 0 && ix < c.inWidth) cells.push(((b * c.inHeight + iy) * c.inWidth + ix) * c.inChannels + ch);
            }
          res.push({ out: ((b * c.outHeight + oy) * c.outWidth + ox) * c.inChannels + ch, cells });
        }
  return res;
}

const CASES: Array<{ x: [number, number, number, number]; pool: [number, number]; strides: number | [number, number]; pad: PaddingSpec }> = [
  { x: [2, 6, 6, 3], pool: [2, 2], strides: 2, pad: 'valid' },
  { x: [1, 7, 5, 2], pool: [3, 3], strides: 2, pad: 'same' },
  { x: [2, 5, 5, 1], pool: [3, 2], strides: 1, pad: 'same' }, // overlapping windows
  {
    x: [1, 4, 6, 2],
    pool: [2, 3],
    strides: [1, 2],
    pad: [
      [1, 1],
      [2, 0],
    ],
  },
];

/** Each case's pool geometry and a random input (seeds from `seed` on) with a NaN at `nanAt`. */
function* casesWithNaN(seed: number, nanAt: number): Generator<{ c: (typeof CASES)[number]; info: Conv2DInfo; xv: Float32Array; seed: number }> {
  for (const c of CASES) {
    const info = computePool2DInfo('pool', c.x, c.pool, c.strides, c.pad);
    const xv = randomOfShape(c.x, seed++);
    xv[nanAt] = NaN;
    yield { c, info, xv, seed: seed++ };
  }
}

describe('maxPool / avgPool', () => {
  it('hand-checked 2×2 stride 2 and SAME padding ignores padded cells', () => {
    const x = h.input([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const info = computePool2DInfo('maxPool', [1, 3, 3, 1], 2, 2, 'same');
    expect(info.outShape).toEqual([1, 2, 2, 1]);
    expect(h.out(h.be.kernels.maxPool(x, info))).toEqual([5, 6, 8, 9]);
    // avg divides by the count of real cells: (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9/1
    expect(h.out(h.be.kernels.avgPool(x, info))).toEqual([3, 4.5, 7.5, 9]);
    const neg = h.input([-1, -2, -3, -4], [1, 2, 2, 1]);
    const sameInfo = computePool2DInfo('maxPool', [1, 2, 2, 1], 3, 1, 'same');
    // Padding must not contribute zeros to a window of negatives.
    expect(h.out(h.be.kernels.maxPool(neg, sameInfo))).toEqual([-1, -1, -1, -1]);
  });

  it('match the window definition, propagating NaN in max', () => {
    for (const { c, info, xv } of casesWithNaN(1, 3)) {
      const mx = h.out(h.be.kernels.maxPool(h.input(xv, c.x), info));
      const av = h.out(h.be.kernels.avgPool(h.input(xv, c.x), info));
      for (const { out, cells } of windows(info)) {
        expect(mx[out]).toEqual(Math.fround(cells.reduce((m, i) => Math.max(m, xv[i]!), -Infinity)));
        expect(av[out]).toEqual(Math.fround(cells.reduce((s, i) => s + xv[i]!, 0) / cells.length));
      }
    }
  });
});

describe('pool gradients', () => {
  it('maxPoolGrad routes to the first max of each window and sums overlaps', () => {
    // Ties: the 2×2 window [3, 3; 3, 1] routes to its first cell.
    const x = h.input([3, 3, 3, 1], [1, 2, 2, 1]);
    const info = computePool2DInfo('maxPool', [1, 2, 2, 1], 2, 1, 'valid');
    expect(h.out(h.be.kernels.maxPoolGrad(h.input([5], [1, 1, 1, 1]), x, info))).toEqual([5, 0, 0, 0]);
    // Overlapping 2×2 stride-1 windows over [1,9,2; 3,4,5] all pick 9.
    const x2 = h.input([1, 9, 2, 3, 4, 5], [1, 2, 3, 1]);
    const info2 = computePool2DInfo('maxPool', [1, 2, 3, 1], 2, 1, 'valid');
    expect(h.out(h.be.kernels.maxPoolGrad(h.input([1, 10], [1, 1, 2, 1]), x2, info2))).toEqual([0, 11, 0, 0, 0, 0]);
  });

  it('match the definitions on random windows (maxPoolGrad with NaN goes to the first NaN)', () => {
    for (const { c, info, xv, seed } of casesWithNaN(50, 5)) {
      const dyv = randomOfShape(info.outShape, seed);
      const dxMax = h.out(h.be.kernels.maxPoolGrad(h.input(dyv, info.outShape), h.input(xv, c.x), info));
      const dxAvg = h.out(h.be.kernels.avgPoolGrad(h.input(dyv, info.outShape), info));
      const wantMax = new Array<number>(xv.length).fill(0);
      const wantAvg = new Array<number>(xv.length).fill(0);
      for (const { out, cells } of windows(info)) {
        let best = cells[0]!;
        for (const i of cells) {
          if (Number.isNaN(xv[best]!)) break;
          if (Number.isNaN(xv[i]!) || xv[i]! > xv[best]!) best = i;
        }
        wantMax[best]! += dyv[out]!;
        for (const i of cells) wantAvg[i]! += dyv[out]! / cells.length;
      }
      dxMax.forEach((g, i) => expect(Math.abs(g - wantMax[i]!)).toBeLessThanOrEqual(Math.abs(wantMax[i]!) * 2 ** -23));
      dxAvg.forEach((g, i) => expect(Math.abs(g - wantAvg[i]!)).toBeLessThanOrEqual(Math.abs(wantAvg[i]!) * 2 ** -23));
    }
  });

  it('avgPoolGrad is the adjoint of avgPool', () => {
    const c = CASES[1]!;
    const info = computePool2DInfo('avgPool', c.x, c.pool, c.strides, c.pad);
    const xv = randomOfShape(c.x, 7);
    const dyv = randomOfShape(info.outShape, 8);
    const y = h.outF32(h.be.kernels.avgPool(h.input(xv, c.x), info));
    const dx = h.outF32(h.be.kernels.avgPoolGrad(h.input(dyv, info.outShape), info));
    expect(Math.abs(dot(y, dyv) - dot(xv, dx))).toBeLessThan(1e-5);
  });

  it('handles empty batches', () => {
    const info = computePool2DInfo('maxPool', [0, 4, 4, 2], 2, 2, 'valid');
    const x = h.input([], info.inShape);
    expect(h.out(h.be.kernels.maxPool(x, info))).toEqual([]);
    expect(h.out(h.be.kernels.avgPool(x, info))).toEqual([]);
    expect(h.out(h.be.kernels.maxPoolGrad(h.input([], info.outShape), x, info))).toEqual([]);
    expect(h.out(h.be.kernels.avgPoolGrad(h.input([], info.outShape), info))).toEqual([]);
  });
});
