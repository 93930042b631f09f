import type { DType } from '@polytensor/core';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { accumulationJudge } from './judges.js';
import type { ConformanceCase } from './types.js';
import { int32, mixedValues, wide } from './values.js';
import type { Judgement } from '../compare.js';

const EXACT: Judgement = { kind: 'exact', signedZero: true };

/** Values for copies: random floats with NaN, ±0, ±Inf and subnormals mixed in. */
const values = (dtype: DType, r: Rng, n: number): number[] => mixedValues(dtype, r, n, 0.25);

const randT =
  (shape: readonly number[], dtype: DType = 'float32') =>
  (r: Rng): HostTensor =>
    host(shape, values(dtype, r, sizeOf(shape)), dtype);

function transposeCase(shape: readonly number[], perm: readonly number[], dtype: DType = 'float32'): ConformanceCase {
  return kernelCase({
    kernel: 'transpose',
    name: `${dtype} ${shapeStr(shape)} perm ${shapeStr(perm)}`,
    inputs: (r) => [randT(shape, dtype)(r)],
    call: (b, [x]) => b.kernels.transpose(x!, perm),
    expect: ([x]) => {
      const out = ref.transpose(x!, perm);
      return { shape: out.shape, dtype, ref: out.values, judge: EXACT };
    },
  });
}

function sliceCase(shape: readonly number[], begin: readonly number[], size: readonly number[], dtype: DType = 'float32'): ConformanceCase {
  return kernelCase({
    kernel: 'slice',
    name: `${dtype} ${shapeStr(shape)} begin ${shapeStr(begin)} size ${shapeStr(size)}`,
    inputs: (r) => [randT(shape, dtype)(r)],
    call: (b, [x]) => b.kernels.slice(x!, begin, size),
    expect: ([x]) => {
      const out = ref.slice(x!, begin, size);
      return { shape: out.shape, dtype, ref: out.values, judge: EXACT };
    },
  });
}

function concatCase(shapes: ReadonlyArray<readonly number[]>, axis: number, dtype: DType = 'float32'): ConformanceCase {
  return kernelCase({
    kernel: 'concat',
    name: `${dtype} ${shapes.map(shapeStr).join(' + ')} axis ${axis}`,
    inputs: (r) => shapes.map((s) => randT(s, dtype)(r)),
    call: (b, xs) => b.kernels.concat(xs, axis),
    expect: (xs) => {
      const out = ref.concat(xs, axis);
      return { shape: out.shape, dtype, ref: out.values, judge: EXACT };
    },
  });
}

function padCase(shape: readonly number[], paddings: ReadonlyArray<readonly [number, number]>, value: number, dtype: DType = 'float32'): ConformanceCase {
  return kernelCase({
    kernel: 'pad',
    name: `${dtype} ${shapeStr(shape)} paddings ${JSON.stringify(paddings)} value ${Object.is(value, -0) ? '-0' : value}`,
    inputs: (r) => [randT(shape, dtype)(r)],
    call: (b, [x]) => b.kernels.pad(x!, paddings, value),
    expect: ([x]) => {
      const out = ref.pad(x!, paddings, value);
      return { shape: out.shape, dtype, ref: out.values, judge: EXACT };
    },
  });
}

function gatherCase(
  shape: readonly number[],
  idxShape: readonly number[],
  axis: number,
  dtype: DType = 'float32',
  indices?: readonly number[],
): ConformanceCase {
  return kernelCase({
    kernel: 'gather',
    name: `${dtype} ${shapeStr(shape)} indices ${shapeStr(idxShape)} axis ${axis}`,
    inputs: (r) => [randT(shape, dtype)(r), host(idxShape, indices ?? r.array(sizeOf(idxShape), (q) => q.int(0, shape[axis]! - 1)), 'int32')],
    call: (b, [x, i]) => b.kernels.gather(x!, i!, axis),
    expect: ([x, i]) => {
      const out = ref.gather(x!, i!, axis);
      return { shape: out.shape, dtype, ref: out.values, judge: EXACT };
    },
  });
}

function scatterCase(outShape: readonly number[], idxShape: readonly number[], axis: number, dtype: DType = 'float32'): ConformanceCase {
  const updShape = [...outShape.slice(0, axis), ...idxShape, ...outShape.slice(axis + 1)];
  return kernelCase({
    kernel: 'scatterAdd',
    name: `${dtype} out ${shapeStr(outShape)} indices ${shapeStr(idxShape)} axis ${axis}`,
    inputs: (r) => [
      host(updShape, dtype === 'int32' ? r.array(sizeOf(updShape), int32) : r.array(sizeOf(updShape), wide(-20, 20)), dtype),
      // few distinct targets, so indices repeat and accumulate
      host(
        idxShape,
        r.array(sizeOf(idxShape), (q) => q.int(0, Math.min(2, outShape[axis]! - 1))),
        'int32',
      ),
    ],
    call: (b, [u, i]) => b.kernels.scatterAdd(u!, i!, axis, outShape),
    expect: ([u, i], num) => {
      const a = ref.scatterAdd(u!, i!, axis, outShape);
      return { shape: a.out.shape, dtype, ref: a.out.values, judge: accumulationJudge(a, num) };
    },
  });
}

function oneHotCase(name: string, idxShape: readonly number[], idx: (r: Rng) => number[], depth: number, on: number, off: number): ConformanceCase {
  return kernelCase({
    kernel: 'oneHot',
    name,
    inputs: (r) => [host(idxShape, idx(r), 'int32')],
    call: (b, [i]) => b.kernels.oneHot(i!, depth, on, off),
    expect: ([i]) => {
      const out = ref.oneHot(i!, depth, on, off);
      return { shape: out.shape, dtype: 'float32', ref: out.values, judge: EXACT };
    },
  });
}

export const transposeCases: readonly ConformanceCase[] = [
  transposeCase([], []),
  transposeCase([7], [0]),
  transposeCase([5, 7], [1, 0]),
  transposeCase([2, 3, 4], [2, 0, 1]),
  transposeCase([2, 3, 4], [1, 0, 2]),
  transposeCase([2, 3, 4, 5], [3, 1, 0, 2]),
  transposeCase([2, 1, 3, 2, 2, 3], [5, 2, 0, 4, 1, 3]),
  transposeCase([2, 3, 2, 1, 2], [0, 1, 2, 3, 4]),
  transposeCase([0, 3, 2], [2, 0, 1]),
  transposeCase([3, 4], [1, 0], 'int32'),
  transposeCase([2, 3, 2], [2, 1, 0], 'bool'),
];

export const sliceCases: readonly ConformanceCase[] = [
  sliceCase([], [], []),
  sliceCase([10], [3], [5]),
  sliceCase([6, 7], [1, 2], [4, 3]),
  sliceCase([6, 7], [0, 0], [6, 7]),
  sliceCase([4, 5, 6], [1, 0, 2], [2, 5, 3]),
  sliceCase([2, 3, 2, 3, 2, 3], [1, 1, 0, 1, 1, 0], [1, 2, 2, 1, 1, 3]),
  sliceCase([5, 5], [2, 1], [0, 3]),
  sliceCase([0, 4], [0, 1], [0, 2]),
  sliceCase([5, 4], [1, 1], [3, 2], 'int32'),
  sliceCase([5, 4], [2, 0], [2, 4], 'bool'),
];

export const concatCases: readonly ConformanceCase[] = [
  concatCase([[3], [5]], 0),
  concatCase(
    [
      [2, 3],
      [4, 3],
      [1, 3],
    ],
    0,
  ),
  concatCase(
    [
      [2, 3],
      [2, 1],
      [2, 4],
    ],
    1,
  ),
  concatCase(
    [
      [2, 3, 4],
      [2, 3, 1],
    ],
    2,
  ),
  concatCase([[2, 3, 4]], 1),
  concatCase(
    [
      [2, 0, 3],
      [2, 2, 3],
      [2, 0, 3],
    ],
    1,
  ),
  concatCase(
    [
      [1, 2, 1, 2, 1, 2],
      [1, 2, 1, 2, 3, 2],
    ],
    4,
  ),
  concatCase(
    [
      [0, 2],
      [0, 2],
    ],
    0,
  ),
  concatCase(
    [
      [2, 2],
      [3, 2],
    ],
    0,
    'int32',
  ),
  concatCase(
    [
      [2, 1],
      [2, 3],
    ],
    1,
    'bool',
  ),
];

export const padCases: readonly ConformanceCase[] = [
  padCase([5], [[2, 3]], 0),
  padCase(
    [3, 4],
    [
      [1, 0],
      [2, 2],
    ],
    7.5,
  ),
  padCase(
    [2, 3, 2],
    [
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    1,
  ),
  padCase(
    [2, 3, 2],
    [
      [1, 1],
      [0, 2],
      [3, 0],
    ],
    -0,
  ),
  padCase(
    [1, 2, 1, 2, 1, 2],
    [
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
      [2, 0],
      [0, 1],
    ],
    -1,
  ),
  padCase([], [], 3),
  padCase(
    [0, 2],
    [
      [1, 1],
      [1, 0],
    ],
    2,
  ),
  padCase(
    [3, 3],
    [
      [1, 2],
      [2, 1],
    ],
    5,
    'int32',
  ),
  padCase(
    [2, 2],
    [
      [1, 1],
      [1, 1],
    ],
    1,
    'bool',
  ),
  padCase([4], [[1, 1]], NaN),
];

export const gatherCases: readonly ConformanceCase[] = [
  gatherCase([8], [5], 0),
  gatherCase([6, 4], [7], 0),
  gatherCase([6, 4], [3], 1),
  gatherCase([3, 5, 4], [2, 3], 1),
  gatherCase([3, 5, 4], [], 2),
  gatherCase([2, 3, 2, 3, 2, 3], [4], 3),
  gatherCase([5, 3], [6], 0, 'float32', [4, 0, 4, 4, 1, 0]),
  gatherCase([5, 3], [0], 0),
  gatherCase([0, 3], [2], 1, 'float32', [2, 0]),
  gatherCase([5, 3], [2, 2], 0, 'int32'),
  gatherCase([4, 3], [5], 1, 'bool'),
  // Slices of 16 elements or more (a batch of image rows): backends may copy them whole.
  gatherCase([40, 20], [9], 0, 'float32', [39, 0, 7, 7, 21, 3, 38, 0, 12]),
  gatherCase([3, 6, 17], [2, 4], 1),
  gatherCase([7, 16], [5], 0, 'int32'),
  gatherCase([6, 2, 32], [8], 0, 'bool'),
];

export const scatterAddCases: readonly ConformanceCase[] = [
  scatterCase([5], [9], 0),
  scatterCase([6, 4], [10], 0),
  scatterCase([3, 5, 4], [2, 6], 1),
  scatterCase([3, 4], [], 1),
  scatterCase([4, 3], [0], 0),
  scatterCase([2, 3, 2, 3], [7], 2),
  scatterCase([6, 3], [11], 0, 'int32'),
];

export const oneHotCases: readonly ConformanceCase[] = [
  oneHotCase('[6] depth 4 with out-of-range -1, 4, 1000', [6], () => [0, 3, -1, 4, 1000, 2], 4, 1, 0),
  oneHotCase('[3,5] depth 7 on 2.5 off -1', [3, 5], (r) => r.array(15, (q) => q.int(-2, 8)), 7, 2.5, -1),
  oneHotCase('scalar index depth 3', [], () => [1], 3, 1, 0),
  oneHotCase('[4] depth 1', [4], () => [0, 1, 0, -1], 1, 1, 0),
  oneHotCase('empty [0] depth 5', [0], () => [], 5, 1, 0),
  oneHotCase('[5] depth 3 on -0 off NaN', [5], () => [0, 2, 1, 3, -2147483648], 3, -0, NaN),
];
