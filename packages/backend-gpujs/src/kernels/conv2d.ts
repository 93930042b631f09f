import { sizeOfShape, type Conv2DInfo, type FusedActivation, type TensorInfo, type KernelImpl } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { readInput, splitTap, tapNative } from './conv_taps.js';
import { windowUniforms, type WindowUniform } from './window.js';
import { epilogueOnly, evenRows, kTexels, multiplyAndUnpack22, packRows, runPacker, type Packed } from '../util/gemm.js';

/** The uniforms every convolution packer reads: input geometry, strides, dilations, padding. */
export function convParams(info: Conv2DInfo): Array<readonly [Exclude<WindowUniform, 'FH'>, 'float', number]> {
  return windowUniforms(info, ['H', 'W', 'C', 'OH', 'OW', 'FW', 'SH', 'SW', 'DH', 'DW', 'PT', 'PL'] as const).map(([n, v]) => [n, 'float', v] as const);
}

/**
 * im2col, packed for the product engine: row = (b, oh, ow), k = (fh, fw, ci),
 * value x[b, oh·sh − pt + fh·dh, ow·sw − pl + fw·dw, ci] (0 in the padding).
 * Rows are padded to even (evenRows) for the 2×2 product; the padding row's
 * values only reach output rows the epilogue never reads.
 */
export function packIm2col(s: GpujsStore, x: TensorInfo, info: Conv2DInfo): Packed {
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const setup = `const ow = row - qdiv(row, OW) * OW;
const t = qdiv(row, OW);
const oh = t - qdiv(t, OH) * OH;
const b = qdiv(t, OH);
const k0 = q * 4.0;`;
  const lane = (j: number): string => `tap(x, k0 + ${j}.0, K, b, oh * SH - PT, ow * SW - PL, H, W, C, FW, DH, DW)`;
  return runPacker(s, 'im2col', kTexels(k), evenRows(rows), [['x', 'tex', s.tex(x)], ['K', 'float', k], ...convParams(info)], setup, lane, [TAP_NATIVE]);
}

/**
 * GLSL: the input value at filter tap k = (fh, fw, ci) for an output pixel whose
 * window starts at (ih0, iw0); 0 outside the image or past K.
 */
export const TAP_NATIVE = tapNative('tap', 'x:tex k K b ih0 iw0 H W C FW DH DW', [splitTap('ci', 'C'), readInput('ih0', 'iw0')]);

/** act(conv2d(x, filter) + bias) as im2col · filter[K, Co] through the 2×2 product engine (util/gemm.ts). */
export function convForward(s: GpujsStore, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo, bias: TensorInfo | null, act: FusedActivation): TensorInfo {
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const n = info.outChannels;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  if (rows * n === 0) return s.outEmpty(info.outShape, 'float32');
  const biasSize = bias ? sizeOfShape(bias.shape) : 0;
  const biasArg = bias && biasSize > 0 ? { tex: s.tex(bias), size: biasSize } : null;
  if (k === 0) {
    const zeros = s.fill(rows * n, 0);
    const out = epilogueOnly(s, zeros, rows, n, biasArg ? bias : null, act);
    zeros.delete();
    return s.outTex(out, info.outShape, 'float32');
  }
  const pa = packIm2col(s, x, info);
  // filterᵀ: [Co, K], each output channel's taps packed along k
  const pb = packRows(s, { tex: s.tex(filter), sb: 0, sr: 1, sc: n }, 1, n, k);
  return s.outTex(multiplyAndUnpack22(s, pa, pb, rows, k, n, biasArg, act), info.outShape, 'float32');
}

/** NHWC conv2d with an HWIO filter: output `info.outShape`. */
export function conv2d(s: GpujsStore, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
  return convForward(s, x, filter, info, null, 'linear');
}

/** The contract-level kernel. */
export const conv2dKernel: KernelImpl<'conv2d', GpujsStore> = conv2d;
