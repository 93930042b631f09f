import { afterEach, describe, expect, it } from 'vitest';
import { computeConv2DInfo, type Conv2DInfo, type PaddingSpec } from '@polytensor/core';
import { Harness, dot, firstMismatch, randomFloats, randomOfShape } from '../test_util.js';

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

/** The definition: seven nested loops in float64 (plus Σ|terms| for the error bound). */
function naiveConv(x: Float32Array, w: Float32Array, c: Conv2DInfo): { ref: number[]; abs: number[] } {
  const ref: number[] = [];
  const abs: number[] = [];
  for (let b = 0; b < c.batchSize; b++)
    for (let oy = 0; oy < c.outHeight; oy++)
      for (let ox = 0; ox < c.outWidth; ox++)
        for (let oc = 0; oc < c.outChannels; oc++) {
          let s = 0;
          let s1 = 0;
          for (let fy = 0; fy < c.filterHeight; fy++)
            for (let fx = 0; fx < c.filterWidth; fx++)
              for (let ic = 0; ic < c.inChannels; ic++) {
                const iy = oy * c.strideHeight - c.padTop + fy * c.dilationHeight;
                const ix = ox * c.strideWidth - c.padLeft + fx * c.dilationWidth;
                if (iy < 0 || iy >= c.inHeight || ix < 0 || ix >= c.inWidth) continue;
                const t =
                  x[((b * c.inHeight + iy) * c.inWidth + ix) * c.inChannels + ic]! * w[((fy * c.filterWidth + fx) * c.inChannels + ic) * c.outChannels + oc]!;
                s += t;
                s1 += Math.abs(t);
              }
          ref.push(s);
          abs.push(s1);
        }
  return { ref, abs };
}

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: PaddingSpec;
  dilations?: number | [number, number];
}

// biome-ignore format: geometry tables read best one case per line
const CASES: Case[] = [
  { x: [2, 7, 6, 3], f: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], f: [3, 3, 3, 5], strides: 1, pad: 'valid' },
  { x: [1, 9, 8, 2], f: [3, 2, 2, 4], strides: 2, pad: 'same' },
  { x: [1, 9, 8, 2], f: [3, 3, 2, 4], strides: [2, 1], pad: 'valid' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 10, 7, 2], f: [2, 3, 2, 3], strides: 1, pad: 'valid', dilations: [2, 1] },
  { x: [2, 5, 6, 4], f: [3, 3, 4, 3], strides: 2, pad: [[1, 2], [0, 3]] },
  { x: [3, 4, 5, 6], f: [1, 1, 6, 7], strides: 1, pad: 'valid' }, // pointwise fast path
  { x: [1, 6, 6, 18], f: [2, 2, 18, 9], strides: 2, pad: 'same' }, // long channel runs
  { x: [1, 4, 4, 3], f: [5, 5, 3, 2], strides: 1, pad: 'same' }, // filter larger than image
  { x: [1, 5, 6, 2], f: [3, 3, 2, 3], strides: 1, pad: [[2, 0], [0, 3]] }, // unit stride, asymmetric explicit padding
  { x: [2, 8, 7, 3], f: [2, 3, 3, 4], strides: 1, pad: [[3, 1], [1, 0]], dilations: [2, 1] }, // padding beyond the dilated window
  { x: [40, 6, 6, 5], f: [3, 3, 5, 6], strides: 1, pad: 'same' }, // many images: several per GEMM
];

const label = (c: Case): string => JSON.stringify(c);

describe('conv2d', () => {
  it('computes a hand-checked 3×3 SAME case', () => {
    // 3×3 single-channel image, all-ones 3×3 filter: each output = sum of its (zero-padded) neighbourhood.
    const info = computeConv2DInfo('conv2d', [1, 3, 3, 1], [3, 3, 1, 1], 1, 'same');
    const out = h.be.kernels.conv2d(h.input([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), h.input(new Array(9).fill(1), [3, 3, 1, 1]), info);
    expect(out.shape).toEqual([1, 3, 3, 1]);
    expect(h.out(out)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  it('matches the 7-loop definition (strides, dilations, SAME/VALID/explicit padding)', () => {
    let seed = 100;
    for (const c of CASES) {
      const info = computeConv2DInfo('conv2d', c.x, c.f, c.strides, c.pad, c.dilations ?? 1);
      const xv = randomOfShape(c.x, seed++);
      const wv = randomOfShape(c.f, seed++);
      const out = h.be.kernels.conv2d(h.input(xv, c.x), h.input(wv, c.f), info);
      expect(out.shape).toEqual(info.outShape);
      const { ref, abs } = naiveConv(xv, wv, info);
      expect(firstMismatch(h.outF32(out), ref, abs), label(c)).toBeNull();
    }
  });

  it('gradients satisfy <conv(x,w), dy> = <x, dX(dy)> = <w, dW(x,dy)>', () => {
    let seed = 500;
    for (const c of CASES) {
      const info = computeConv2DInfo('conv2d', c.x, c.f, c.strides, c.pad, c.dilations ?? 1);
      const xv = randomOfShape(c.x, seed++);
      const wv = randomOfShape(c.f, seed++);
      const dyv = randomOfShape(info.outShape, seed++);
      const x = h.input(xv, c.x);
      const w = h.input(wv, c.f);
      const dy = h.input(dyv, info.outShape);
      const y = h.outF32(h.be.kernels.conv2d(x, w, info));
      const dxInfo = h.be.kernels.conv2dBackpropInput(dy, w, info);
      const dwInfo = h.be.kernels.conv2dBackpropFilter(x, dy, info);
      expect(dxInfo.shape).toEqual(info.inShape);
      expect(dwInfo.shape).toEqual(info.filterShape);
      const dx = h.outF32(dxInfo);
      const dw = h.outF32(dwInfo);
      const lhs = dot(y, dyv);
      const scale = y.reduce((s, v, i) => s + Math.abs(v * dyv[i]!), 0) + 1;
      expect(Math.abs(lhs - dot(xv, dx)) / scale, label(c)).toBeLessThan(1e-6);
      expect(Math.abs(lhs - dot(wv, dw)) / scale, label(c)).toBeLessThan(1e-6);
    }
  });

  it('gradients match their own definitions elementwise', () => {
    // dX[b,iy,ix,ic] = Σ dy·w over the taps that read (iy,ix); dW = Σ x·dy. Checked via unit vectors of the adjoint.
    const c = CASES[2]!;
    const info = computeConv2DInfo('conv2d', c.x, c.f, c.strides, c.pad);
    const wv = randomOfShape(c.f, 1);
    const dyv = randomOfShape(info.outShape, 2);
    const dx = h.outF32(h.be.kernels.conv2dBackpropInput(h.input(dyv, info.outShape), h.input(wv, c.f), info));
    const xSize = c.x.reduce((a, b) => a * b);
    for (let i = 0; i < xSize; i++) {
      const e = new Float32Array(xSize);
      e[i] = 1;
      const { ref } = naiveConv(e, wv, info);
      expect(Math.abs(dx[i]! - dot(ref, dyv))).toBeLessThan(1e-6);
    }
  });

  it('handles empty batches', () => {
    const info = computeConv2DInfo('conv2d', [0, 4, 4, 2], [3, 3, 2, 3], 1, 'same');
    const x = h.input([], info.inShape);
    const w = h.input(randomFloats(54, 1), info.filterShape);
    expect(h.out(h.be.kernels.conv2d(x, w, info))).toEqual([]);
    expect(h.out(h.be.kernels.conv2dBackpropInput(h.input([], info.outShape), w, info))).toEqual([]);
    expect(h.out(h.be.kernels.conv2dBackpropFilter(x, h.input([], info.outShape), info))).toEqual(new Array(54).fill(0));
  });
});
