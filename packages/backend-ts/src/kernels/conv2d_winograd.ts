import type { Conv2DInfo } from '@polytensor/core';
import { runWinoFilter, runWinoForward } from '../parallel/winograd.js';
import { winoFilterGroups, winoFilterSize, winoFilterTransform, winoGroupSize, winoFilterFinish, type WinoShape } from '../util/winograd.js';
import { scratchF64 } from '../util/scratch.js';

/**
 * Channels below which the direct im2col GEMM stays: Winograd's transforms
 * cost per channel what a few channels of GEMM do, and a 1-channel input
 * (the first layer of an image model) would gain nothing.
 */
const MIN_CHANNELS = 8;

/**
 * True when no value is NaN or ±∞. Winograd mixes a whole 6×6 patch into
 * every output of its tile (and ∞ − ∞ is NaN), so one non-finite input would
 * spread to outputs whose window never reads it; such inputs take the direct
 * path, which keeps the definition's propagation. The scan costs ≈ 1 % of the
 * convolution.
 */
function allFinite(a: Float32Array): boolean {
  let bad = 0;
  for (let i = 0; i < a.length; i++) bad += a[i]! - a[i]!; // NaN for NaN and ±∞, else 0
  return bad === 0;
}

/** A 3×3, stride-1, undilated window with enough channels on both sides for Winograd F(4×4, 3×3) to pay. */
function winogradWindow(info: Conv2DInfo, inC: number, outC: number): boolean {
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    inC >= MIN_CHANNELS &&
    outC >= 4 &&
    info.outHeight > 0 &&
    info.outWidth > 0 &&
    info.batchSize > 0
  );
}

/** conv2d (and its fused bias + activation) through Winograd F(4×4, 3×3), or null where it does not apply. */
export function winogradConv2d(x: Float32Array, filter: Float32Array, info: Conv2DInfo, bias: Float32Array | null, act: number): Float32Array | null {
  const C = info.inChannels;
  const N = info.outChannels;
  if (!winogradWindow(info, C, N) || !allFinite(x) || !allFinite(filter)) return null;
  const s: WinoShape = {
    batch: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C,
    outH: info.outHeight,
    outW: info.outWidth,
    N,
    padTop: info.padTop,
    padLeft: info.padLeft,
  };
  const u = scratchF64('wino.u', winoFilterSize(C, N));
  winoFilterTransform(filter, 0, 3 * C * N, C * N, N, 1, C, N, u);
  const out = new Float32Array(info.batchSize * info.outHeight * info.outWidth * N);
  runWinoForward(x, s, u, out, bias, act);
  return out;
}

/**
 * conv2dBackpropInput for stride 1 through Winograd: dx is the convolution of
 * dy (padded by 2 − pad) with the filter flipped in space and with its in/out
 * channels swapped, which are just the strides the filter transform reads with.
 */
export function winogradBackpropInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo): Float32Array | null {
  const C = info.inChannels;
  const N = info.outChannels;
  if (!winogradWindow(info, N, C) || !allFinite(dy) || !allFinite(filter)) return null;
  const s: WinoShape = {
    batch: info.batchSize,
    H: info.outHeight,
    W: info.outWidth,
    C: N,
    outH: info.inHeight,
    outW: info.inWidth,
    N: C,
    padTop: 2 - info.padTop,
    padLeft: 2 - info.padLeft,
  };
  const u = scratchF64('wino.u', winoFilterSize(N, C));
  // Tap (fy, fx) of pair (o, c) is filter[2 − fy, 2 − fx, c, o].
  winoFilterTransform(filter, 8 * C * N, -3 * C * N, -C * N, 1, N, N, C, u);
  const out = new Float32Array(info.batchSize * info.inHeight * info.inWidth * C);
  runWinoForward(dy, s, u, out, null, 0);
  return out;
}

/** conv2dBackpropFilter through Winograd's adjoint, or null where it does not apply. */
export function winogradBackpropFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array | null {
  const C = info.inChannels;
  const N = info.outChannels;
  if (!winogradWindow(info, C, N) || !allFinite(x) || !allFinite(dy)) return null;
  const s: WinoShape = {
    batch: info.batchSize,
    H: info.inHeight,
    W: info.inWidth,
    C,
    outH: info.outHeight,
    outW: info.outWidth,
    N,
    padTop: info.padTop,
    padLeft: info.padLeft,
  };
  const groups = winoFilterGroups(s);
  const out = new Float32Array(9 * C * N);
  const acc = runWinoFilter(x, dy, s, groups, winoGroupSize(C, N));
  winoFilterFinish(acc, 0, groups, C, N, out);
  return out;
}
