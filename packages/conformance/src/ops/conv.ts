/** Op cases: conv1d, depthwise/separable, conv2dTranspose, dilations, maxPoolWithArgmax, resize, 3-D convolution and pooling. */
import {
  type Conv2DInfo,
  computeConv2DInfo,
  conv1d,
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
import { EXACT_SIGNED_ZERO, opCase, opGradient, relative } from './harness.js';

const uniform = (shape: readonly number[]) => (r: Rng) =>
  host(
    shape,
    r.array(sizeOf(shape), (q) => q.float(-2, 2)),
  );

/** A float64 result, not rounded to float32 (finite differences of a rounded forward would be noise). */
const unrounded = (shape: readonly number[], values: Float64Array): HostTensor => ({ shape: [...shape], values, dtype: 'float32' });

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
    inputs: (r) => [withSpecials([2, 5, 5, 2], [6, 31, 44, 13])(r), uniform([2, 2, 2, 1])(r)],
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
    inputs: (r) => [uniform([1, 4, 4, 2])(r), uniform([2, 2, 2, 1])(r), uniform([1, 1, 2, 3])(r)],
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
    inputs: (r) => [uniform([1, 4, 4, 2])(r)],
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
    inputs: (r) => [ties([2, 5, 4, 2])(r)],
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

export const convOpCases: readonly ConformanceCase<'op'>[] = [
  ...depthwiseCases,
  ...separableCases,
  ...transposeCases,
  ...conv1dCases,
  ...poolCases,
  ...argmaxCases,
  ...resizeCases,
  ...flipCases,
];
