import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { gemm, strided } from '../parallel/gemm.js';
import { col2im, isPointwise, unfoldOf, type Unfold } from '../util/im2col.js';
import { scratchF32, scratchF64 } from '../util/scratch.js';
import { unfoldInGroups } from './conv2d.js';
import { winogradBackpropInput } from './conv2d_winograd.js';

/**
 * dx for conv2d. 3×3 unit-stride windows over enough channels go through
 * Winograd (kernels/conv2d_winograd.ts). Otherwise, with unit strides it is itself a convolution: dy unfolded
 * through the flipped window times the filter rearranged to
 * [fh·fw·outC, inC] (tap (fy, fx) ↔ (fh−1−fy, fw−1−fx), in/out swapped), so dx
 * comes out of the GEMM directly, each element a float64 sum rounded once.
 * Strided convs use dcol = dy·filterᵀ then col2im (float64 scatter, rounded once).
 */
export function conv2dBackpropInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, outChannels: N } = info;
  const { filterHeight: fh, filterWidth: fw } = info;
  const P = outHeight * outWidth;
  const K = fh * fw * C;
  const imgSize = inHeight * inWidth * C;
  const out = new Float32Array(batchSize * imgSize);
  if (out.length === 0) return out;
  if (P === 0 || N === 0) return out; // nothing flows back
  const wino = winogradBackpropInput(dy, filter, info);
  if (wino) return wino;
  if (isPointwise(info)) {
    // dx [N·H·W, inC] = dy [N·H·W, outC] · filterᵀ
    gemm({ m: batchSize * P, n: C, k: N, a: strided(dy, 0, N, 1), b: strided(filter, 0, 1, N), out, oOff: 0, ldo: C });
    return out;
  }
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    // Flipped, transposed filter: wf[(fy', fx', o), c] = filter[fh-1-fy', fw-1-fx', c, o].
    const wf = scratchF32('conv2dBackpropInput.filter', fh * fw * N * C);
    for (let fy = 0; fy < fh; fy++) {
      for (let fx = 0; fx < fw; fx++) {
        const src = ((fh - 1 - fy) * fw + (fw - 1 - fx)) * C * N;
        const dst = (fy * fw + fx) * N * C;
        for (let c = 0; c < C; c++) for (let o = 0; o < N; o++) wf[dst + o * C + c] = filter[src + c * N + o]!;
      }
    }
    const dh = info.dilationHeight;
    const dw = info.dilationWidth;
    // dx[iy] gathers dy[oy] with oy = iy + padTop − fy·dh; flipped tap fy' = fh−1−fy reads
    // oy = iy − (fh−1)·dh + padTop + fy'·dh, i.e. a window over dy with top pad (fh−1)·dh − padTop.
    const u: Unfold = {
      H: outHeight,
      W: outWidth,
      C: N,
      outH: inHeight,
      outW: inWidth,
      fh,
      fw,
      sh: 1,
      sw: 1,
      dh,
      dw,
      padTop: (fh - 1) * dh - info.padTop,
      padLeft: (fw - 1) * dw - info.padLeft,
    };
    const Pin = inHeight * inWidth;
    const Kf = fh * fw * N;
    unfoldInGroups(dy, P * N, batchSize, u, (col, b0, g) =>
      gemm({ m: g * Pin, n: C, k: Kf, a: strided(col, 0, Kf, 1), b: strided(wf, 0, C, 1), out, oOff: b0 * imgSize, ldo: C }),
    );
    return out;
  }
  const u = unfoldOf(info);
  const dcol = scratchF32('conv2d.col', P * K);
  const dx = scratchF64('conv2dBackpropInput.dx', imgSize);
  for (let b = 0; b < batchSize; b++) {
    // filter viewed as [K, outC]; its transpose is read with strides (row 1, column outC).
    gemm({ m: P, n: K, k: N, a: strided(dy, b * P * N, N, 1), b: strided(filter, 0, 1, N), out: dcol, oOff: 0, ldo: K });
    dx.fill(0);
    col2im(dcol, u, dx);
    out.set(dx, b * imgSize);
  }
  return out;
}

/** The contract-level kernel: storage in, storage out. */
export const conv2dBackpropInputKernel: KernelImpl<'conv2dBackpropInput', TsStore> = (s, dy, filter, info) =>
  s.output(conv2dBackpropInput(s.f32(dy, 'conv2dBackpropInput'), s.f32(filter, 'conv2dBackpropInput'), info), info.inShape);
