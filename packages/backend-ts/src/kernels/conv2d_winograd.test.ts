import { afterEach, describe, expect, it } from 'vitest';
import { computeConv2DInfo, type Conv2DInfo, type PaddingSpec } from '@polytensor/core';
import { ACTIVATIONS, Harness, firstMismatch, randomOfShape } from '../test_util.js';

// The Winograd F(4×4, 3×3) paths (3×3, stride 1, ≥ 8 channels) against float64 sums of the definition.

let h = new Harness();
afterEach(() => {
  expect(h.finish()).toBe(0);
  h = new Harness();
});

const at = (b: number, y: number, x: number, ch: number, C: number, H: number, W: number): number => ((b * H + y) * W + x) * C + ch;

/** y[b, oy, ox, o] = Σ x·w over the 3×3 window, with Σ|terms|. */
function refForward(x: Float32Array, w: Float32Array, c: Conv2DInfo): { ref: number[]; abs: number[] } {
  const ref: number[] = [];
  const abs: number[] = [];
  for (let b = 0; b < c.batchSize; b++)
    for (let oy = 0; oy < c.outHeight; oy++)
      for (let ox = 0; ox < c.outWidth; ox++)
        for (let o = 0; o < c.outChannels; o++) {
          let s = 0;
          let a = 0;
          for (let fy = 0; fy < 3; fy++)
            for (let fx = 0; fx < 3; fx++) {
              const iy = oy - c.padTop + fy;
              const ix = ox - c.padLeft + fx;
              if (iy < 0 || iy >= c.inHeight || ix < 0 || ix >= c.inWidth) continue;
              for (let i = 0; i < c.inChannels; i++) {
                const t = x[at(b, iy, ix, i, c.inChannels, c.inHeight, c.inWidth)]! * w[((fy * 3 + fx) * c.inChannels + i) * c.outChannels + o]!;
                s += t;
                a += Math.abs(t);
              }
            }
          ref.push(s);
          abs.push(a);
        }
  return { ref, abs };
}

/** dx[b, iy, ix, i] = Σ dy·w over the outputs whose window reads (iy, ix). */
function refInput(dy: Float32Array, w: Float32Array, c: Conv2DInfo): { ref: number[]; abs: number[] } {
  const ref = new Array<number>(c.batchSize * c.inHeight * c.inWidth * c.inChannels).fill(0);
  const abs = ref.slice();
  for (let b = 0; b < c.batchSize; b++)
    for (let oy = 0; oy < c.outHeight; oy++)
      for (let ox = 0; ox < c.outWidth; ox++)
        for (let fy = 0; fy < 3; fy++)
          for (let fx = 0; fx < 3; fx++) {
            const iy = oy - c.padTop + fy;
            const ix = ox - c.padLeft + fx;
            if (iy < 0 || iy >= c.inHeight || ix < 0 || ix >= c.inWidth) continue;
            for (let i = 0; i < c.inChannels; i++)
              for (let o = 0; o < c.outChannels; o++) {
                const t = dy[at(b, oy, ox, o, c.outChannels, c.outHeight, c.outWidth)]! * w[((fy * 3 + fx) * c.inChannels + i) * c.outChannels + o]!;
                const k = at(b, iy, ix, i, c.inChannels, c.inHeight, c.inWidth);
                ref[k]! += t;
                abs[k]! += Math.abs(t);
              }
          }
  return { ref, abs };
}

/** dW[fy, fx, i, o] = Σ x·dy over the batch and output pixels. */
function refFilter(x: Float32Array, dy: Float32Array, c: Conv2DInfo): { ref: number[]; abs: number[] } {
  const ref = new Array<number>(9 * c.inChannels * c.outChannels).fill(0);
  const abs = ref.slice();
  for (let b = 0; b < c.batchSize; b++)
    for (let oy = 0; oy < c.outHeight; oy++)
      for (let ox = 0; ox < c.outWidth; ox++)
        for (let fy = 0; fy < 3; fy++)
          for (let fx = 0; fx < 3; fx++) {
            const iy = oy - c.padTop + fy;
            const ix = ox - c.padLeft + fx;
            if (iy < 0 || iy >= c.inHeight || ix < 0 || ix >= c.inWidth) continue;
            for (let i = 0; i < c.inChannels; i++)
              for (let o = 0; o < c.outChannels; o++) {
                const t = x[at(b, iy, ix, i, c.inChannels, c.inHeight, c.inWidth)]! * dy[at(b, oy, ox, o, c.outChannels, c.outHeight, c.outWidth)]!;
                const k = ((fy * 3 + fx) * c.inChannels + i) * c.outChannels + o;
                ref[k]! += t;
                abs[k]! += Math.abs(t);
              }
          }
  return { ref, abs };
}

interface Case {
  x: [number, number, number, number];
  out: number;
  pad: PaddingSpec;
}

// biome-ignore format: geometry tables read best one case per line
const CASES: Case[] = [
  { x: [2, 9, 7, 8], out: 5, pad: 'same' }, // partial edge tiles, N not a multiple of 4
  { x: [1, 10, 11, 9], out: 8, pad: 'valid' }, // C not a multiple of 4
  { x: [2, 6, 8, 8], out: 4, pad: [[2, 0], [0, 3]] }, // asymmetric explicit padding (dx pads 0 and 2)
  { x: [1, 4, 4, 12], out: 6, pad: 'same' }, // one tile per image
  { x: [9, 14, 14, 8], out: 8, pad: 'same' }, // 144 tiles: the filter gradient in two tile groups
];

const label = (c: Case): string => JSON.stringify(c);

describe('conv2d through Winograd F(4×4, 3×3)', () => {
  it('forward matches the definition to one float32 rounding (every fused activation)', () => {
    let seed = 7000;
    for (const c of CASES) {
      const f: [number, number, number, number] = [3, 3, c.x[3], c.out];
      const info = computeConv2DInfo('conv2d', c.x, f, 1, c.pad);
      const xv = randomOfShape(c.x, seed++);
      const wv = randomOfShape(f, seed++);
      const { ref, abs } = refForward(xv, wv, info);
      const out = h.be.kernels.conv2d(h.input(xv, c.x), h.input(wv, f), info);
      expect(out.shape).toEqual(info.outShape);
      expect(firstMismatch(h.outF32(out), ref, abs), label(c)).toBeNull();
      const bv = randomOfShape([c.out], seed++);
      for (const act of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
        const fused = h.outF32(h.be.kernels.fusedConv2d(h.input(xv, c.x), h.input(wv, f), h.input(bv, [c.out]), act, info));
        const want = ref.map((v, i) => ACTIVATIONS[act](v + bv[i % c.out]!));
        // An activation's slope is at most 1: the bound of the sum carries over.
        expect(firstMismatch(fused, want, abs), `${label(c)} ${act}`).toBeNull();
      }
    }
  });

  it('the input gradient matches the definition to one float32 rounding', () => {
    let seed = 7100;
    for (const c of CASES) {
      const f: [number, number, number, number] = [3, 3, c.x[3], c.out];
      const info = computeConv2DInfo('conv2d', c.x, f, 1, c.pad);
      // dx's Winograd path needs ≥ 8 output channels: widen the cases that have fewer.
      const wide = info.outChannels >= 8 ? info : computeConv2DInfo('conv2d', c.x, [3, 3, c.x[3], 8], 1, c.pad);
      const wv = randomOfShape(wide.filterShape, seed++);
      const dyv = randomOfShape(wide.outShape, seed++);
      const { ref, abs } = refInput(dyv, wv, wide);
      const dx = h.be.kernels.conv2dBackpropInput(h.input(dyv, wide.outShape), h.input(wv, wide.filterShape), wide);
      expect(dx.shape).toEqual(wide.inShape);
      expect(firstMismatch(h.outF32(dx), ref, abs), label(c)).toBeNull();
    }
  });

  it('the filter gradient matches the definition to one float32 rounding', () => {
    let seed = 7200;
    for (const c of CASES) {
      const f: [number, number, number, number] = [3, 3, c.x[3], c.out];
      const info = computeConv2DInfo('conv2d', c.x, f, 1, c.pad);
      const xv = randomOfShape(c.x, seed++);
      const dyv = randomOfShape(info.outShape, seed++);
      const { ref, abs } = refFilter(xv, dyv, info);
      const dw = h.be.kernels.conv2dBackpropFilter(h.input(xv, c.x), h.input(dyv, info.outShape), info);
      expect(dw.shape).toEqual(info.filterShape);
      expect(firstMismatch(h.outF32(dw), ref, abs), label(c)).toBeNull();
    }
  });

  it('NaN and ±∞ propagate as in the definition (only to outputs whose window reads them)', () => {
    const info = computeConv2DInfo('conv2d', [1, 12, 12, 8], [3, 3, 8, 8], 1, 'same');
    const xv = randomOfShape(info.inShape, 7300);
    const wv = randomOfShape(info.filterShape, 7301);
    const dyv = randomOfShape(info.outShape, 7302);
    xv[(5 * 12 + 6) * 8 + 3] = Number.POSITIVE_INFINITY;
    xv[(1 * 12 + 1) * 8 + 0] = Number.NaN;
    dyv[(9 * 12 + 2) * 8 + 5] = Number.NEGATIVE_INFINITY;
    const same = (got: Float32Array, want: { ref: number[]; abs: number[] }, what: string): void => {
      let nonFinite = 0;
      for (let i = 0; i < got.length; i++) {
        const r = want.ref[i]!;
        if (Number.isFinite(r)) {
          expect(Math.abs(got[i]! - r), `${what} ${i}`).toBeLessThanOrEqual(2 ** -24 * Math.abs(r) + 1e-12 * want.abs[i]!);
        } else {
          nonFinite++;
          expect(got[i], `${what} ${i}`).toBe(r);
        }
      }
      expect(nonFinite, what).toBeGreaterThan(0);
      expect(nonFinite, what).toBeLessThan(got.length);
    };
    same(h.outF32(h.be.kernels.conv2d(h.input(xv, info.inShape), h.input(wv, info.filterShape), info)), refForward(xv, wv, info), 'conv2d');
    same(h.outF32(h.be.kernels.conv2dBackpropInput(h.input(dyv, info.outShape), h.input(wv, info.filterShape), info)), refInput(dyv, wv, info), 'dx');
    const dyFinite = randomOfShape(info.outShape, 7303);
    // One non-finite x value reaches every tap's sum of its channel: the other channels stay finite.
    same(h.outF32(h.be.kernels.conv2dBackpropFilter(h.input(xv, info.inShape), h.input(dyFinite, info.outShape), info)), refFilter(xv, dyFinite, info), 'dW');
  });
});
