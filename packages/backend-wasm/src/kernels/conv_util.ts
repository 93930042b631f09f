import type { Conv2DInfo } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';

/** Geometry of one XNNPACK convolution (explicit, non-negative padding): core's Conv2DInfo fields it takes. */
export type ConvGeometry = Pick<
  Conv2DInfo,
  'filterHeight' | 'filterWidth' | 'strideHeight' | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'padTop' | 'padBottom' | 'padLeft' | 'padRight'
>;

export function convOutSize(inSize: number, filter: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  const eff = (filter - 1) * dilation + 1;
  return Math.floor((inSize + padBefore + padAfter - eff) / stride) + 1;
}

/**
 * NHWC convolution by the tfjs wasm Conv2D kernel (XNNPACK): x [B, H, W, Ci],
 * filter [fh, fw, Ci, Co]. XNNPACK caches the operator, with the filter packed,
 * per filter buffer; it is released when that buffer is freed.
 */
export function xnnConv(rt: WasmRuntime, x: Tw, filter: Tw, g: ConvGeometry): Tw {
  const [batch, inH, inW, inC] = x.shape as [number, number, number, number];
  const outC = filter.shape[3]!;
  const outH = convOutSize(inH, g.filterHeight, g.strideHeight, g.dilationHeight, g.padTop, g.padBottom);
  const outW = convOutSize(inW, g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft, g.padRight);
  const out = rt.empty([batch, Math.max(outH, 0), Math.max(outW, 0), outC], 'float32');
  if (out.data.size === 0) return out;
  if (inC === 0) {
    rt.f32(out.data).fill(0);
    return out;
  }
  rt.m._Conv2D(
    x.data.id,
    batch,
    inH,
    inW,
    filter.data.id,
    g.filterHeight,
    g.filterWidth,
    g.padTop,
    g.padRight,
    g.padBottom,
    g.padLeft,
    0,
    g.dilationHeight,
    g.dilationWidth,
    g.strideHeight,
    g.strideWidth,
    inC,
    outC,
    out.data.id,
  );
  return out;
}
