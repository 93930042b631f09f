// Kernels conv2d, fusedConv2d, conv2dBackpropInput and conv2dBackpropFilter
// with unit column stride run this package's packed programs
// (kernels/conv2d_forward_packed.ts, conv2d_input_packed.ts,
// conv2d_filter_packed.ts): judged here against float64 direct sums on
// geometries that reach each of their cases (even and odd column shifts,
// padding on every side, odd widths, channels and output widths, row strides,
// dilations, a one-column input), with non-finite values where a dropped
// padding term would otherwise turn 0·∞ into NaN, fused bias and activations,
// and inputs arriving packed, unpacked or from the host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conv2DInfo, TensorInfo } from '@polytensor/core';
import type { WebGLBackend } from './index.js';
import { expectActivatedNear, expectNearReference, newBackend, watchPrograms } from './test_util.js';

interface Geometry {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pads: [number, number, number, number]; // top, bottom, left, right
}

function infoOf(g: Geometry): Conv2DInfo {
  const [B, H, W, C] = g.x;
  const [FH, FW, , OC] = g.f;
  const [SH, SW] = g.strides;
  const [DH, DW] = g.dilations;
  const [PT, PB, PL, PR] = g.pads;
  const OH = Math.floor((H + PT + PB - ((FH - 1) * DH + 1)) / SH) + 1;
  const OW = Math.floor((W + PL + PR - ((FW - 1) * DW + 1)) / SW) + 1;
  return {
    batchSize: B,
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight: OH,
    outWidth: OW,
    outChannels: OC,
    filterHeight: FH,
    filterWidth: FW,
    strideHeight: SH,
    strideWidth: SW,
    dilationHeight: DH,
    dilationWidth: DW,
    padTop: PT,
    padBottom: PB,
    padLeft: PL,
    padRight: PR,
    inShape: [B, H, W, C],
    outShape: [B, OH, OW, OC],
    filterShape: [FH, FW, C, OC],
  };
}

/** dW in float64 by the definition (terms whose input cell is padding are absent), and Σ|terms| per weight. */
function referenceFilter(info: Conv2DInfo, x: Float32Array, dy: Float32Array): { value: Float64Array; magnitude: Float64Array; terms: number } {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: OC } = info;
  const { filterHeight: FH, filterWidth: FW } = info;
  const value = new Float64Array(FH * FW * C * OC);
  const magnitude = new Float64Array(value.length);
  for (let fh = 0; fh < FH; fh++)
    for (let fw = 0; fw < FW; fw++)
      for (let b = 0; b < B; b++)
        for (let yr = 0; yr < OH; yr++) {
          const xr = yr * info.strideHeight - info.padTop + fh * info.dilationHeight;
          if (xr < 0 || xr >= H) continue;
          for (let yc = 0; yc < OW; yc++) {
            const xc = yc * info.strideWidth - info.padLeft + fw * info.dilationWidth;
            if (xc < 0 || xc >= W) continue;
            for (let d1 = 0; d1 < C; d1++)
              for (let d2 = 0; d2 < OC; d2++) {
                const t = x[((b * H + xr) * W + xc) * C + d1]! * dy[((b * OH + yr) * OW + yc) * OC + d2]!;
                const k = ((fh * FW + fw) * C + d1) * OC + d2;
                value[k]! += t;
                magnitude[k]! += Math.abs(t);
              }
          }
        }
  return { value, magnitude, terms: info.batchSize * info.outHeight * info.outWidth };
}

/** conv2d in float64 by the definition (padding cells absent), plus bias, and Σ|terms| per output (the bias included). */
function referenceForward(
  info: Conv2DInfo,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
): { value: Float64Array; magnitude: Float64Array; terms: number } {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: OC } = info;
  const { filterHeight: FH, filterWidth: FW } = info;
  const value = new Float64Array(B * OH * OW * OC);
  const magnitude = new Float64Array(value.length);
  for (let b = 0; b < B; b++)
    for (let yr = 0; yr < OH; yr++)
      for (let yc = 0; yc < OW; yc++)
        for (let d2 = 0; d2 < OC; d2++) {
          const k = ((b * OH + yr) * OW + yc) * OC + d2;
          for (let fh = 0; fh < FH; fh++) {
            const xr = yr * info.strideHeight - info.padTop + fh * info.dilationHeight;
            if (xr < 0 || xr >= H) continue;
            for (let fw = 0; fw < FW; fw++) {
              const xc = yc * info.strideWidth - info.padLeft + fw * info.dilationWidth;
              if (xc < 0 || xc >= W) continue;
              for (let d1 = 0; d1 < C; d1++) {
                const t = x[((b * H + xr) * W + xc) * C + d1]! * w[((fh * FW + fw) * C + d1) * OC + d2]!;
                value[k]! += t;
                magnitude[k]! += Math.abs(t);
              }
            }
          }
          if (bias) {
            value[k]! += bias[d2]!;
            magnitude[k]! += Math.abs(bias[d2]!);
          }
        }
  return { value, magnitude, terms: FH * FW * C + 1 };
}

/** dx in float64 by the definition (each dy cell spread over the input cells its taps read), and Σ|terms| per cell. */
function referenceInput(info: Conv2DInfo, dy: Float32Array, w: Float32Array): { value: Float64Array; magnitude: Float64Array; terms: number } {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: OC } = info;
  const { filterHeight: FH, filterWidth: FW } = info;
  const value = new Float64Array(B * H * W * C);
  const magnitude = new Float64Array(value.length);
  for (let b = 0; b < B; b++)
    for (let yr = 0; yr < OH; yr++)
      for (let yc = 0; yc < OW; yc++)
        for (let fh = 0; fh < FH; fh++) {
          const xr = yr * info.strideHeight - info.padTop + fh * info.dilationHeight;
          if (xr < 0 || xr >= H) continue;
          for (let fw = 0; fw < FW; fw++) {
            const xc = yc * info.strideWidth - info.padLeft + fw * info.dilationWidth;
            if (xc < 0 || xc >= W) continue;
            for (let d1 = 0; d1 < C; d1++)
              for (let d2 = 0; d2 < OC; d2++) {
                const t = dy[((b * OH + yr) * OW + yc) * OC + d2]! * w[((fh * FW + fw) * C + d1) * OC + d2]!;
                const k = ((b * H + xr) * W + xc) * C + d1;
                value[k]! += t;
                magnitude[k]! += Math.abs(t);
              }
          }
        }
  return { value, magnitude, terms: FH * FW * OC };
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = 2 * (s / 2147483648) - 1;
  }
  return out;
}

const GEOMETRIES: Geometry[] = [
  // SAME 3×3: shifts −1, 0, 1 (odd, even, odd); odd width, channels and output width
  { name: 'same 3×3, odd sides', x: [2, 7, 9, 3], f: [3, 3, 3, 5], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  // the bench's shape, smaller: even sides everywhere
  { name: 'same 3×3, even sides', x: [3, 6, 8, 4], f: [3, 3, 4, 6], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1] },
  // shifts −2, −1, 0 and a row stride of 2
  { name: 'explicit pads, row stride 2', x: [1, 7, 8, 4], f: [2, 3, 4, 2], strides: [2, 1], dilations: [1, 1], pads: [0, 1, 2, 0] },
  // valid, a wide filter: every shift positive
  { name: 'valid 1×4', x: [2, 3, 11, 2], f: [1, 4, 2, 3], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0] },
  // dilations: even shifts (2·fw − 2), then odd ones (3·fw − 1)
  { name: 'dilation 2', x: [2, 9, 10, 2], f: [3, 3, 2, 2], strides: [1, 1], dilations: [2, 2], pads: [2, 2, 2, 2] },
  { name: 'dilation (1, 3)', x: [1, 5, 12, 3], f: [2, 3, 3, 1], strides: [1, 1], dilations: [1, 3], pads: [1, 0, 1, 2] },
  // one column: every texel has a padding row
  { name: 'one column', x: [2, 5, 1, 3], f: [3, 1, 3, 2], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 0, 0] },
];

describe('convolution gradients, packed programs (unit column stride)', () => {
  let gl: WebGLBackend;
  let programs = 0;
  let restore: () => void;
  beforeAll(async () => {
    gl = await newBackend();
    restore = watchPrograms(gl, () => {
      programs++;
    });
  });
  afterAll(() => {
    restore();
    gl.dispose();
  });

  const host = (v: Float32Array, shape: readonly number[]): TensorInfo => ({ dataId: gl.write(v, shape, 'float32'), shape, dtype: 'float32' });
  const dispose = (...ts: TensorInfo[]): void => {
    for (const t of ts) gl.disposeData(t.dataId);
  };

  for (const g of GEOMETRIES) {
    it(`filter, ${g.name}: one program, within the bound of a float64 direct sum`, () => {
      const info = infoOf(g);
      const x = values(
        info.inShape.reduce((a, b) => a * b),
        11,
      );
      const dy = values(
        info.outShape.reduce((a, b) => a * b),
        29,
      );
      const tx = host(x, info.inShape);
      const td = host(dy, info.outShape);
      const first = gl.kernels.conv2dBackpropFilter(tx, td, info); // uploads x and dy too
      const before = programs;
      const dw = gl.kernels.conv2dBackpropFilter(tx, td, info);
      expect(programs - before, g.name).toBe(1);
      expect(dw.shape).toEqual(info.filterShape);
      expectNearReference(referenceFilter(info, x, dy), gl.readSync(dw.dataId), g.name);
      expect(gl.readSync(first.dataId)).toEqual(gl.readSync(dw.dataId));
      dispose(tx, td, first, dw);
    });
  }

  it('filter drops padding terms: ∞ in dy beside the padding gives no NaN; NaN and ∞ in x reach the weights they touch', () => {
    const info = infoOf(GEOMETRIES[0]!);
    const x = values(
      info.inShape.reduce((a, b) => a * b),
      5,
    );
    const dy = values(
      info.outShape.reduce((a, b) => a * b),
      7,
    );
    const [, OH, OW, OC] = info.outShape;
    const [, H, W, C] = info.inShape;
    // dy at output (0, 0) and (OH − 1, OW − 1): their 3×3 windows overhang the padding
    dy[0] = Number.POSITIVE_INFINITY;
    dy[((0 * OH + OH - 1) * OW + OW - 1) * OC + 1] = Number.NEGATIVE_INFINITY;
    x[((1 * H + 3) * W + 4) * C + 2] = Number.NaN; // an interior cell of the second image
    const tx = host(x, info.inShape);
    const td = host(dy, info.outShape);
    const dw = gl.kernels.conv2dBackpropFilter(tx, td, info);
    const got = gl.readSync(dw.dataId);
    expectNearReference(referenceFilter(info, x, dy), got, 'non-finite');
    // the float64 reference has finite and infinite weights both: the case tests something
    const { value } = referenceFilter(info, x, dy);
    expect(value.some((v) => !Number.isFinite(v) && !Number.isNaN(v))).toBe(true);
    expect(value.some((v) => Number.isNaN(v))).toBe(true);
    expect(value.some((v) => Number.isFinite(v))).toBe(true);
    dispose(tx, td, dw);
  });

  it('filter reads inputs left unpacked by a flat program as they are', () => {
    const info = infoOf(GEOMETRIES[1]!);
    const x = values(
      info.inShape.reduce((a, b) => a * b),
      3,
    );
    const dy = values(
      info.outShape.reduce((a, b) => a * b),
      13,
    );
    // negating twice on the flat path leaves the values as they were, in unpacked textures
    gl.store.packedMinSize = Number.POSITIVE_INFINITY;
    const hx = host(x, info.inShape);
    const hd = host(dy, info.outShape);
    const [n1, n2] = [gl.kernels.unary('neg', hx), gl.kernels.unary('neg', hd)];
    const [tx, td] = [gl.kernels.unary('neg', n1), gl.kernels.unary('neg', n2)];
    gl.store.packedMinSize = 1024;
    const isPacked = (t: TensorInfo): boolean => gl.store.tf.texData.get(gl.store.data(t.dataId, 'test').tf!).isPacked === true;
    expect([isPacked(tx), isPacked(td)]).toEqual([false, false]);
    const dw = gl.kernels.conv2dBackpropFilter(tx, td, info);
    expectNearReference(referenceFilter(info, x, dy), gl.readSync(dw.dataId), 'unpacked inputs');
    dispose(hx, hd, n1, n2, tx, td, dw);
  });

  for (const g of GEOMETRIES) {
    it(`input, ${g.name}: one program, within the bound of a float64 direct sum`, () => {
      const info = infoOf(g);
      const dy = values(
        info.outShape.reduce((a, b) => a * b),
        17,
      );
      const w = values(
        info.filterShape.reduce((a, b) => a * b),
        23,
      );
      const td = host(dy, info.outShape);
      const tw = host(w, info.filterShape);
      const first = gl.kernels.conv2dBackpropInput(td, tw, info); // uploads dy and the filter too
      const before = programs;
      const dx = gl.kernels.conv2dBackpropInput(td, tw, info);
      expect(programs - before, g.name).toBe(1);
      expect(dx.shape).toEqual(info.inShape);
      expectNearReference(referenceInput(info, dy, w), gl.readSync(dx.dataId), g.name);
      expect(gl.readSync(first.dataId)).toEqual(gl.readSync(dx.dataId));
      dispose(td, tw, first, dx);
    });
  }

  it('input drops terms outside dy: ∞ in the filter gives no NaN at the border; NaN in dy reaches the cells it touches', () => {
    const info = infoOf(GEOMETRIES[0]!);
    const dy = values(
      info.outShape.reduce((a, b) => a * b),
      31,
    );
    const w = values(
      info.filterShape.reduce((a, b) => a * b),
      37,
    );
    const [, OH, OW, OC] = info.outShape;
    const [, , C] = info.filterShape;
    w[0] = Number.POSITIVE_INFINITY; // tap (0, 0): outside dy for the last row and column of x
    w[((2 * 3 + 2) * C + 1) * OC + 2] = Number.NEGATIVE_INFINITY; // tap (2, 2): outside for the first row and column
    dy[((1 * OH + 2) * OW + 3) * OC + 4] = Number.NaN;
    const td = host(dy, info.outShape);
    const tw = host(w, info.filterShape);
    const dx = gl.kernels.conv2dBackpropInput(td, tw, info);
    expectNearReference(referenceInput(info, dy, w), gl.readSync(dx.dataId), 'non-finite');
    const { value } = referenceInput(info, dy, w);
    expect(value.some((v) => !Number.isFinite(v) && !Number.isNaN(v))).toBe(true);
    expect(value.some((v) => Number.isNaN(v))).toBe(true);
    expect(value.some((v) => Number.isFinite(v))).toBe(true);
    dispose(td, tw, dx);
  });

  for (const g of GEOMETRIES) {
    it(`forward, ${g.name}: one program, within the bound of a float64 direct sum`, () => {
      const info = infoOf(g);
      const x = values(
        info.inShape.reduce((a, b) => a * b),
        41,
      );
      const w = values(
        info.filterShape.reduce((a, b) => a * b),
        43,
      );
      const tx = host(x, info.inShape);
      const tw = host(w, info.filterShape);
      const first = gl.kernels.conv2d(tx, tw, info); // uploads x and the filter too
      const before = programs;
      const y = gl.kernels.conv2d(tx, tw, info);
      expect(programs - before, g.name).toBe(1);
      expect(y.shape).toEqual(info.outShape);
      expectNearReference(referenceForward(info, x, w, null), gl.readSync(y.dataId), g.name);
      expect(gl.readSync(first.dataId)).toEqual(gl.readSync(y.dataId));
      dispose(tx, tw, first, y);
    });
  }

  for (const act of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
    it(`fused, bias and ${act}: ${act === 'tanh' ? 'tanh after the program' : 'one program'}, within the bound of float64`, () => {
      const info = infoOf(GEOMETRIES[0]!);
      const x = values(
        info.inShape.reduce((a, b) => a * b),
        47,
      );
      const w = values(
        info.filterShape.reduce((a, b) => a * b),
        53,
      );
      const bias = values(info.outChannels, 59);
      const [tx, tw, tb] = [host(x, info.inShape), host(w, info.filterShape), host(bias, [info.outChannels])];
      const first = gl.kernels.fusedConv2d(tx, tw, tb, act, info);
      const before = programs;
      const y = gl.kernels.fusedConv2d(tx, tw, tb, act, info);
      // tanh: the program, then the unary kernel, flat on these 630 values (below the packed minimum): an unpack and tanh
      expect(programs - before, act).toBe(act === 'tanh' ? 3 : 1);
      const ref = referenceForward(info, x, w, bias);
      expectActivatedNear(act, ref, gl.readSync(y.dataId));
      dispose(tx, tw, tb, first, y);
    });
  }

  it('forward drops padding terms: ∞ in the filter gives no NaN at the border; NaN in x reaches the outputs it touches', () => {
    const info = infoOf(GEOMETRIES[0]!);
    const x = values(
      info.inShape.reduce((a, b) => a * b),
      61,
    );
    const w = values(
      info.filterShape.reduce((a, b) => a * b),
      67,
    );
    const [, H, W, C] = info.inShape;
    const OC = info.outChannels;
    w[2] = Number.POSITIVE_INFINITY; // tap (0, 0): padding for the first row and column of the output
    w[((2 * 3 + 2) * C + 1) * OC + 3] = Number.NEGATIVE_INFINITY; // tap (2, 2): padding for the last row and column
    x[((1 * H + 2) * W + 5) * C + 1] = Number.NaN;
    const tx = host(x, info.inShape);
    const tw = host(w, info.filterShape);
    const y = gl.kernels.conv2d(tx, tw, info);
    expectNearReference(referenceForward(info, x, w, null), gl.readSync(y.dataId), 'non-finite');
    const { value } = referenceForward(info, x, w, null);
    expect(value.some((v) => !Number.isFinite(v) && !Number.isNaN(v))).toBe(true);
    expect(value.some((v) => Number.isNaN(v))).toBe(true);
    expect(value.some((v) => Number.isFinite(v))).toBe(true);
    dispose(tx, tw, y);
  });
});
