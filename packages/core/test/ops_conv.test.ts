// Convolutions, pooling and images: values against float64 loops written here,
// Tensor methods, tfjs' argument orders (dataFormat before dilations), and the
// errors bad arguments get. Forward and gradient conformance on every backend:
// packages/conformance/src/ops/conv.ts.
import { describe, expect, it } from 'vitest';
import {
  conv1d,
  conv2d,
  avgPool3d,
  conv2dTranspose,
  conv3d,
  conv3dTranspose,
  depthwiseConv2d,
  dilation2d,
  grad,
  image,
  maxPool,
  maxPool3d,
  maxPoolWithArgmax,
  memory,
  pool,
  separableConv2d,
  sum,
  tensor,
  type Tensor,
} from './helpers.js';

const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(1.3 * i + seed) * 2));
const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `element ${i}: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol);
};
/** Run f and check it leaves no tensor behind beyond what it returns (disposed here). */
function noLeak(f: () => Tensor | Tensor[]): void {
  const before = memory().numTensors;
  const out = f();
  for (const t of Array.isArray(out) ? out : [out]) t.dispose();
  expect(memory().numTensors).toBe(before);
}

describe('conv1d', () => {
  // x [1, 6, 2], filter [3, 2, 1], dilation 2, causal padding [4, 0].
  const xv = values(12, 1);
  const fv = values(6, 2);
  const ref = (stride: number, dil: number, left: number, right: number): number[] => {
    const w = 6;
    const span = 2 * dil + 1;
    const outW = Math.floor((w + left + right - span) / stride) + 1;
    return Array.from({ length: outW }, (_, o) => {
      let s = 0;
      for (let k = 0; k < 3; k++) {
        const i = o * stride - left + k * dil;
        if (i >= 0 && i < w) for (let c = 0; c < 2; c++) s += xv[i * 2 + c]! * fv[k * 2 + c]!;
      }
      return s;
    });
  };

  it('matches a float64 loop with dilation, stride and padding, batched or not, as a function or a method', () => {
    const x = tensor(xv, [1, 6, 2]);
    const f = tensor(fv, [3, 2, 1]);
    const causal = conv1d(x, f, 1, [4, 0], 'NWC', 2);
    expect(causal.shape).toEqual([1, 6, 1]);
    close(causal.dataSync(), ref(1, 2, 4, 0));
    const same = x.conv1d(f, 2, 'same');
    expect(same.shape).toEqual([1, 3, 1]);
    close(same.dataSync(), ref(2, 1, 0, 1)); // SAME, stride 2, width 6, filter 3: out 3, one padded cell, on the right (TensorFlow's rule)
    const unbatched = conv1d(
      xv.map((v, i) => (i % 2 ? [] : [v, xv[i + 1]!])).filter((r) => r.length > 0),
      f,
      1,
      'valid',
      2,
    ); // a number in dataFormat's slot is the dilation
    expect(unbatched.shape).toEqual([2, 1]);
    close(unbatched.dataSync(), ref(1, 2, 0, 0));
    const numeric = conv1d(x, f, 1, 1);
    close(numeric.dataSync(), ref(1, 1, 1, 1));
    for (const t of [x, f, causal, same, unbatched, numeric]) t.dispose();
  });

  it('refuses bad shapes, channels, strides with dilations, padding and dataFormat, naming conv1d', () => {
    const x = tensor(values(12, 1), [1, 6, 2]);
    const f = tensor(values(6, 2), [3, 2, 1]);
    const before = memory().numTensors;
    expect(() => conv1d([1, 2, 3], f)).toThrow(/conv1d: x must be rank 3 \[batch, width, channels\] or rank 2.*got shape \[3\]/);
    expect(() =>
      conv1d(x, [
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ).toThrow(/conv1d: filter must be rank 3 .*got shape \[3,2\]/);
    expect(() => conv1d(x, [[[1], [2], [3]]])).toThrow(/conv1d: x has 2 channels but the filter expects 3/);
    expect(() => conv1d(x, f, 2, 'same', 'NWC', 2)).toThrow(/conv1d: strides > 1 together with dilations > 1/);
    expect(() => conv1d(x, f, 0)).toThrow(/conv1d: stride must be a positive integer, got 0/);
    expect(() => conv1d(x, f, 1, [1, -1])).toThrow(/conv1d: padding must be .*got \[1,-1\]/);
    expect(() => conv1d(x, f, 1, 'valid', 'NCW' as 'NWC')).toThrow(/conv1d: dataFormat 'NCW' is not supported; .* channels-last only/);
    expect(() => conv1d(x, f, 1, 'valid', 'NWC', 3)).toThrow(/conv1d: the filter \(width 3, dilation 3\) is wider than the padded input \(width 6\)/);
    expect(memory().numTensors).toBe(before); // arrays converted for a failing call are freed
    x.dispose();
    f.dispose();
  });
});

describe('dilations and dataFormat in conv2d, depthwiseConv2d, separableConv2d', () => {
  it("take tfjs' order (dataFormat 'NHWC', then dilations) and polytensor's (dilations fifth) alike", () => {
    const x = tensor(values(50, 3), [1, 5, 5, 2]);
    const f = tensor(values(8, 4), [2, 2, 2, 1]);
    const p = tensor(values(4, 5), [1, 1, 2, 2]);
    const pairs = [
      [conv2d(x, f, 1, 'same', 'NHWC', 2), conv2d(x, f, 1, 'same', 2)],
      [x.conv2d(f, 1, 'valid', 'NHWC', [2, 1]), conv2d(x, f, 1, 'valid', [2, 1])],
      [depthwiseConv2d(x, f, 1, 'same', 'NHWC', 2), x.depthwiseConv2d(f, 1, 'same', 2)],
      [separableConv2d(x, f, p, 1, 'same', 2, 'NHWC'), x.separableConv2d(f, p, 1, 'same', 2)],
    ];
    for (const [a, b] of pairs) expect(Array.from(a!.dataSync())).toEqual(Array.from(b!.dataSync()));
    // a dilated depthwise conv equals conv2d with the block-diagonal filter (1 channel multiplier here)
    const block = new Float32Array(2 * 2 * 2 * 2);
    const fd = f.dataSync();
    for (let t = 0; t < 4; t++) for (let c = 0; c < 2; c++) block[(t * 2 + c) * 2 + c] = fd[t * 2 + c]!;
    const blockFilter = tensor(block, [2, 2, 2, 2]);
    const viaConv = conv2d(x, blockFilter, 1, 'same', 2);
    close(pairs[2]![0]!.dataSync(), viaConv.dataSync());
    for (const t of [x, f, p, blockFilter, viaConv, ...pairs.flat()]) t!.dispose();
  });

  it('refuses another dataFormat, dilations given twice, and strides with dilations', () => {
    const x = tensor(values(50, 3), [1, 5, 5, 2]);
    const f = tensor(values(8, 4), [2, 2, 2, 1]);
    const p = tensor(values(4, 5), [1, 1, 2, 2]);
    expect(() => conv2d(x, f, 1, 'same', 'NCHW' as 'NHWC')).toThrow(/conv2d: dataFormat 'NCHW' is not supported/);
    expect(() => depthwiseConv2d(x, f, 1, 'same', 2, 2)).toThrow(/depthwiseConv2d: dilations given twice \(2 in the dataFormat position and 2\)/);
    expect(() => depthwiseConv2d(x, f, 2, 'same', 'NHWC', 2)).toThrow(/depthwiseConv2d: strides > 1 together with dilations > 1/);
    expect(() => separableConv2d(x, f, p, 1, 'same', 1, 'NCHW' as 'NHWC')).toThrow(/separableConv2d: dataFormat 'NCHW' is not supported/);
    expect(() => separableConv2d(x, f, p, 1, 'same', [0, 1])).toThrow(/depthwiseConv2d: dilations must be positive integers, got \[0,1\]/);
    expect(() => depthwiseConv2d(x, [[[[1], [2], [3]]]])).toThrow(/depthwiseConv2d: the filter has 3 input channels but x has 2/);
    expect(() => depthwiseConv2d(x, f, 1, 'valid', 'NHWC', 5)).toThrow(
      /depthwiseConv2d: the filter \(2x2, dilation 5x5\) is larger than the padded input \(5x5\)/,
    );
    for (const t of [x, f, p]) t.dispose();
  });
});

describe('conv2dTranspose', () => {
  it('refuses an outputShape that does not fit x, naming conv2dTranspose', () => {
    const x = tensor(values(16, 1), [1, 2, 2, 4]);
    const f = tensor(values(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
    noLeak(() => conv2dTranspose(x, f, [1, 4, 4, 3], 2, 'same'));
    expect(() => conv2dTranspose(x, f, [1, 5, 7, 3], 2, 'same')).toThrow(
      /conv2dTranspose: outputShape \[1,5,7,3\] does not fit x \[1,2,2,4\]: .* gives \[1,3,4,4\]; choose an outputShape/,
    );
    expect(() => conv2dTranspose(x, f, [1, 4, 4, 2], 2, 'same')).toThrow(
      /conv2dTranspose: outputShape \[1,4,4,2\] must have x's batch \(1\) and the filter's outChannels \(3/,
    );
    expect(() => conv2dTranspose(x, [[[[1]], [[2]]]], [1, 4, 4, 3], 2, 'same')).toThrow(/conv2dTranspose: x has 4 channels but .* is 1/);
    expect(() => conv2dTranspose(x, f, [1, 4, 4] as unknown as [number, number, number, number])).toThrow(
      /conv2dTranspose: outputShape must be \[batch, height, width, channels\]/,
    );
    expect(() =>
      conv2dTranspose(
        [
          [1, 2],
          [3, 4],
        ],
        f,
        [1, 4, 4, 3],
      ),
    ).toThrow(/conv2dTranspose: x must be rank 4 .*got shape \[2,2\]/);
    x.dispose();
    f.dispose();
  });
});

describe('pool', () => {
  // x [1, 4, 5, 1]; window 2, dilation 2: taps (0,0) (0,2) (2,0) (2,2) from each output's corner.
  const xv = values(20, 7).map((v) => v - 1);
  const at = (i: number, j: number): number => (i >= 0 && i < 4 && j >= 0 && j < 5 ? xv[i * 5 + j]! : 0);
  const ref = (type: 'max' | 'avg', same: boolean): number[] => {
    const [oh, ow, pt, pl] = same ? [4, 5, 1, 1] : [2, 3, 0, 0];
    const out: number[] = [];
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const taps = [at(i - pt, j - pl), at(i - pt, j - pl + 2), at(i - pt + 2, j - pl), at(i - pt + 2, j - pl + 2)];
        out.push(type === 'max' ? Math.max(...taps) : taps.reduce((a, b) => a + b) / 4);
      }
    }
    return out;
  };

  it("dilated: max or mean of the taps, with 'same' padding zeros that count as TensorFlow's do", () => {
    const x = tensor(xv, [1, 4, 5, 1]);
    const cases: [Tensor, number[]][] = [
      [pool(x, 2, 'max', 'valid', 2), ref('max', false)],
      [x.pool(2, 'avg', 'valid', 2), ref('avg', false)],
      [pool(x, 2, 'max', 'same', 2), ref('max', true)],
      [pool(x, [2, 2], 'avg', 'same', [2, 2]), ref('avg', true)],
    ];
    for (const [got, want] of cases) close(got.dataSync(), want);
    // without dilation it is maxPool/avgPool (padding cells skipped), strides honoured
    const plain = pool(x, 2, 'avg', 'same', 1, 2);
    const direct = x.avgPool(2, 2, 'same');
    expect(Array.from(plain.dataSync())).toEqual(Array.from(direct.dataSync()));
    const x3 = tensor(xv, [4, 5, 1]);
    noLeak(() => pool(x3, 2, 'max', 'same', 2));
    for (const t of [x, x3, plain, direct, ...cases.map((c) => c[0])]) t.dispose();
  });

  it('refuses a bad pooling type, strides with dilations, explicit padding with dilations, bad ranks and windows', () => {
    const x = tensor(xv, [1, 4, 5, 1]);
    expect(() => pool(x, 2, 'min' as 'max', 'valid')).toThrow(/pool: poolingType must be 'avg' or 'max', got "min"/);
    expect(() => pool(x, 2, 'max', 'valid', 2, 2)).toThrow(/pool: strides 2 and dilations 2: either strides or dilations must be 1/);
    expect(() => pool(x, 2, 'max', 1, 2)).toThrow(/pool: with dilations > 1 the padding must be 'same' or 'valid'/);
    expect(() => pool(x, 2, 'max', -1)).toThrow(/pool: a numeric padding must be a non-negative integer, got -1/);
    expect(() => pool([1, 2], 2, 'max', 'valid')).toThrow(/pool: input must be rank 4 .*got shape \[2\]/);
    expect(() => pool(x, 0, 'max', 'valid')).toThrow(/pool: windowShape must be positive integers, got 0/);
    expect(() => pool(x, 5, 'max', 'valid')).toThrow(/pool: the filter \(5x5, dilation 1x1\) is larger than the padded input \(4x5\)/);
    expect(() => pool(x, 3, 'avg', 'valid', 2)).toThrow(/pool: the filter \(3x3, dilation 2x2\) is larger than the padded input \(4x5\)/);
    const ints = tensor([1, 2, 3, 4], [1, 2, 2, 1], 'int32');
    expect(() => pool(ints, 2, 'max', 'valid')).toThrow(/pool.*int32/);
    ints.dispose();
    x.dispose();
  });
});

describe('maxPoolWithArgmax', () => {
  it("gives maxPool's result and TensorFlow's flat indexes (first of tied maxima; batch optional)", () => {
    // x [2, 3, 3, 1] with ties; 2x2 windows, stride 1, valid.
    const xv = [1, 3, 3, 0, 2, 1, 3, 0, 3, /* batch 1 */ 5, 5, 4, 5, 5, 4, 0, 0, 9];
    const x = tensor(xv, [2, 3, 3, 1]);
    const plain = maxPoolWithArgmax(x, 2, 1, 'valid');
    const batched = maxPoolWithArgmax(x, 2, 1, 'valid', true);
    const direct = maxPool(x, 2, 1, 'valid');
    expect(Array.from(plain.result.dataSync())).toEqual(Array.from(direct.dataSync()));
    expect(plain.indexes.dtype).toBe('int32');
    expect(plain.indexes.shape).toEqual([2, 2, 2, 1]);
    // batch 0 windows: {1,3,0,2}→1, {3,3,2,1}→1 (first 3), {0,2,3,0}→6, {2,1,0,3}→8; batch 1: {5,5,5,5}→0, {5,4,5,4}→1, {5,5,0,0}→3, {5,4,0,9}→8
    expect(Array.from(plain.indexes.dataSync())).toEqual([1, 1, 6, 8, 0, 1, 3, 8]);
    expect(Array.from(batched.indexes.dataSync())).toEqual([1, 1, 6, 8, 9, 10, 12, 17]);
    // the result differentiates as maxPool: each window's gradient to its first maximum
    const g = grad((t: Tensor) => sum(maxPoolWithArgmax(t, 2, 1, 'valid').result))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 2, 0, 0, 0, 0, 1, 0, 1, /* batch 1 */ 1, 1, 0, 1, 0, 0, 0, 0, 1]);
    const padded = maxPoolWithArgmax(
      [
        [
          [[-1], [-2]],
          [[-3], [-4]],
        ],
      ],
      2,
      1,
      'same',
    );
    expect(Array.from(padded.indexes.dataSync())).toEqual([0, 1, 2, 3]); // never an index into the padding
    for (const t of [x, direct, g, plain.result, plain.indexes, batched.result, batched.indexes, padded.result, padded.indexes]) t.dispose();
  });

  it('refuses bad ranks, dtypes and padding, naming maxPoolWithArgmax', () => {
    expect(() => maxPoolWithArgmax([1, 2, 3], 2, 1, 'valid')).toThrow(/maxPoolWithArgmax: x must be rank 4 .*got shape \[3\]/);
    expect(() => maxPoolWithArgmax([[[[1]]]], 2, 1, 'valid')).toThrow(
      /maxPoolWithArgmax: the filter \(2x2, dilation 1x1\) is larger than the padded input \(1x1\)/,
    );
    expect(() =>
      maxPoolWithArgmax([[[[1]]]], 1, 1, [
        [0, 0],
        [0, 0],
      ] as unknown as 'valid'),
    ).toThrow(/maxPoolWithArgmax: padding must be 'same', 'valid' or a number/);
    expect(() => maxPoolWithArgmax([[[[1]]]], 1, 0, 'valid')).toThrow(/maxPoolWithArgmax: strides must be positive integers, got 0/);
    const ints = tensor([1, 2, 3, 4], [1, 2, 2, 1], 'int32');
    expect(() => maxPoolWithArgmax(ints, 1, 1, 'valid')).toThrow(/maxPoolWithArgmax.*int32/);
    ints.dispose();
  });
});

describe('image', () => {
  // [1, 2, 3, 1] image; TensorFlow's formulas written out in float64.
  const xv = [1, 2, 4, 8, 16, 32];
  const px = (y: number, z: number): number => xv[y * 3 + z]!;
  function bilinear(nh: number, nw: number, align: boolean, half: boolean): number[] {
    const ratio = (i: number, o: number): number => (align && o > 1 ? (i - 1) / (o - 1) : i / o);
    const taps = (o: number, r: number, n: number): [number, number, number] => {
      const src = half ? r * (o + 0.5) - 0.5 : r * o;
      const lo = Math.max(0, Math.floor(src));
      return [lo, Math.min(n - 1, Math.ceil(src)), src - lo];
    };
    const out: number[] = [];
    for (let i = 0; i < nh; i++) {
      for (let j = 0; j < nw; j++) {
        const [t, b, fy] = taps(i, ratio(2, nh), 2);
        const [l, r, fx] = taps(j, ratio(3, nw), 3);
        const top = px(t, l) + (px(t, r) - px(t, l)) * fx;
        const bottom = px(b, l) + (px(b, r) - px(b, l)) * fx;
        out.push(top + (bottom - top) * fy);
      }
    }
    return out;
  }

  it('conv2d, depthwiseConv2d, maxPool and avgPool take one image [h, w, c] as a batch of one, gradients included', () => {
    const img = tensor(values(5 * 6 * 2, 3), [5, 6, 2]);
    const batch = img.reshape([1, 5, 6, 2]);
    const f = tensor(values(3 * 3 * 2 * 4, 7), [3, 3, 2, 4]);
    const df = tensor(values(3 * 3 * 2 * 2, 9), [3, 3, 2, 2]);
    const cases: Array<[string, (x: Tensor) => Tensor, number[]]> = [
      ['conv2d', (x) => conv2d(x, f, 1, 'same'), [5, 6, 4]],
      ['depthwiseConv2d', (x) => depthwiseConv2d(x, df, [2, 1], 'valid'), [2, 4, 4]],
      ['maxPool', (x) => maxPool(x, 2, 1, 'valid'), [4, 5, 2]],
      ['avgPool', (x) => x.avgPool(3, 2, 'same'), [3, 3, 2]],
    ];
    for (const [name, op, shape] of cases) {
      noLeak(() => {
        const one = op(img);
        const batched = op(batch);
        expect(one.shape, name).toEqual(shape);
        expect(batched.shape, name).toEqual([1, ...shape]);
        expect(Array.from(one.dataSync()), name).toEqual(Array.from(batched.dataSync()));
        const gOne = grad((x: Tensor) => sum(op(x)))(img);
        const gBatch = grad((x: Tensor) => sum(op(x)))(batch);
        expect(gOne.shape, name).toEqual([5, 6, 2]);
        expect(Array.from(gOne.dataSync()), name).toEqual(Array.from(gBatch.dataSync()));
        return [one, batched, gOne, gBatch];
      });
    }
    // nested arrays are converted and freed by the op
    noLeak(() => conv2d(img.arraySync() as number[][][], f, 1, 'valid'));
    for (const t of [img, batch, f, df]) t.dispose();
  });

  it('resizeBilinear and resizeNearestNeighbor follow TensorFlow (alignCorners, halfPixelCenters), as functions and methods', () => {
    const x = tensor(xv, [1, 2, 3, 1]);
    const up = image.resizeBilinear(x, [3, 5]);
    expect(up.shape).toEqual([1, 3, 5, 1]);
    close(up.dataSync(), bilinear(3, 5, false, false));
    const aligned = x.resizeBilinear([3, 4], true);
    close(aligned.dataSync(), bilinear(3, 4, true, false));
    const half = image.resizeBilinear(
      [
        [[1], [2], [4]],
        [[8], [16], [32]],
      ],
      [4, 2],
      false,
      true,
    ); // rank 3, an array converted and freed by the op
    expect(half.shape).toEqual([4, 2, 1]);
    close(half.dataSync(), bilinear(4, 2, false, true));
    // nearest: rows floor(o·2/4) = [0,0,1,1], cols floor(o·3/2) = [0,1]; halfPixel cols floor((o+0.5)·3/2) = [0,2]
    const near = image.resizeNearestNeighbor(x, [4, 2]);
    expect(Array.from(near.dataSync())).toEqual([1, 2, 1, 2, 8, 16, 8, 16]);
    const nearHalf = x.resizeNearestNeighbor([4, 2], false, true);
    expect(Array.from(nearHalf.dataSync())).toEqual([1, 4, 1, 4, 8, 32, 8, 32]);
    const int4 = tensor([1, 2, 3, 4], [1, 2, 2, 1], 'int32');
    const ints = image.resizeNearestNeighbor(int4, [1, 1], true);
    expect(ints.dtype).toBe('int32');
    const intsBilinear = image.resizeBilinear(int4, [1, 4]); // columns at 0, 0.5, 1, 1.5 of row 0
    expect(intsBilinear.dtype).toBe('float32');
    expect(Array.from(intsBilinear.dataSync())).toEqual([1, 1.5, 2, 2]);
    // the gradient of a bilinear upscale spreads each output's weight to its four sources: every pixel's total is Σ over outputs
    const g = grad((t: Tensor) => sum(image.resizeBilinear(t, [3, 5])))(x);
    close([Array.from(g.dataSync()).reduce((a, b) => a + b)], [15]);
    for (const t of [x, up, aligned, half, near, nearHalf, int4, ints, intsBilinear, g]) t.dispose();
  });

  it('flipLeftRight mirrors the width axis of rank-4 images', () => {
    const x = tensor(xv, [1, 2, 3, 1]);
    const f = image.flipLeftRight(x);
    expect(Array.from(f.dataSync())).toEqual([4, 2, 1, 32, 16, 8]);
    x.dispose();
    f.dispose();
    expect(() => image.flipLeftRight([1, 2])).toThrow(/flipLeftRight: image must be rank 4 .*got shape \[2\]/);
  });

  it('refuses bad ranks, sizes, flag combinations and dtypes, naming the op', () => {
    const x = tensor(xv, [1, 2, 3, 1]);
    const before = memory().numTensors;
    expect(() => image.resizeBilinear([1, 2], [2, 2])).toThrow(/resizeBilinear: images must be rank 4 .*or rank 3 .*got shape \[2\]/);
    expect(() => image.resizeBilinear(x, [2] as unknown as [number, number])).toThrow(/resizeBilinear: size must be \[newHeight, newWidth\] .*got \[2\]/);
    expect(() => image.resizeNearestNeighbor(x, [2, -1])).toThrow(/resizeNearestNeighbor: size must be .*got \[2,-1\]/);
    expect(() => image.resizeNearestNeighbor(x, [2, 2], true, true)).toThrow(/resizeNearestNeighbor: alignCorners and halfPixelCenters cannot both be true/);
    expect(() => x.resizeBilinear([2, 2], true, true)).toThrow(/resizeBilinear: alignCorners and halfPixelCenters cannot both be true/);
    const empty = tensor([], [1, 0, 3, 1]);
    expect(() => image.resizeBilinear(empty, [2, 2])).toThrow(/resizeBilinear: images of shape \[1,0,3,1\] have no pixels to resize to \[2,2\]/);
    const flags = tensor([true, false, true, false], [1, 2, 2, 1], 'bool');
    expect(() => image.resizeBilinear(flags, [2, 2])).toThrow(/resizeBilinear.*bool/);
    expect(memory().numTensors).toBe(before + 2);
    for (const t of [x, empty, flags]) t.dispose();
  });
});

describe('conv3d, maxPool3d, avgPool3d', () => {
  // x [1, 3, 2, 2, 1] = 0..11, filter [2, 1, 1, 1, 1] = [1, 10]: out[d] = x[d] + 10·x[d + 1] per (h, w).
  const xv = Array.from({ length: 12 }, (_, i) => i);
  it('match float64 loops: conv3d as sums over depth taps, pools over the box with padding skipped', () => {
    const x = tensor(xv, [1, 3, 2, 2, 1]);
    const f = tensor([1, 10], [2, 1, 1, 1, 1]);
    const valid = conv3d(x, f);
    expect(valid.shape).toEqual([1, 2, 2, 2, 1]);
    expect(Array.from(valid.dataSync())).toEqual(Array.from({ length: 8 }, (_, i) => xv[i]! + 10 * xv[i + 4]!));
    const same = conv3d(x, f, 1, 'same'); // depth padding 1 at the end: the last plane sees only its own tap
    expect(Array.from(same.dataSync())).toEqual(Array.from({ length: 12 }, (_, i) => xv[i]! + (i + 4 < 12 ? 10 * xv[i + 4]! : 0)));
    const mx = maxPool3d(x, [2, 2, 2], 1, 'same');
    const av = avgPool3d(x, [2, 2, 2], 1, 'same');
    const box = (d: number, h: number, w: number): number[] => {
      const cells: number[] = [];
      for (let p = d; p < Math.min(3, d + 2); p++)
        for (let q = h; q < Math.min(2, h + 2); q++) for (let s = w; s < Math.min(2, w + 2); s++) cells.push(xv[(p * 2 + q) * 2 + s]!);
      return cells;
    };
    const boxes = Array.from({ length: 12 }, (_, i) => box(Math.floor(i / 4), Math.floor(i / 2) % 2, i % 2));
    expect(Array.from(mx.dataSync())).toEqual(boxes.map((c) => Math.max(...c)));
    close(
      av.dataSync(),
      boxes.map((c) => c.reduce((a, b) => a + b) / c.length),
    );
    for (const t of [x, f, valid, same, mx, av]) t.dispose();
  });

  it('refuse bad shapes, channels, strides with dilations, windows, padding and formats, naming the op', () => {
    const x = tensor(xv, [1, 3, 2, 2, 1]);
    const f = tensor([1, 10], [2, 1, 1, 1, 1]);
    expect(() => conv3d([1, 2], f)).toThrow(/conv3d: x must be rank 5 .*got shape \[2\]/);
    expect(() => conv3d(x, [[1]])).toThrow(/conv3d: filter must be rank 5 .*got shape \[1,1\]/);
    expect(() => conv3d(x, [[[[[1], [2]]]]])).toThrow(/conv3d: x has 1 channels but the filter expects 2/);
    expect(() => conv3d(x, f, 2, 'valid', 'NDHWC', 2)).toThrow(/conv3d: strides 2 and dilations 2: either strides or dilations must be 1/);
    expect(() => conv3d(x, f, [1, 1] as unknown as number, 'valid')).toThrow(/conv3d: strides must be a positive integer or \[depth, height, width\]/);
    expect(() => conv3d(x, f, 1, 'valid', 'NDHWC', 3)).toThrow(/conv3d: the window's depth \(2, dilation 3\) is larger than the padded input's \(3\)/);
    expect(() => conv3d(x, f, 1, 'valid', 'NCDHW' as 'NDHWC')).toThrow(/conv3d: dataFormat 'NCDHW' is not supported/);
    expect(() => conv3d(x, f, 1, 1 as unknown as 'same')).toThrow(/conv3d: padding must be 'same' or 'valid', got 1/);
    expect(() => maxPool3d(x, 4, 1, 'valid')).toThrow(/maxPool3d: the window's depth \(4, dilation 1\) is larger than the padded input's \(3\)/);
    expect(() => avgPool3d(x, [1, 3, 1], 1, 'valid')).toThrow(/avgPool3d: the filter \(3x1, dilation 1x1\) is larger than the padded input \(2x2\)/);
    expect(() => avgPool3d(x, 1, 1, -1)).toThrow(/avgPool3d: padding must be 'same', 'valid' or a non-negative integer, got -1/);
    expect(() => maxPool3d(x, 1, 1, 'valid', 'ceil')).toThrow(/maxPool3d: dimRoundingMode is not supported/);
    expect(() => maxPool3d([1, 2], 1)).toThrow(/maxPool3d: x must be rank 5 .*got shape \[2\]/);
    expect(() => maxPool3d(x, 0)).toThrow(/maxPool3d: filterSize must be a positive integer .*got 0/);
    // conv3dTranspose is conv3d's input-gradient: Σ over (o, k) of x[o]·f[k] at depth o + k
    const up = conv3dTranspose([[[[[1]]], [[[2]]]]], f, [1, 3, 1, 1, 1]);
    expect(Array.from(up.dataSync())).toEqual([1, 2 + 10, 20]);
    up.dispose();
    expect(() => conv3dTranspose(x, f, [1, 5, 2, 2, 1])).toThrow(/conv3dTranspose: outputShape \[1,5,2,2,1\] does not fit x \[1,3,2,2,1\]: .* gives depth 4/);
    expect(() => conv3dTranspose(x, f, [1, 4, 2, 2, 2])).toThrow(
      /conv3dTranspose: outputShape \[1,4,2,2,2\] must have x's batch \(1\) and the filter's outChannels \(1/,
    );
    expect(() => conv3dTranspose(x, f, [1, 4, 2, 2])).toThrow(/conv3dTranspose: outputShape must be 5 non-negative integers/);
    expect(() => conv3dTranspose(x, [[[[[1, 2]]]]], [1, 4, 2, 2, 1])).toThrow(
      /conv3dTranspose: x has 1 channels but the filter's last dimension \(inChannels\) is 2/,
    );
    expect(() => conv3dTranspose([1], f, [1, 4, 2, 2, 1])).toThrow(/conv3dTranspose: x must be rank 5 .*got shape \[1\]/);
    x.dispose();
    f.dispose();
  });
});

describe('dilation2d', () => {
  it('is the largest x + filter over the taps inside the image; a NaN sum never wins', () => {
    const x = tensor([1, Number.NaN, 3, 4, 5, 6], [1, 2, 3, 1]);
    const f = tensor([0, 10], [1, 2, 1]);
    const y = x.dilation2d(f, 1, 'same'); // 'same' width: padding 1 on the right; taps (j, j + 1)
    expect(Array.from(y.dataSync())).toEqual([1, 13, 3, 15, 16, 6]); // row 0: the NaN + 10 at (0, 1) loses to 1 and to 3 + 10
    for (const t of [x, f, y]) t.dispose();
  });

  it('refuses bad shapes, channels, padding and formats, naming dilation2d', () => {
    const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(() => dilation2d([1, 2], [[[1]]])).toThrow(/dilation2d: x must be rank 4 .*got shape \[2\]/);
    expect(() => dilation2d(x, [[1]])).toThrow(/dilation2d: filter must be rank 3 .*got shape \[1,1\]/);
    expect(() => dilation2d(x, [[[1, 2]]])).toThrow(/dilation2d: x has 1 channels but the filter has 2/);
    expect(() => dilation2d(x, [[[1]], [[2]], [[3]]])).toThrow(/dilation2d: the window's height \(3, dilation 1\) is larger than the padded input's \(2\)/);
    expect(() => dilation2d(x, [[[1]]], 1, 'full' as 'same')).toThrow(/dilation2d: padding must be 'same' or 'valid', got "full"/);
    expect(() => dilation2d(x, [[[1]]], 1, 'same', 1, 'NCHW' as 'NHWC')).toThrow(/dilation2d: dataFormat 'NCHW' is not supported/);
    expect(() => dilation2d(x, [[[1]]], 1, 'same', 0)).toThrow(/dilation2d: dilations must be positive integers, got 0/);
    x.dispose();
  });
});
