/**
 * Reductions where vector code paths go wrong: NaN and ±Infinity anywhere in
 * rows long enough for SIMD main loops and tails (first, last, middle, several
 * per row), over inner, outer and several axes; and products whose partial
 * products leave float32's range although the result does not.
 */
import type { ArgReduceOp, ReduceOp } from '@polytensor/core';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { reduceCase as reduceCaseWith } from './reduce.js';
import type { ConformanceCase } from './types.js';

/** The non-finite terms of a failing output's window, by position. */
const nonFiniteTerms =
  (axes: readonly number[]) =>
  ([t]: readonly HostTensor[], i: number): string => {
    const w = ref.reductionWindows(t!.shape, axes)[i]!;
    const odd = w.filter((k) => !Number.isFinite(t!.values[k]!)).map((k) => `${t!.values[k]} at term ${w.indexOf(k)}`);
    return `${w.length} terms${odd.length ? `, ${odd.join(', ')}` : ''}`;
  };

/** A reduce case whose failures list the window's non-finite terms. */
const reduceCase = (op: ReduceOp, name: string, x: (r: Rng) => HostTensor, axes: readonly number[]): ConformanceCase<'reduce'> =>
  reduceCaseWith(op, name, x, axes, nonFiniteTerms(axes));

/** Where to put non-finite values in one reduction window (cycled over the outputs). */
const PATTERNS: ReadonlyArray<(n: number, r: Rng) => ReadonlyArray<readonly [number, number]>> = [
  (n, r) => [[r.int(0, n - 1), NaN]],
  () => [[0, NaN]],
  (n) => [[n - 1, NaN]],
  (n, r) => [[r.int(0, n - 1), Infinity]],
  (n, r) => [[r.int(0, n - 1), -Infinity]],
  (n, r) => [
    [r.int(0, n - 1), Infinity],
    [r.int(0, n - 1), -Infinity],
  ],
  (n, r) => [
    [n - 1, -Infinity],
    [r.int(0, n - 2), Infinity],
    [r.int(0, n - 2), NaN],
  ],
  () => [],
  (n, r) => [
    [r.int(0, n - 1), Infinity],
    [r.int(0, n - 1), 0],
  ],
];

/** Random finite values (near 1 in magnitude for prod), then each window gets a pattern of NaN/±Inf. */
function withNonFinite(op: string, shape: readonly number[], axes: readonly number[]) {
  return (r: Rng): HostTensor => {
    const gen = op === 'prod' ? (q: Rng) => (q.bool() ? -1 : 1) * q.float(0.8, 1.25) : (q: Rng) => q.float(-4, 4);
    const values = r.array(sizeOf(shape), gen);
    ref.reductionWindows(shape, axes).forEach((w, o) => {
      for (const [k, v] of PATTERNS[o % PATTERNS.length]!(w.length, r)) values[w[k]!] = v;
    });
    return host(shape, values);
  };
}

/** Rows of 9 to 1000 terms: past any SIMD width, with tails; inner, outer and several axes. */
const LAYOUTS: ReadonlyArray<readonly [readonly number[], readonly number[]]> = [
  [[9, 37], [1]],
  [[9, 64], [1]],
  [[37, 9], [0]],
  [
    [2, 9, 3, 11],
    [1, 3],
  ],
  [[3, 333], [1]],
];

function nonFiniteCases(op: ReduceOp): ConformanceCase<'reduce'>[] {
  return LAYOUTS.map(([shape, axes]) =>
    reduceCase(op, `NaN, ±Inf anywhere in long rows ${shapeStr(shape)} axes ${shapeStr(axes)}`, withNonFinite(op, shape, axes), axes),
  );
}

function argCase(op: ArgReduceOp, shape: readonly number[], axis: number): ConformanceCase<'argReduce'> {
  return kernelCase({
    kernel: 'argReduce',
    op,
    name: `NaN, ±Inf anywhere in long rows ${shapeStr(shape)} axis ${axis} (first NaN wins)`,
    inputs: (r) => [withNonFinite(op, shape, [axis])(r)],
    call: (b, [t]) => b.kernels.argReduce(op, t!, axis),
    expect: ([t]) => {
      const out = ref.argReduce(op, t!, axis);
      return { shape: out.shape, dtype: 'int32', ref: out.values, judge: { kind: 'exact', signedZero: false } };
    },
  });
}

const f = Math.fround;
const BIG = f(1e30);
const SMALL = f(1e-30);

/**
 * Products whose every evaluation order in float32 over- or underflows on the
 * way, while the exact product (the reference) is an ordinary float32: the
 * contract asks for a result within γ_n·|ref|, so partial products need a
 * wider exponent range (a float64 accumulator, or explicit exponent tracking).
 */
const OVERFLOW_ROWS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['3e38 · 10 · 1e-30 = 3e9', [3e38, 10, 1e-30]],
  ['1e30⁴ · 1e-30⁴', [BIG, BIG, BIG, BIG, SMALL, SMALL, SMALL, SMALL]],
  ['1e-30⁴ · 1e30⁴', [SMALL, SMALL, SMALL, SMALL, BIG, BIG, BIG, BIG]],
  ['pairs of 1e30 and of 1e-30', [BIG, BIG, SMALL, SMALL, BIG, BIG, SMALL, SMALL]],
  ['1e20⁸ · (−1e-20)⁸, sign', [...new Array<number>(8).fill(1e20), ...new Array<number>(8).fill(-1e-20)]],
  ['1e5²⁰ · 1e-5²⁰ (40 terms)', [...new Array<number>(20).fill(1e5), ...new Array<number>(20).fill(1e-5)]],
  ['subnormal result 1e-20 · 1e-20 · 1e-2', [1e-20, 1e-20, 1e-2]],
  ['FLT_MAX · 2 · 0.25', [3.4028234663852886e38, 2, 0.25]],
];

function overflowCases(): ConformanceCase<'reduce'>[] {
  const cases = OVERFLOW_ROWS.map(([what, row]) => reduceCase('prod', `partial products leave float32's range: ${what}`, () => host([row.length], row), [0]));
  // the same rows along an outer axis (a transposed or strided reduction)
  cases.push(
    reduceCase(
      'prod',
      "partial products leave float32's range, outer axis [8,2]",
      () => {
        const a = OVERFLOW_ROWS[1]![1];
        const b = OVERFLOW_ROWS[3]![1];
        return host(
          [8, 2],
          a.flatMap((v, i) => [v, b[i]!]),
        );
      },
      [0],
    ),
    reduceCase('prod', 'true overflow and underflow give ±Infinity and ±0', () => host([3, 2], [BIG, BIG, -BIG, BIG, SMALL, -SMALL]), [1]),
  );
  return cases;
}

/** NaN/±Inf in long rows for every reduction; prod's intermediate range. */
export const reduceSpecialCases: readonly ConformanceCase<'reduce'>[] = [
  ...(['sum', 'prod', 'max', 'min'] as const).flatMap(nonFiniteCases),
  ...overflowCases(),
];

/** argMax/argMin with NaN and ±Inf in long rows. */
export const argReduceSpecialCases: readonly ConformanceCase<'argReduce'>[] = (['argMax', 'argMin'] as const).flatMap((op) => [
  argCase(op, [9, 37], 1),
  argCase(op, [37, 9], 0),
  argCase(op, [3, 333], 1),
]);
