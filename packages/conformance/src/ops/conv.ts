/** Op cases: conv1d, depthwise/separable, conv2dTranspose, dilations, maxPoolWithArgmax, resize, 3-D convolution and pooling. */
import {
  type Conv2DInfo,
  computeConv2DInfo,
  avgPool3d,
  conv1d,
  conv3d,
  conv3dTranspose,
  dilation2d,
  maxPool3d,
  conv2dTranspose,
  depthwiseConv2d,
  image,
  maxPoolWithArgmax,
  type PaddingSpec,
  pool,
  separableConv2d,
} from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import { host, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { EXACT_SIGNED_ZERO, opCase, opGradient, relative, ulps } from './harness.js';
import { uniform, unrounded } from './inputs.js';

/** Uniform values with NaN, +Inf, −Inf and −0 at the given flat positions. */
const withSpecials = (shape: readonly number[], at: readonly number[]) => (r: Rng) => {
  const x = uniform(shape)(r);
  const special = [Number.NaN, Infinity, -Infinity, -0];
  at.forEach((p, i) => {
    (x.values as Float64Array)[p] = special[i % special.length]!;
  });
  return x;
};

/**
 * Sums of up to ~20 float32 products of inputs in [-2, 2]: the error of the
 * float32 sum (and of the backends' other summation orders) is ~terms·ε·Σ|term|
 * ≈ 20·6e-8·40 ≈ 5e-5 at worst, far less on these shapes: measured ≤ 2e-7 on ts (bound 10x that).
 */
const CONV = relative(1e-6, 2e-6, 'float32 sums of ≤ 20 products in [-2, 2]: error ≲ terms·ε·Σ|term|');

/** Geometry of a conv with this input and filter shape (the reference's loops, core's shared rule for 'same'). */
const geometry = (x: readonly number[], f: readonly number[], strides: number | [number, number], pad: PaddingSpec, dilations: number | [number, number] = 1) =>
  computeConv2DInfo('reference', x, f, strides, pad, dilations);

/** Depthwise convolution in float64: out[b, oh, ow, c·M + m] = Σ_taps x[b, ih, iw, c]·f[fh, fw, c, m] over the taps inside the image. */
export function depthwiseReference(x: HostTensor, f: HostTensor, info: Conv2DInfo): HostTensor {
  const C = info.inChannels;
  const M = f.shape[3]!;
  const out = new Float64Array(info.batchSize * info.outHeight * info.outWidth * C * M);
  ref.forEachTap(info, (b, ih, iw, oh, ow, fh, fw) => {
    const xi = ((b * info.inHeight + ih) * info.inWidth + iw) * C;
    const oi = ((b * info.outHeight + oh) * info.outWidth + ow) * C * M;
    const fi = (fh * info.filterWidth + fw) * C * M;
    for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) out[oi + c * M + m] = out[oi + c * M + m]! + x.values[xi + c]! * f.values[fi + c * M + m]!;
  });
  return unrounded([info.batchSize, info.outHeight, info.outWidth, C * M], out);
}

function depthwiseRef(
  x: HostTensor,
  f: HostTensor,
  strides: number | [number, number],
  pad: PaddingSpec,
  dilations: number | [number, number] = 1,
): HostTensor {
  return depthwiseReference(x, f, geometry(x.shape, [f.shape[0]!, f.shape[1]!, f.shape[2]!, 1], strides, pad, dilations));
}

function separableRef(
  x: HostTensor,
  dw: HostTensor,
  pw: HostTensor,
  strides: number | [number, number],
  pad: PaddingSpec,
  dilations: number | [number, number] = 1,
) {
  const d = depthwiseRef(x, dw, strides, pad, dilations);
  return ref.conv2d(d, pw, geometry(d.shape, pw.shape, 1, 'valid')).out;
}

/** conv2dTranspose in float64: the input-gradient of the conv2d from outputShape to x's shape. */
function transposeRef(x: HostTensor, f: HostTensor, outputShape: readonly number[], strides: number | [number, number], pad: PaddingSpec): HostTensor {
  return ref.conv2dBackpropInput(x, f, geometry(outputShape, f.shape, strides, pad)).out;
}

const depthwiseCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'depthwiseConv2d',
    name: '3x3 same, multiplier 2',
    inputs: (r) => [uniform([1, 4, 5, 2])(r), uniform([3, 3, 2, 2])(r)],
    core: ([x, f]) => depthwiseConv2d(x!, f!, 1, 'same'),
    reference: ([x, f]) => depthwiseRef(x!, f!, 1, 'same'),
    judge: CONV,
  }),
  opCase({
    op: 'depthwiseConv2d',
    name: 'stride 2 valid, NaN ±Inf −0 in x stay in their channel',
    inputs: (r) => [withSpecials([1, 5, 5, 2], [6, 31, 44, 13])(r), uniform([2, 2, 2, 1])(r)],
    core: ([x, f]) => depthwiseConv2d(x!, f!, 2, 'valid'),
    reference: ([x, f]) => depthwiseRef(x!, f!, 2, 'valid'),
    judge: CONV,
  }),
  opCase({
    op: 'depthwiseConv2d',
    name: 'dilations [2,1], explicit padding',
    inputs: (r) => [uniform([1, 5, 4, 3])(r), uniform([2, 3, 3, 1])(r)],
    core: ([x, f]) =>
      depthwiseConv2d(
        x!,
        f!,
        1,
        [
          [1, 0],
          [0, 2],
        ],
        [2, 1],
      ),
    reference: ([x, f]) =>
      depthwiseRef(
        x!,
        f!,
        1,
        [
          [1, 0],
          [0, 2],
        ],
        [2, 1],
      ),
    judge: CONV,
  }),
  opCase({
    op: 'depthwiseConv2d',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 3, 3, 2])(r), uniform([2, 2, 2, 3])(r)],
    core: ([x, f]) => depthwiseConv2d(x!, f!, 1, 'same'),
    reference: ([x, f]) => depthwiseRef(x!, f!, 1, 'same'),
    judge: CONV,
  }),
  opGradient({
    op: 'depthwiseConv2d',
    name: 'x and filter, stride 2 same',
    inputs: (r) => [uniform([1, 4, 3, 2])(r), uniform([2, 2, 2, 2])(r)],
    core: ([x, f]) => depthwiseConv2d(x!, f!, 2, 'same'),
    reference: ([x, f]) => depthwiseRef(x!, f!, 2, 'same'),
  }),
  opGradient({
    op: 'depthwiseConv2d',
    name: 'x and filter, dilation 2 same',
    inputs: (r) => [uniform([1, 4, 4, 1])(r), uniform([2, 2, 1, 2])(r)],
    core: ([x, f]) => depthwiseConv2d(x!, f!, 1, 'same', 2),
    reference: ([x, f]) => depthwiseRef(x!, f!, 1, 'same', 2),
  }),
];

const separableCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'separableConv2d',
    name: '3x3 same, multiplier 2, 3 out channels',
    inputs: (r) => [uniform([1, 4, 4, 2])(r), uniform([3, 3, 2, 2])(r), uniform([1, 1, 4, 3])(r)],
    core: ([x, d, p]) => separableConv2d(x!, d!, p!, 1, 'same'),
    reference: ([x, d, p]) => separableRef(x!, d!, p!, 1, 'same'),
    judge: CONV,
  }),
  opCase({
    op: 'separableConv2d',
    name: 'dilation 2 valid, NaN ±Inf in x',
    inputs: (r) => [withSpecials([1, 5, 5, 1], [0, 12, 24])(r), uniform([2, 2, 1, 1])(r), uniform([1, 1, 1, 2])(r)],
    core: ([x, d, p]) => separableConv2d(x!, d!, p!, 1, 'valid', 2),
    reference: ([x, d, p]) => separableRef(x!, d!, p!, 1, 'valid', 2),
    judge: CONV,
  }),
  opCase({
    op: 'separableConv2d',
    name: 'empty batch, stride 2',
    inputs: (r) => [uniform([0, 4, 4, 2])(r), uniform([2, 2, 2, 1])(r), uniform([1, 1, 2, 2])(r)],
    core: ([x, d, p]) => separableConv2d(x!, d!, p!, 2, 'same'),
    reference: ([x, d, p]) => separableRef(x!, d!, p!, 2, 'same'),
    judge: CONV,
  }),
  opGradient({
    op: 'separableConv2d',
    name: 'x, depthwise and pointwise filters, stride 2',
    inputs: (r) => [uniform([1, 4, 3, 2])(r), uniform([2, 2, 2, 1])(r), uniform([1, 1, 2, 3])(r)],
    core: ([x, d, p]) => separableConv2d(x!, d!, p!, 2, 'same'),
    reference: ([x, d, p]) => separableRef(x!, d!, p!, 2, 'same'),
  }),
  opGradient({
    op: 'separableConv2d',
    name: 'dilations [1,2] valid',
    inputs: (r) => [uniform([1, 3, 5, 1])(r), uniform([2, 2, 1, 2])(r), uniform([1, 1, 2, 2])(r)],
    core: ([x, d, p]) => separableConv2d(x!, d!, p!, 1, 'valid', [1, 2]),
    reference: ([x, d, p]) => separableRef(x!, d!, p!, 1, 'valid', [1, 2]),
  }),
];

const transposeCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'conv2dTranspose',
    name: 'stride 2 same, 3x3 filter, to [1,6,5,2]',
    inputs: (r) => [uniform([1, 3, 3, 3])(r), uniform([3, 3, 2, 3])(r)],
    core: ([x, f]) => conv2dTranspose(x!, f!, [1, 6, 5, 2], 2, 'same'),
    reference: ([x, f]) => transposeRef(x!, f!, [1, 6, 5, 2], 2, 'same'),
    judge: CONV,
  }),
  opCase({
    op: 'conv2dTranspose',
    name: 'stride 1 valid, NaN ±Inf −0 in x',
    inputs: (r) => [withSpecials([2, 3, 3, 1], [4, 9, 17, 2])(r), uniform([2, 2, 2, 1])(r)],
    core: ([x, f]) => conv2dTranspose(x!, f!, [2, 4, 4, 2], 1, 'valid'),
    reference: ([x, f]) => transposeRef(x!, f!, [2, 4, 4, 2], 1, 'valid'),
    judge: CONV,
  }),
  opCase({
    op: 'conv2dTranspose',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 2, 2, 2])(r), uniform([2, 2, 1, 2])(r)],
    core: ([x, f]) => conv2dTranspose(x!, f!, [0, 4, 4, 1], 2, 'same'),
    reference: ([x, f]) => transposeRef(x!, f!, [0, 4, 4, 1], 2, 'same'),
    judge: CONV,
  }),
  opGradient({
    op: 'conv2dTranspose',
    name: 'x and filter, stride 2 same',
    inputs: (r) => [uniform([1, 2, 2, 2])(r), uniform([3, 3, 2, 2])(r)],
    core: ([x, f]) => conv2dTranspose(x!, f!, [1, 4, 3, 2], 2, 'same'),
    reference: ([x, f]) => transposeRef(x!, f!, [1, 4, 3, 2], 2, 'same'),
  }),
];

/** conv1d in float64: conv2d's reference on [batch, 1, width, C] (padding 'same', 'valid' or [left, right]). */
function conv1dRef(x: HostTensor, f: HostTensor, stride: number, pad: 'same' | 'valid' | [number, number], dilation: number): HostTensor {
  const rank2 = x.shape.length === 2;
  const [b, w, c] = rank2 ? [1, x.shape[0]!, x.shape[1]!] : [x.shape[0]!, x.shape[1]!, x.shape[2]!];
  const [fw, , o] = f.shape as [number, number, number];
  const pad2: PaddingSpec = typeof pad === 'string' ? pad : [[0, 0], pad];
  const info = geometry([b, 1, w, c], [1, fw, c, o], [1, stride], pad2, [1, dilation]);
  const y = ref.conv2d({ ...x, shape: [b, 1, w, c] }, { ...f, shape: [1, fw, c, o] }, info).out;
  return { ...y, shape: rank2 ? [info.outWidth, o] : [b, info.outWidth, o] };
}

const conv1dCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'conv1d',
    name: 'stride 2 same',
    inputs: (r) => [uniform([2, 7, 2])(r), uniform([3, 2, 3])(r)],
    core: ([x, f]) => conv1d(x!, f!, 2, 'same'),
    reference: ([x, f]) => conv1dRef(x!, f!, 2, 'same', 1),
    judge: CONV,
  }),
  opCase({
    op: 'conv1d',
    name: 'rank 2, dilation 2, causal pad [4,0], NaN ±Inf −0',
    inputs: (r) => [withSpecials([8, 2], [1, 6, 11, 14])(r), uniform([3, 2, 2])(r)],
    core: ([x, f]) => conv1d(x!, f!, 1, [4, 0], 'NWC', 2),
    reference: ([x, f]) => conv1dRef(x!, f!, 1, [4, 0], 2),
    judge: CONV,
  }),
  opCase({
    op: 'conv1d',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 5, 2])(r), uniform([2, 2, 1])(r)],
    core: ([x, f]) => conv1d(x!, f!, 1, 'valid'),
    reference: ([x, f]) => conv1dRef(x!, f!, 1, 'valid', 1),
    judge: CONV,
  }),
  opGradient({
    op: 'conv1d',
    name: 'x and filter, dilation 2 same',
    inputs: (r) => [uniform([1, 6, 2])(r), uniform([3, 2, 2])(r)],
    core: ([x, f]) => conv1d(x!, f!, 1, 'same', 2),
    reference: ([x, f]) => conv1dRef(x!, f!, 1, 'same', 2),
  }),
  opGradient({
    op: 'conv1d',
    name: 'x and filter, stride 2 valid',
    inputs: (r) => [uniform([2, 7, 1])(r), uniform([3, 1, 2])(r)],
    core: ([x, f]) => conv1d(x!, f!, 2, 'valid'),
    reference: ([x, f]) => conv1dRef(x!, f!, 2, 'valid', 1),
  }),
];

/**
 * tfjs' pool in float64, written from its definition: each output's window
 * taps (oh·s − padTop + i·d, ow·s − padLeft + j·d). Without dilation a tap in
 * the padding is skipped (maxPool/avgPool); with dilation it is a zero that
 * counts (TensorFlow pools the space-to-batch of the zero-padded input).
 */
function poolRef(x: HostTensor, window: number, type: 'max' | 'avg', pad: 'same' | 'valid', dilation: number, stride: number): HostTensor {
  const rank3 = x.shape.length === 3;
  const [b, h, w, c] = (rank3 ? [1, ...x.shape] : x.shape) as [number, number, number, number];
  const eff = (window - 1) * dilation + 1;
  const outOf = (n: number) => (pad === 'same' ? Math.ceil(n / stride) : Math.floor((n - eff) / stride) + 1);
  const [oh, ow] = [outOf(h), outOf(w)];
  const padBefore = (n: number, o: number) => (pad === 'same' ? Math.floor(Math.max(0, (o - 1) * stride + eff - n) / 2) : 0);
  const [pt, pl] = [padBefore(h, oh), padBefore(w, ow)];
  const out = new Float64Array(b * oh * ow * c);
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let ch = 0; ch < c; ch++) {
          let acc = type === 'max' ? -Infinity : 0;
          let count = 0;
          for (let p = 0; p < window; p++) {
            for (let q = 0; q < window; q++) {
              const [y, z] = [i * stride - pt + p * dilation, j * stride - pl + q * dilation];
              const inside = y >= 0 && y < h && z >= 0 && z < w;
              if (!inside && dilation === 1) continue;
              const v = inside ? x.values[((n * h + y) * w + z) * c + ch]! : 0;
              count++;
              if (type === 'avg') acc += v;
              else if (Number.isNaN(v) || Number.isNaN(acc)) acc = Number.NaN;
              else acc = Math.max(acc, v);
            }
          }
          out[((n * oh + i) * ow + j) * c + ch] = type === 'avg' ? acc / count : acc;
        }
      }
    }
  }
  return unrounded(rank3 ? [oh, ow, c] : [b, oh, ow, c], out);
}

const poolCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'pool',
    name: 'max, dilation 2, same (zero padding counts)',
    inputs: (r) => [uniform([1, 5, 6, 2])(r)],
    core: ([x]) => pool(x!, 2, 'max', 'same', 2),
    reference: ([x]) => poolRef(x!, 2, 'max', 'same', 2, 1),
  }),
  opCase({
    op: 'pool',
    name: 'avg, dilation 2, valid, NaN ±Inf −0',
    inputs: (r) => [withSpecials([2, 5, 5, 1], [0, 12, 31, 44])(r)],
    core: ([x]) => pool(x!, 2, 'avg', 'valid', 2),
    reference: ([x]) => poolRef(x!, 2, 'avg', 'valid', 2, 1),
    judge: relative(4e-7, 1e-7, 'mean of 4 float32 values: a few roundings of sums ≤ 8'),
  }),
  opCase({
    op: 'pool',
    name: 'max, NaN ±Inf −0, dilation 2, rank 3',
    inputs: (r) => [withSpecials([4, 5, 2], [3, 16, 22, 37])(r)],
    core: ([x]) => pool(x!, 2, 'max', 'valid', 2),
    reference: ([x]) => poolRef(x!, 2, 'max', 'valid', 2, 1),
  }),
  opCase({
    op: 'pool',
    name: 'avg, stride 2 same (maxPool/avgPool underneath), rank 3',
    inputs: (r) => [uniform([5, 4, 2])(r)],
    core: ([x]) => pool(x!, 3, 'avg', 'same', 1, 2),
    reference: ([x]) => poolRef(x!, 3, 'avg', 'same', 1, 2),
    judge: relative(4e-7, 1e-7, 'mean of ≤ 9 float32 values: a few roundings of sums ≤ 18'),
  }),
  opCase({
    op: 'pool',
    name: 'empty batch, dilation 2',
    inputs: (r) => [uniform([0, 4, 4, 2])(r)],
    core: ([x]) => pool(x!, 2, 'max', 'same', 2),
    reference: ([x]) => poolRef(x!, 2, 'max', 'same', 2, 1),
  }),
  opGradient({
    op: 'pool',
    name: 'max, dilation 2, same',
    inputs: (r) => [uniform([1, 4, 5, 1])(r)],
    core: ([x]) => pool(x!, 2, 'max', 'same', 2),
    reference: ([x]) => poolRef(x!, 2, 'max', 'same', 2, 1),
  }),
  opGradient({
    op: 'pool',
    name: 'avg, dilation 2, same',
    inputs: (r) => [uniform([1, 4, 3, 2])(r)],
    core: ([x]) => pool(x!, 2, 'avg', 'same', 2),
    reference: ([x]) => poolRef(x!, 2, 'avg', 'same', 2, 1),
  }),
];

/**
 * maxPoolWithArgmax in float64: each window's real cells in row-major order,
 * the first maximum (or the first NaN) chosen; its index TensorFlow's
 * (y·W + x)·C + c, plus b·H·W·C with includeBatchInIndex.
 */
function argmaxPoolRef(x: HostTensor, window: number, stride: number, pad: 'same' | 'valid', includeBatch: boolean): HostTensor[] {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const info = geometry(x.shape, [window, window, c, c], stride, pad);
  const { outHeight: oh, outWidth: ow } = info;
  const result = new Float64Array(b * oh * ow * c);
  const indexes = new Float64Array(b * oh * ow * c);
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let ch = 0; ch < c; ch++) {
          let best = Number.NaN;
          let at = -1;
          for (let p = 0; p < window; p++) {
            for (let q = 0; q < window; q++) {
              const y = i * stride - info.padTop + p;
              const z = j * stride - info.padLeft + q;
              if (y < 0 || y >= h || z < 0 || z >= w) continue;
              const v = x.values[((n * h + y) * w + z) * c + ch]!;
              if (at < 0 || (Number.isNaN(v) && !Number.isNaN(best)) || v > best) {
                best = v;
                at = ((includeBatch ? n * h : 0) + y) * w * c + z * c + ch;
              }
            }
          }
          const o = ((n * oh + i) * ow + j) * c + ch;
          result[o] = best;
          indexes[o] = at;
        }
      }
    }
  }
  return [unrounded([b, oh, ow, c], result), host([b, oh, ow, c], indexes, 'int32')];
}

/** Small integers: windows hold ties, which go to the first element. */
const ties = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q) => q.int(-2, 3)),
  );

const argmaxCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'maxPoolWithArgmax',
    name: '3x3 stride 2 same, ties, batch in index',
    inputs: (r) => [ties([2, 5, 3, 2])(r)],
    core: ([x]) => {
      const { result, indexes } = maxPoolWithArgmax(x!, 3, 2, 'same', true);
      return [result, indexes];
    },
    reference: ([x]) => argmaxPoolRef(x!, 3, 2, 'same', true),
  }),
  opCase({
    op: 'maxPoolWithArgmax',
    name: '2x2 stride 1 valid, NaN ±Inf, batch not in index',
    inputs: (r) => [withSpecials([2, 3, 4, 1], [5, 14, 19, 3])(r)],
    core: ([x]) => {
      const { result, indexes } = maxPoolWithArgmax(x!, 2, 1, 'valid');
      return [result, indexes];
    },
    reference: ([x]) => argmaxPoolRef(x!, 2, 1, 'valid', false),
  }),
  opCase({
    op: 'maxPoolWithArgmax',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 4, 4, 2])(r)],
    core: ([x]) => {
      const { result, indexes } = maxPoolWithArgmax(x!, 2, 2, 'valid');
      return [result, indexes];
    },
    reference: ([x]) => argmaxPoolRef(x!, 2, 2, 'valid', false),
  }),
  opGradient({
    op: 'maxPoolWithArgmax',
    name: 'result, 2x2 stride 1 same',
    inputs: (r) => [uniform([1, 4, 4, 2])(r)],
    core: ([x]) => {
      const { result, indexes } = maxPoolWithArgmax(x!, 2, 1, 'same');
      indexes.dispose();
      return result;
    },
    reference: ([x]) => argmaxPoolRef(x!, 2, 1, 'same', false)[0]!,
  }),
];

/** TensorFlow's (and tfjs') source coordinate ratio of one axis. */
const resizeRatio = (inSize: number, outSize: number, alignCorners: boolean) => (alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize);

/** Resize in float64, written from TensorFlow's kernels: bilinear (lerp along width, then height) or nearest. */
function resizeRef(x: HostTensor, size: [number, number], mode: 'bilinear' | 'nearest', alignCorners: boolean, halfPixel: boolean): HostTensor {
  const rank3 = x.shape.length === 3;
  const [b, h, w, c] = (rank3 ? [1, ...x.shape] : x.shape) as [number, number, number, number];
  const [nh, nw] = size;
  const [rh, rw] = [resizeRatio(h, nh, alignCorners), resizeRatio(w, nw, alignCorners)];
  const out = new Float64Array(b * nh * nw * c);
  const px = (n: number, y: number, z: number, ch: number) => x.values[((n * h + y) * w + z) * c + ch]!;
  const nearest = (o: number, r: number, size: number) => {
    const src = halfPixel ? r * (o + 0.5) : r * o;
    const i = Math.min(size - 1, alignCorners ? Math.round(src) : Math.floor(src));
    return halfPixel ? Math.max(0, i) : i;
  };
  const linear = (o: number, r: number, size: number) => {
    const src = halfPixel ? r * (o + 0.5) - 0.5 : r * o;
    const lo = Math.max(0, Math.floor(src));
    return [lo, Math.min(size - 1, Math.ceil(src)), src - lo] as const;
  };
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < nh; i++) {
      for (let j = 0; j < nw; j++) {
        for (let ch = 0; ch < c; ch++) {
          let v: number;
          if (mode === 'nearest') v = px(n, nearest(i, rh, h), nearest(j, rw, w), ch);
          else {
            const [top, bottom, fy] = linear(i, rh, h);
            const [left, right, fx] = linear(j, rw, w);
            const t = px(n, top, left, ch) + (px(n, top, right, ch) - px(n, top, left, ch)) * fx;
            const btm = px(n, bottom, left, ch) + (px(n, bottom, right, ch) - px(n, bottom, left, ch)) * fx;
            v = t + (btm - t) * fy;
          }
          out[((n * nh + i) * nw + j) * c + ch] = v;
        }
      }
    }
  }
  const shape = rank3 ? [nh, nw, c] : [b, nh, nw, c];
  return x.dtype === 'int32' ? host(shape, out, 'int32') : unrounded(shape, out);
}

/**
 * Bilinear: three lerps a + (b − a)·f, each of three float32 roundings, of
 * values in [-2, 2] with weights rounded to float32: |error| ≲ 10 ulps of 4 ≈ 5e-6
 * at worst; measured ≤ 5e-7 on ts.
 */
const BILINEAR = relative(1e-6, 2e-6, 'three float32 lerps of values in [-2, 2], float32 weights');

const resizeCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'resizeBilinear',
    name: 'upscale [3,4] to [5,7]',
    inputs: (r) => [uniform([1, 3, 4, 2])(r)],
    core: ([x]) => image.resizeBilinear(x!, [5, 7]),
    reference: ([x]) => resizeRef(x!, [5, 7], 'bilinear', false, false),
    judge: BILINEAR,
  }),
  opCase({
    op: 'resizeBilinear',
    name: 'alignCorners, downscale [5,6] to [3,4]',
    inputs: (r) => [uniform([2, 5, 6, 1])(r)],
    core: ([x]) => x!.resizeBilinear([3, 4], true),
    reference: ([x]) => resizeRef(x!, [3, 4], 'bilinear', true, false),
    judge: BILINEAR,
  }),
  opCase({
    op: 'resizeBilinear',
    name: 'halfPixelCenters, rank 3, NaN ±Inf −0',
    inputs: (r) => [withSpecials([4, 4, 1], [5, 10, 12, 3])(r)],
    core: ([x]) => image.resizeBilinear(x!, [6, 3], false, true),
    reference: ([x]) => resizeRef(x!, [6, 3], 'bilinear', false, true),
    judge: BILINEAR,
  }),
  opCase({
    op: 'resizeBilinear',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 3, 3, 2])(r)],
    core: ([x]) => image.resizeBilinear(x!, [4, 5]),
    reference: ([x]) => resizeRef(x!, [4, 5], 'bilinear', false, false),
    judge: BILINEAR,
  }),
  opGradient({
    op: 'resizeBilinear',
    name: 'halfPixelCenters [3,3] to [5,4]',
    inputs: (r) => [uniform([1, 3, 3, 2])(r)],
    core: ([x]) => image.resizeBilinear(x!, [5, 4], false, true),
    reference: ([x]) => resizeRef(x!, [5, 4], 'bilinear', false, true),
  }),
  opGradient({
    op: 'resizeBilinear',
    name: 'alignCorners [4,3] to [3,5]',
    inputs: (r) => [uniform([1, 4, 3, 1])(r)],
    core: ([x]) => image.resizeBilinear(x!, [3, 5], true),
    reference: ([x]) => resizeRef(x!, [3, 5], 'bilinear', true, false),
  }),
  opCase({
    op: 'resizeNearestNeighbor',
    name: 'upscale [3,4] to [5,7], NaN ±Inf −0',
    inputs: (r) => [withSpecials([1, 3, 4, 2], [0, 7, 13, 22])(r)],
    core: ([x]) => image.resizeNearestNeighbor(x!, [5, 7]),
    reference: ([x]) => resizeRef(x!, [5, 7], 'nearest', false, false),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'resizeNearestNeighbor',
    name: 'alignCorners, downscale [5,6] to [3,4]',
    inputs: (r) => [uniform([2, 5, 6, 1])(r)],
    core: ([x]) => x!.resizeNearestNeighbor([3, 4], true),
    reference: ([x]) => resizeRef(x!, [3, 4], 'nearest', true, false),
  }),
  opCase({
    op: 'resizeNearestNeighbor',
    name: 'halfPixelCenters, rank 3, int32',
    inputs: (r) => [
      host(
        [4, 5, 1],
        r.array(20, (q) => q.int(-100, 100)),
        'int32',
      ),
    ],
    core: ([x]) => image.resizeNearestNeighbor(x!, [7, 3], false, true),
    reference: ([x]) => resizeRef(x!, [7, 3], 'nearest', false, true),
  }),
  opGradient({
    op: 'resizeNearestNeighbor',
    name: 'halfPixelCenters [3,4] to [5,6]: pixels chosen twice sum',
    inputs: (r) => [uniform([1, 3, 4, 1])(r)],
    core: ([x]) => image.resizeNearestNeighbor(x!, [5, 6], false, true),
    reference: ([x]) => resizeRef(x!, [5, 6], 'nearest', false, true),
  }),
];

function flipRef(x: HostTensor): HostTensor {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const out = new Float64Array(x.values.length);
  for (let n = 0; n < b * h; n++)
    for (let z = 0; z < w; z++) for (let ch = 0; ch < c; ch++) out[(n * w + z) * c + ch] = x.values[(n * w + (w - 1 - z)) * c + ch]!;
  return { ...x, values: out };
}

const flipCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'flipLeftRight',
    name: 'NaN ±Inf −0',
    inputs: (r) => [withSpecials([2, 3, 4, 2], [1, 10, 20, 33])(r)],
    core: ([x]) => image.flipLeftRight(x!),
    reference: ([x]) => flipRef(x!),
    judge: EXACT_SIGNED_ZERO,
  }),
  opCase({
    op: 'flipLeftRight',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 2, 3, 1])(r)],
    core: ([x]) => image.flipLeftRight(x!),
    reference: ([x]) => flipRef(x!),
  }),
  opGradient({
    op: 'flipLeftRight',
    name: 'mirrored back',
    inputs: (r) => [uniform([1, 2, 5, 2])(r)],
    core: ([x]) => image.flipLeftRight(x!),
    reference: ([x]) => flipRef(x!),
  }),
];

type Triple = [number, number, number];

/** One axis of a TensorFlow window: output size and leading padding ('same': out = ceil(in / stride), the odd cell at the end). */
function axis(inSize: number, window: number, stride: number, dilation: number, pad: 'same' | 'valid' | number): [number, number] {
  const eff = (window - 1) * dilation + 1;
  if (pad === 'same') {
    const out = Math.ceil(inSize / stride);
    return [out, Math.floor(Math.max(0, (out - 1) * stride + eff - inSize) / 2)];
  }
  const p = pad === 'valid' ? 0 : pad;
  return [Math.floor((inSize + 2 * p - eff) / stride) + 1, p];
}

/** conv3d in float64 (NDHWC, filter [fd, fh, fw, C, O]): Σ over the taps inside the volume. */
function conv3dRef(x: HostTensor, f: HostTensor, strides: Triple, pad: 'same' | 'valid', dil: Triple): HostTensor {
  const rank4 = x.shape.length === 4;
  const [b, d, h, w, c] = (rank4 ? [1, ...x.shape] : x.shape) as [number, number, number, number, number];
  const [fd, fh, fw, , o] = f.shape as [number, number, number, number, number];
  const [[od, pd], [oh, ph], [ow, pw]] = [axis(d, fd, strides[0], dil[0], pad), axis(h, fh, strides[1], dil[1], pad), axis(w, fw, strides[2], dil[2], pad)];
  const out = new Float64Array(b * od * oh * ow * o);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < od; i++)
      for (let j = 0; j < oh; j++)
        for (let k = 0; k < ow; k++)
          for (let p = 0; p < fd; p++)
            for (let q = 0; q < fh; q++)
              for (let s = 0; s < fw; s++) {
                const [z, y, v] = [i * strides[0] - pd + p * dil[0], j * strides[1] - ph + q * dil[1], k * strides[2] - pw + s * dil[2]];
                if (z < 0 || z >= d || y < 0 || y >= h || v < 0 || v >= w) continue;
                for (let ci = 0; ci < c; ci++)
                  for (let co = 0; co < o; co++) {
                    const at = (((n * od + i) * oh + j) * ow + k) * o + co;
                    out[at] = out[at]! + x.values[(((n * d + z) * h + y) * w + v) * c + ci]! * f.values[(((p * fh + q) * fw + s) * c + ci) * o + co]!;
                  }
              }
  return unrounded(rank4 ? [od, oh, ow, o] : [b, od, oh, ow, o], out);
}

/** maxPool3d / avgPool3d in float64: the box's real cells; max takes NaN, or the first maximum; avg divides by the real count. */
function pool3dRef(x: HostTensor, type: 'max' | 'avg', size: Triple, strides: Triple, pad: 'same' | 'valid' | number): HostTensor {
  const rank4 = x.shape.length === 4;
  const [b, d, h, w, c] = (rank4 ? [1, ...x.shape] : x.shape) as [number, number, number, number, number];
  const [[od, pd], [oh, ph], [ow, pw]] = [axis(d, size[0], strides[0], 1, pad), axis(h, size[1], strides[1], 1, pad), axis(w, size[2], strides[2], 1, pad)];
  const out = new Float64Array(b * od * oh * ow * c);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < od; i++)
      for (let j = 0; j < oh; j++)
        for (let k = 0; k < ow; k++)
          for (let ch = 0; ch < c; ch++) {
            let acc = type === 'max' ? -Infinity : 0;
            let count = 0;
            for (let p = 0; p < size[0]; p++)
              for (let q = 0; q < size[1]; q++)
                for (let s = 0; s < size[2]; s++) {
                  const [z, y, v] = [i * strides[0] - pd + p, j * strides[1] - ph + q, k * strides[2] - pw + s];
                  if (z < 0 || z >= d || y < 0 || y >= h || v < 0 || v >= w) continue;
                  const val = x.values[(((n * d + z) * h + y) * w + v) * c + ch]!;
                  count++;
                  if (type === 'avg') acc += val;
                  else if (Number.isNaN(val) || Number.isNaN(acc)) acc = Number.NaN;
                  else if (val > acc) acc = val;
                }
            out[(((n * od + i) * oh + j) * ow + k) * c + ch] = type === 'avg' ? acc / count : acc;
          }
  return unrounded(rank4 ? [od, oh, ow, c] : [b, od, oh, ow, c], out);
}

/** dilation2d in float64, as TensorFlow's kernel: the largest x + filter over the taps inside the image, compared with `>` (a NaN sum never wins). */
function dilation2dRef(x: HostTensor, f: HostTensor, strides: [number, number], pad: 'same' | 'valid', dil: [number, number]): HostTensor {
  const rank3 = x.shape.length === 3;
  const [b, h, w, c] = (rank3 ? [1, ...x.shape] : x.shape) as [number, number, number, number];
  const [fh, fw] = f.shape as [number, number, number];
  const [[oh, ph], [ow, pw]] = [axis(h, fh, strides[0], dil[0], pad), axis(w, fw, strides[1], dil[1], pad)];
  const out = new Float64Array(b * oh * ow * c);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          for (let p = 0; p < fh; p++)
            for (let q = 0; q < fw; q++) {
              const [y, z] = [i * strides[0] - ph + p * dil[0], j * strides[1] - pw + q * dil[1]];
              if (y < 0 || y >= h || z < 0 || z >= w) continue;
              const v = x.values[((n * h + y) * w + z) * c + ch]! + f.values[(p * fw + q) * c + ch]!;
              if (v > best) best = v;
            }
          out[((n * oh + i) * ow + j) * c + ch] = best;
        }
  return unrounded(rank3 ? [oh, ow, c] : [b, oh, ow, c], out);
}

const conv3dCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'conv3d',
    name: '2x3x3 same, 2 out channels',
    inputs: (r) => [uniform([1, 3, 3, 4, 1])(r), uniform([2, 3, 3, 1, 2])(r)],
    core: ([x, f]) => conv3d(x!, f!, 1, 'same'),
    reference: ([x, f]) => conv3dRef(x!, f!, [1, 1, 1], 'same', [1, 1, 1]),
    judge: CONV,
  }),
  opCase({
    op: 'conv3d',
    name: 'strides [2,1,2] valid, NaN ±Inf −0 in x',
    inputs: (r) => [withSpecials([1, 5, 3, 4, 1], [7, 20, 33, 51])(r), uniform([2, 2, 2, 1, 1])(r)],
    core: ([x, f]) => conv3d(x!, f!, [2, 1, 2], 'valid'),
    reference: ([x, f]) => conv3dRef(x!, f!, [2, 1, 2], 'valid', [1, 1, 1]),
    judge: CONV,
  }),
  opCase({
    op: 'conv3d',
    name: 'dilation 2 same, rank 4 (no batch)',
    inputs: (r) => [uniform([4, 4, 3, 1])(r), uniform([2, 2, 2, 1, 2])(r)],
    core: ([x, f]) => conv3d(x!, f!, 1, 'same', 'NDHWC', 2),
    reference: ([x, f]) => conv3dRef(x!, f!, [1, 1, 1], 'same', [2, 2, 2]),
    judge: CONV,
  }),
  opCase({
    op: 'conv3d',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 3, 3, 3, 2])(r), uniform([2, 2, 2, 2, 1])(r)],
    core: ([x, f]) => conv3d(x!, f!, 1, 'valid'),
    reference: ([x, f]) => conv3dRef(x!, f!, [1, 1, 1], 'valid', [1, 1, 1]),
    judge: CONV,
  }),
  opGradient({
    op: 'conv3d',
    name: 'x and filter, strides [2,1,1] same',
    inputs: (r) => [uniform([1, 4, 3, 2, 1])(r), uniform([2, 2, 2, 1, 1])(r)],
    core: ([x, f]) => conv3d(x!, f!, [2, 1, 1], 'same'),
    reference: ([x, f]) => conv3dRef(x!, f!, [2, 1, 1], 'same', [1, 1, 1]),
  }),
  opGradient({
    op: 'conv3d',
    name: 'x and filter, dilations [2,1,1] valid',
    inputs: (r) => [uniform([1, 4, 2, 3, 1])(r), uniform([2, 2, 2, 1, 1])(r)],
    core: ([x, f]) => conv3d(x!, f!, 1, 'valid', 'NDHWC', [2, 1, 1]),
    reference: ([x, f]) => conv3dRef(x!, f!, [1, 1, 1], 'valid', [2, 1, 1]),
  }),
];

/** conv3dTranspose in float64: the input-gradient of the conv3d from outputShape to x's shape (filter [fd, fh, fw, O, I]). */
function conv3dTransposeRef(x: HostTensor, f: HostTensor, outputShape: readonly number[], strides: Triple, pad: 'same' | 'valid'): HostTensor {
  const rank4 = x.shape.length === 4;
  const [b, d, h, w, ci] = (rank4 ? [1, ...x.shape] : x.shape) as [number, number, number, number, number];
  const [, D, H, W, co] = (rank4 ? [1, ...outputShape] : outputShape) as [number, number, number, number, number];
  const [fd, fh, fw] = f.shape as [number, number, number];
  const [pd, ph, pw] = [axis(D, fd, strides[0], 1, pad)[1], axis(H, fh, strides[1], 1, pad)[1], axis(W, fw, strides[2], 1, pad)[1]];
  const out = new Float64Array(b * D * H * W * co);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < h; j++)
        for (let k = 0; k < w; k++)
          for (let p = 0; p < fd; p++)
            for (let q = 0; q < fh; q++)
              for (let s = 0; s < fw; s++) {
                const [z, y, v] = [i * strides[0] - pd + p, j * strides[1] - ph + q, k * strides[2] - pw + s];
                if (z < 0 || z >= D || y < 0 || y >= H || v < 0 || v >= W) continue;
                for (let c = 0; c < ci; c++)
                  for (let o = 0; o < co; o++) {
                    const at = (((n * D + z) * H + y) * W + v) * co + o;
                    out[at] = out[at]! + x.values[(((n * d + i) * h + j) * w + k) * ci + c]! * f.values[(((p * fh + q) * fw + s) * co + o) * ci + c]!;
                  }
              }
  return unrounded(rank4 ? [D, H, W, co] : [b, D, H, W, co], out);
}

const conv3dTransposeCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'conv3dTranspose',
    name: 'stride 2 same, 2 in channels',
    inputs: (r) => [uniform([1, 2, 2, 2, 2])(r), uniform([2, 2, 2, 1, 2])(r)],
    core: ([x, f]) => conv3dTranspose(x!, f!, [1, 4, 4, 3, 1], 2, 'same'),
    reference: ([x, f]) => conv3dTransposeRef(x!, f!, [1, 4, 4, 3, 1], [2, 2, 2], 'same'),
    judge: CONV,
  }),
  opCase({
    op: 'conv3dTranspose',
    name: 'stride 1 valid, NaN ±Inf −0 in x',
    inputs: (r) => [withSpecials([1, 2, 2, 3, 1], [1, 5, 8, 10])(r), uniform([2, 2, 2, 1, 1])(r)],
    core: ([x, f]) => conv3dTranspose(x!, f!, [1, 3, 3, 4, 1], 1, 'valid'),
    reference: ([x, f]) => conv3dTransposeRef(x!, f!, [1, 3, 3, 4, 1], [1, 1, 1], 'valid'),
    judge: CONV,
  }),
  opCase({
    op: 'conv3dTranspose',
    name: 'strides [2,1,1] same, rank 4',
    inputs: (r) => [uniform([2, 3, 2, 2])(r), uniform([3, 2, 2, 2, 2])(r)],
    core: ([x, f]) => conv3dTranspose(x!, f!, [3, 3, 2, 2], [2, 1, 1], 'same'),
    reference: ([x, f]) => conv3dTransposeRef(x!, f!, [3, 3, 2, 2], [2, 1, 1], 'same'),
    judge: CONV,
  }),
  opCase({
    op: 'conv3dTranspose',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 2, 2, 2, 1])(r), uniform([2, 2, 2, 1, 1])(r)],
    core: ([x, f]) => conv3dTranspose(x!, f!, [0, 3, 3, 3, 1], 1, 'valid'),
    reference: ([x, f]) => conv3dTransposeRef(x!, f!, [0, 3, 3, 3, 1], [1, 1, 1], 'valid'),
    judge: CONV,
  }),
  opGradient({
    op: 'conv3dTranspose',
    name: 'x and filter, strides [2,1,1] same',
    inputs: (r) => [uniform([1, 2, 3, 3, 1])(r), uniform([3, 2, 2, 1, 1])(r)],
    core: ([x, f]) => conv3dTranspose(x!, f!, [1, 4, 3, 3, 1], [2, 1, 1], 'same'),
    reference: ([x, f]) => conv3dTransposeRef(x!, f!, [1, 4, 3, 3, 1], [2, 1, 1], 'same'),
  }),
];

const AVG3D = relative(4e-7, 2e-7, 'mean of ≤ 18 float32 values in [-2, 2] as a mean of means: a few roundings');

const pool3dCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'maxPool3d',
    name: '2x2x2 stride 2 valid, ties',
    inputs: (r) => [ties([1, 4, 4, 3, 1])(r)],
    core: ([x]) => maxPool3d(x!, 2, 2, 'valid'),
    reference: ([x]) => pool3dRef(x!, 'max', [2, 2, 2], [2, 2, 2], 'valid'),
  }),
  opCase({
    op: 'maxPool3d',
    name: '3x3x3 strides [1,2,2] same, rank 4, NaN ±Inf',
    inputs: (r) => [withSpecials([3, 4, 5, 1], [6, 21, 38, 50])(r)],
    core: ([x]) => maxPool3d(x!, 3, [1, 2, 2], 'same'),
    reference: ([x]) => pool3dRef(x!, 'max', [3, 3, 3], [1, 2, 2], 'same'),
  }),
  opCase({
    op: 'maxPool3d',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 2, 2, 2, 1])(r)],
    core: ([x]) => maxPool3d(x!, 2),
    reference: ([x]) => pool3dRef(x!, 'max', [2, 2, 2], [2, 2, 2], 'valid'),
  }),
  opGradient({
    op: 'maxPool3d',
    name: '2x2x2 stride 1 same',
    inputs: (r) => [uniform([1, 3, 3, 2, 1])(r)],
    core: ([x]) => maxPool3d(x!, 2, 1, 'same'),
    reference: ([x]) => pool3dRef(x!, 'max', [2, 2, 2], [1, 1, 1], 'same'),
  }),
  opCase({
    op: 'avgPool3d',
    name: '2x2x2 stride 1 same (padding not counted)',
    inputs: (r) => [uniform([1, 3, 4, 4, 1])(r)],
    core: ([x]) => avgPool3d(x!, 2, 1, 'same'),
    reference: ([x]) => pool3dRef(x!, 'avg', [2, 2, 2], [1, 1, 1], 'same'),
    judge: AVG3D,
  }),
  opCase({
    op: 'avgPool3d',
    name: '[2,3,3] stride 2, numeric pad 1, NaN ±Inf −0',
    inputs: (r) => [withSpecials([1, 4, 4, 3, 1], [2, 17, 30, 45])(r)],
    core: ([x]) => avgPool3d(x!, [2, 3, 3], 2, 1),
    reference: ([x]) => pool3dRef(x!, 'avg', [2, 3, 3], [2, 2, 2], 1),
    judge: AVG3D,
  }),
  opCase({
    op: 'avgPool3d',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 2, 2, 2, 3])(r)],
    core: ([x]) => avgPool3d(x!, 2, 1, 'same'),
    reference: ([x]) => pool3dRef(x!, 'avg', [2, 2, 2], [1, 1, 1], 'same'),
    judge: AVG3D,
  }),
  opGradient({
    op: 'avgPool3d',
    name: '2x2x2 stride 1 same',
    inputs: (r) => [uniform([1, 3, 3, 2, 1])(r)],
    core: ([x]) => avgPool3d(x!, 2, 1, 'same'),
    reference: ([x]) => pool3dRef(x!, 'avg', [2, 2, 2], [1, 1, 1], 'same'),
  }),
];

/** x + filter is one float32 rounding; choosing the largest adds none. */
const DILATION = ulps(1);

const dilationCases: ConformanceCase<'op'>[] = [
  opCase({
    op: 'dilation2d',
    name: '3x3 same',
    inputs: (r) => [uniform([1, 4, 5, 2])(r), uniform([3, 3, 2])(r)],
    core: ([x, f]) => dilation2d(x!, f!, 1, 'same'),
    reference: ([x, f]) => dilation2dRef(x!, f!, [1, 1], 'same', [1, 1]),
    judge: DILATION,
  }),
  opCase({
    op: 'dilation2d',
    name: 'dilation 2 valid, rank 3, NaN never wins, ±Inf',
    inputs: (r) => [withSpecials([5, 5, 1], [6, 13, 2])(r), uniform([2, 2, 1])(r)],
    core: ([x, f]) => x!.dilation2d(f!, 1, 'valid', 2),
    reference: ([x, f]) => dilation2dRef(x!, f!, [1, 1], 'valid', [2, 2]),
    judge: DILATION,
  }),
  opCase({
    op: 'dilation2d',
    name: 'strides 2 and dilations 2 same',
    inputs: (r) => [uniform([2, 5, 4, 1])(r), uniform([2, 3, 1])(r)],
    core: ([x, f]) => dilation2d(x!, f!, 2, 'same', 2),
    reference: ([x, f]) => dilation2dRef(x!, f!, [2, 2], 'same', [2, 2]),
    judge: DILATION,
  }),
  opCase({
    op: 'dilation2d',
    name: 'empty batch',
    inputs: (r) => [uniform([0, 3, 3, 2])(r), uniform([2, 2, 2])(r)],
    core: ([x, f]) => dilation2d(x!, f!, 1, 'same'),
    reference: ([x, f]) => dilation2dRef(x!, f!, [1, 1], 'same', [1, 1]),
    judge: DILATION,
  }),
  opGradient({
    op: 'dilation2d',
    name: 'x and filter, 2x2 same',
    inputs: (r) => [uniform([1, 4, 4, 1])(r), uniform([2, 2, 1])(r)],
    core: ([x, f]) => dilation2d(x!, f!, 1, 'same'),
    reference: ([x, f]) => dilation2dRef(x!, f!, [1, 1], 'same', [1, 1]),
  }),
];

export const convOpCases: readonly ConformanceCase<'op'>[] = [
  ...conv3dCases,
  ...conv3dTransposeCases,
  ...pool3dCases,
  ...dilationCases,
  ...depthwiseCases,
  ...separableCases,
  ...transposeCases,
  ...conv1dCases,
  ...poolCases,
  ...argmaxCases,
  ...resizeCases,
  ...flipCases,
];
