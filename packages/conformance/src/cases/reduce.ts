import type { ArgReduceOp, DType, ReduceOp } from '@polytensor/core';
import { REDUCE_OPS } from '@polytensor/core';
import type { Judgement } from '../compare.js';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import type { EffectiveNumerics } from '../tolerances.js';
import { kernelCase } from './harness.js';
import { accumulationJudge, productJudge } from './judges.js';
import type { ConformanceCase } from './types.js';
import { int32, uniform, wide } from './values.js';

function judgeReduce(op: ReduceOp, a: ref.Accumulated, num: EffectiveNumerics): Judgement {
  if (a.out.dtype !== 'float32' || op === 'max' || op === 'min') return { kind: 'exact', signedZero: false };
  return op === 'sum' ? accumulationJudge(a, num) : productJudge(a, num);
}

/** Each output's count of terms and Σ|term| (the accumulation bound's inputs). */
const termsOf =
  (op: ReduceOp, axes: readonly number[]) =>
  (xs: readonly HostTensor[], i: number): string => {
    const a = ref.reduce(op, xs[0]!, axes);
    return `${a.terms[i]} terms, Σ|term| = ${a.absSum[i]!.toPrecision(6)}`;
  };

/** One reduce case against the float64 reference; `describe` explains a failing output (default: its terms). */
export function reduceCase(
  op: ReduceOp,
  name: string,
  x: (r: Rng) => HostTensor,
  axes: readonly number[],
  describe: (xs: readonly HostTensor[], i: number) => string = termsOf(op, axes),
): ConformanceCase<'reduce'> {
  return kernelCase({
    kernel: 'reduce',
    op,
    name,
    inputs: (r) => [x(r)],
    call: (b, [t]) => b.kernels.reduce(op, t!, axes),
    expect: ([t], num) => {
      const a = ref.reduce(op, t!, axes);
      return { shape: a.out.shape, dtype: a.out.dtype, ref: a.out.values, judge: judgeReduce(op, a, num) };
    },
    describe,
  });
}

function argCase(op: ArgReduceOp, name: string, x: (r: Rng) => HostTensor, axis: number): ConformanceCase<'argReduce'> {
  return kernelCase({
    kernel: 'argReduce',
    op,
    name,
    inputs: (r) => [x(r)],
    call: (b, [t]) => b.kernels.argReduce(op, t!, axis),
    expect: ([t]) => {
      const out = ref.argReduce(op, t!, axis);
      return { shape: out.shape, dtype: 'int32', ref: out.values, judge: { kind: 'exact', signedZero: false } };
    },
  });
}

const rand =
  (shape: readonly number[], gen: (r: Rng) => number, dtype: DType = 'float32') =>
  (r: Rng): HostTensor =>
    host(shape, r.array(sizeOf(shape), gen), dtype);

/** Random shapes and axes (rank 1–6) plus the fixed edge cases. */
const LAYOUTS: ReadonlyArray<readonly [readonly number[], readonly number[]]> = [
  [[1000], [0]],
  [[7, 9], [0]],
  [[7, 9], [1]],
  [
    [7, 9],
    [0, 1],
  ],
  [[3, 4, 5], [1]],
  [
    [3, 4, 5],
    [0, 2],
  ],
  [
    [2, 1, 3, 2, 2, 3],
    [1, 3, 5],
  ],
  [
    [2, 1, 3, 2, 2, 3],
    [0, 1, 2, 3, 4, 5],
  ],
  [[3, 0], [1]],
  [[0, 4], [0]],
  [[0, 4], [1]],
];

function casesFor(op: ReduceOp): ConformanceCase<'reduce'>[] {
  const gen = op === 'prod' ? (r: Rng) => (r.bool() ? -1 : 1) * r.float(0.5, 2) : wide(-20, 20);
  const out: ConformanceCase<'reduce'>[] = LAYOUTS.map(([shape, axes]) => {
    const empty = sizeOf(shape) === 0;
    // long products stay near 1 so they neither overflow nor underflow
    const g = op === 'prod' && sizeOf(shape) > 100 ? uniform(0.97, 1.03) : gen;
    return reduceCase(op, `float32 ${shapeStr(shape)} axes ${shapeStr(axes)}${empty ? ' (empty)' : ''}`, rand(shape, g), axes);
  });
  // special values: NaN propagates, infinities, signed zeros
  const specials = [
    [1, NaN, 2, 3],
    [Infinity, 1, 2, 3],
    [-Infinity, 5, -7, 1],
    [Infinity, -Infinity, 0, 1],
    [0, -0, 0, -0],
    [-0, -0, -0, -0],
    [NaN, NaN, 1, -Infinity],
    [2, 3, 4, 0],
  ];
  out.push(reduceCase(op, 'special values: NaN, ±Inf, ±0 rows', () => host([specials.length, 4], specials.flat()), [1]));
  if (op === 'sum') {
    out.push(
      reduceCase(
        op,
        'cancellation: large terms summing to small values',
        (r) => {
          const vals: number[] = [];
          for (let row = 0; row < 6; row++) {
            const big = r.array(16, wide(10, 20));
            vals.push(...big, ...big.map((v) => -v).reverse(), ...r.array(4, wide(-8, 0)));
          }
          return host([6, 36], vals);
        },
        [1],
      ),
    );
  }
  if (op === 'max' || op === 'min') {
    out.push(
      reduceCase(
        op,
        'ties and integers [8,6] axis 1',
        rand([8, 6], (r) => r.int(-2, 2)),
        [1],
      ),
    );
  }
  const intGen = op === 'prod' ? (r: Rng) => (r.bool(0.7) ? r.int(-9, 9) : int32(r)) : int32;
  out.push(reduceCase(op, 'int32 [5,9] axis 1 (wraps)', rand([5, 9], intGen, 'int32'), [1]));
  out.push(reduceCase(op, 'int32 [4,3,5] axes [0,2]', rand([4, 3, 5], intGen, 'int32'), [0, 2]));
  if (op === 'sum' || op === 'prod') {
    out.push(reduceCase(op, 'int32 empty [2,0] axis 1 (identity)', rand([2, 0], int32, 'int32'), [1]));
  }
  return out;
}

function argCasesFor(op: ArgReduceOp): ConformanceCase<'argReduce'>[] {
  return [
    argCase(op, 'float32 [7,9] axis 1', rand([7, 9], wide(-20, 20)), 1),
    argCase(op, 'float32 [3,4,5] axis 0', rand([3, 4, 5], wide(-20, 20)), 0),
    argCase(op, 'float32 [3,4,5] axis 1', rand([3, 4, 5], wide(-20, 20)), 1),
    argCase(op, 'float32 [1000] axis 0', rand([1000], wide(-20, 20)), 0),
    argCase(op, 'rank 6 [2,1,3,2,2,3] axis 3', rand([2, 1, 3, 2, 2, 3], wide(-20, 20)), 3),
    argCase(
      op,
      'ties pick the first index [10,6]',
      rand([10, 6], (r) => r.int(-1, 1)),
      1,
    ),
    argCase(
      op,
      'NaN counts as the extreme (first NaN wins); ±Inf; ±0 ties',
      () => host([6, 4], [1, NaN, 3, NaN, NaN, 5, 7, 1, -Infinity, 1, Infinity, 2, Infinity, Infinity, -Infinity, -Infinity, 0, -0, 0, -0, -0, 0, -0, 0]),
      1,
    ),
    argCase(op, 'int32 [6,5] axis 1', rand([6, 5], int32, 'int32'), 1),
    argCase(op, 'empty outer [0,4] axis 1', rand([0, 4], wide(-20, 20)), 1),
  ];
}

/** Reductions (sum, prod, max, min) over axes of rank 1–6, empty reductions, special values, int32. */
export const reduceCases: readonly ConformanceCase<'reduce'>[] = REDUCE_OPS.flatMap(casesFor);

/** argMax / argMin: first index, NaN as the extreme, ties, int32. */
export const argReduceCases: readonly ConformanceCase<'argReduce'>[] = (['argMax', 'argMin'] as const satisfies readonly ArgReduceOp[]).flatMap(argCasesFor);
