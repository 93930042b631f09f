import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { gemm, operandBuffer, strided } from '../parallel/gemm.js';
import { ACT_LINEAR } from '../util/gemm.js';
import { ACT_CODES } from './fused_mat_mul.js';
import { im2col, isPointwise, type Unfold, unfoldOf } from '../util/im2col.js';
import { winogradConv2d } from './conv2d_winograd.js';

/** Unfolded rows handled per GEMM call are capped so the column buffer stays a few MiB. */
const COL_BUDGET = 1 << 20;

/**
 * Unfold the `batch` images of `x` (`imgStride` elements apart) through `u` in
 * groups of consecutive images whose unfolded rows fit COL_BUDGET, and hand
 * each group's [g·P, K] column matrix to `gemmGroup(col, b0, g)` (images
 * b0 … b0+g−1; P output pixels and K = fh·fw·C taps per image).
 */
export function unfoldInGroups(
  x: Float32Array,
  imgStride: number,
  batch: number,
  u: Unfold,
  gemmGroup: (col: Float32Array, b0: number, g: number) => void,
): void {
  const P = u.outH * u.outW;
  const K = u.fh * u.fw * u.C;
  const group = Math.max(1, Math.min(batch, Math.floor(COL_BUDGET / Math.max(1, P * K))));
  const col = operandBuffer('conv2d.col', group * P * K);
  for (let b0 = 0; b0 < batch; b0 += group) {
    const g = Math.min(group, batch - b0);
    for (let t = 0; t < g; t++) im2col(x, (b0 + t) * imgStride, u, t === 0 ? col : col.subarray(t * P * K));
    gemmGroup(col, b0, g);
  }
}

/**
 * NHWC conv with an HWIO filter: 3×3 stride-1 windows over enough channels
 * through Winograd F(4×4, 3×3) (kernels/conv2d_winograd.ts), the rest as GEMM over unfolded images, with an optional
 * fused bias and activation applied to the float64 sums before the single
 * rounding: out [G·P, outC] = act(im2col(x_b..b+G) [G·P, fh·fw·inC] · filter + bias).
 * Several small images share one GEMM call; a 1×1 stride-1 unpadded conv reads
 * x directly as the [N·H·W, inC] matrix.
 */
export function conv2d(x: Float32Array, filter: Float32Array, info: Conv2DInfo, bias: Float32Array | null = null, act = ACT_LINEAR): Float32Array {
  const wino = winogradConv2d(x, filter, info, bias, act);
  if (wino) return wino;
  const { batchSize, outHeight, outWidth, outChannels: N } = info;
  const P = outHeight * outWidth;
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const out = new Float32Array(batchSize * P * N);
  if (out.length === 0) return out;
  if (isPointwise(info)) {
    gemm({ m: batchSize * P, n: N, k: K, a: strided(x, 0, K, 1), b: strided(filter, 0, N, 1), out, oOff: 0, ldo: N, bias, act });
    return out;
  }
  const imgSize = info.inHeight * info.inWidth * info.inChannels;
  unfoldInGroups(x, imgSize, batchSize, unfoldOf(info), (col, b0, g) =>
    gemm({ m: g * P, n: N, k: K, a: strided(col, 0, K, 1), b: strided(filter, 0, N, 1), out, oOff: b0 * P * N, ldo: N, bias, act }),
  );
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const conv2dKernel: KernelImpl<'conv2d', TsStore> = (s, x, filter, info) =>
  s.output(conv2d(s.f32(x, 'conv2d'), s.f32(filter, 'conv2d'), info), info.outShape);

export const fusedConv2dKernel: KernelImpl<'fusedConv2d', TsStore> = (s, x, filter, bias, activation, info) => {
  const op = 'fusedConv2d';
  let biasValues = bias ? s.f32(bias, op) : null;
  if (biasValues && biasValues.length === 1 && info.outChannels !== 1) biasValues = new Float32Array(info.outChannels).fill(biasValues[0]!);
  return s.output(conv2d(s.f32(x, op), s.f32(filter, op), info, biasValues, ACT_CODES[activation]), info.outShape);
};
