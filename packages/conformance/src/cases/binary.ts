import type { BinaryOp, DType } from '@polytensor/core';
import { BINARY_INPUT_DTYPES, BINARY_OPS, binaryOutputDType } from '@polytensor/core';
import { fmtNum } from '../float.js';
import { broadcastMap, broadcastShapes, host, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { judgeFor } from './judges.js';
import type { ConformanceCase } from './types.js';
import { SPECIALS, int32, mix, uniform, wide } from './values.js';

type Gen = (r: Rng) => number;
type PairGen = (r: Rng) => [number, number];

/** Small integers as floats: comparisons and max/min need ties. */
const smallInts: Gen = (r) => r.int(-4, 4);

const DOMAIN: Record<BinaryOp, PairGen> = {
  add: (r) => [wide(-40, 40)(r), r.bool(0.1) ? 0 : wide(-40, 40)(r)],
  sub: (r) => {
    const a = wide(-40, 40)(r);
    return [a, r.bool(0.15) ? a : r.bool(0.2) ? Math.fround(a * 0.999) : wide(-40, 40)(r)];
  },
  mul: (r) => [wide(-60, 60)(r), wide(-60, 60)(r)],
  div: (r) => [wide(-60, 60)(r), wide(-60, 60)(r)],
  pow: (r) => {
    if (r.bool(0.15)) return [r.pick([-3, -2, -1.5, -0.5]), r.int(-5, 5)];
    return [r.logUniform(-4, 4, false), r.float(-6, 6)];
  },
  maximum: (r) => [mix(wide(-20, 20), smallInts)(r), mix(wide(-20, 20), smallInts)(r)],
  minimum: (r) => [mix(wide(-20, 20), smallInts)(r), mix(wide(-20, 20), smallInts)(r)],
  squaredDifference: (r) => [wide(-8, 8)(r), wide(-8, 8)(r)],
  equal: (r) => [smallInts(r), smallInts(r)],
  notEqual: (r) => [smallInts(r), smallInts(r)],
  less: (r) => [mix(smallInts, uniform(-4, 4))(r), mix(smallInts, uniform(-4, 4))(r)],
  lessEqual: (r) => [mix(smallInts, uniform(-4, 4))(r), mix(smallInts, uniform(-4, 4))(r)],
  greater: (r) => [mix(smallInts, uniform(-4, 4))(r), mix(smallInts, uniform(-4, 4))(r)],
  greaterEqual: (r) => [mix(smallInts, uniform(-4, 4))(r), mix(smallInts, uniform(-4, 4))(r)],
  logicalAnd: (r) => [r.bool() ? 1 : 0, r.bool() ? 1 : 0],
  logicalOr: (r) => [r.bool() ? 1 : 0, r.bool() ? 1 : 0],
};

function valuesFor(op: BinaryOp, dtype: DType, r: Rng, n: number, side: 0 | 1): number[] {
  if (dtype === 'bool') return r.array(n, (q) => (q.bool() ? 1 : 0));
  if (dtype === 'int32') {
    const cmp = binaryOutputDType(op, 'int32') === 'bool' || op === 'maximum' || op === 'minimum';
    return r.array(n, (q) => (cmp && q.bool(0.5) ? q.int(-3, 3) : int32(q)));
  }
  return r.array(n, (q) => DOMAIN[op](q)[side]);
}

function binaryCase(op: BinaryOp, name: string, dtype: DType, inputs: (r: Rng) => [HostTensor, HostTensor]): ConformanceCase<'binary'> {
  return kernelCase({
    kernel: 'binary',
    op,
    name,
    inputs: (r) => inputs(r),
    call: (b, [x, y]) => b.kernels.binary(op, x!, y!, broadcastShapes(x!.shape, y!.shape)),
    expect: ([x, y], num) => {
      const out = ref.binary(op, x!, y!);
      return { shape: out.shape, dtype: out.dtype, ref: out.values, judge: judgeFor(op, num, binaryOutputDType(op, dtype)) };
    },
    describe: ([x, y], i) => {
      const shape = broadcastShapes(x!.shape, y!.shape);
      const a = x!.values[broadcastMap(x!.shape, shape)[i]!]!;
      const b = y!.values[broadcastMap(y!.shape, shape)[i]!]!;
      return `a=${fmtNum(a)}, b=${fmtNum(b)}`;
    },
  });
}

/** Shape pairs covering every kind of broadcasting, rank 0 to 6, and empty tensors. */
const SHAPE_PAIRS: ReadonlyArray<readonly [readonly number[], readonly number[], string]> = [
  [[5, 7], [5, 7], 'same shape [5,7]'],
  [[], [2, 3, 4], 'scalar ⊗ [2,3,4]'],
  [[2, 3, 4], [], '[2,3,4] ⊗ scalar'],
  [[2, 3, 4], [4], 'trailing [2,3,4] ⊗ [4]'],
  [[3, 1], [1, 4], 'outer [3,1] ⊗ [1,4]'],
  [[2, 1, 3, 1, 2, 1], [1, 2, 1, 2, 1, 3], 'rank 6 [2,1,3,1,2,1] ⊗ [1,2,1,2,1,3]'],
  [[1], [257], '[1] ⊗ [257]'],
  [[0, 3], [1, 3], 'empty [0,3] ⊗ [1,3]'],
  [[2, 0], [2, 1], 'empty [2,0] ⊗ [2,1]'],
];

function casesFor(op: BinaryOp): ConformanceCase<'binary'>[] {
  const dtypes = BINARY_INPUT_DTYPES[op];
  const main = dtypes[0]!;
  const out: ConformanceCase<'binary'>[] = [];
  for (const [sa, sb, what] of SHAPE_PAIRS) {
    out.push(
      binaryCase(op, `${main} ${what}`, main, (r) => [
        host(sa, valuesFor(op, main, r, sizeOf(sa), 0), main),
        host(sb, valuesFor(op, main, r, sizeOf(sb), 1), main),
      ]),
    );
  }
  if (main === 'float32') {
    // every special against every special: a [k,1] ⊗ [1,k] grid
    const sp = op === 'pow' ? [...SPECIALS, 2, -3, 0.25] : [...SPECIALS];
    const k = sp.length;
    const grid = (): [HostTensor, HostTensor] => [host([k, 1], sp), host([1, k], sp)];
    if (op === 'pow') {
      // pow(1, NaN) and pow(±1, ±Inf) differ between JS (NaN) and C99 (1); the contract
      // does not pin them, so the grid checks every other pair
      out.push(
        binaryCase(op, 'special values grid (pinned IEEE/C99 cases)', 'float32', () => {
          const as: number[] = [];
          const bs: number[] = [];
          for (const a of sp) {
            for (const b of sp) {
              if (Math.abs(a) === 1 && !Number.isFinite(b)) continue;
              if (a === 1 && Number.isNaN(b)) continue;
              const v = a ** b;
              // keep results comfortably inside the normal range (or exactly 0 / ±Inf / NaN)
              if (Number.isFinite(v) && v !== 0 && (Math.abs(v) > 2 ** 100 || Math.abs(v) < 2 ** -100)) continue;
              as.push(a);
              bs.push(b);
            }
          }
          return [host([as.length], as), host([bs.length], bs)];
        }),
      );
    } else if (op !== 'squaredDifference') {
      out.push(binaryCase(op, `special values grid [${k},1] ⊗ [1,${k}]`, 'float32', grid));
    } else {
      const finite = sp.filter((v) => Number.isNaN(v) || !Number.isFinite(v) || Math.abs(v) < 2 ** 60);
      out.push(binaryCase(op, 'special values grid', 'float32', () => [host([finite.length, 1], finite), host([1, finite.length], finite)]));
    }
  }
  if (main === 'float32' && dtypes.includes('int32')) {
    out.push(
      binaryCase(op, 'int32 [3,1,4] ⊗ [5,1] (wraps)', 'int32', (r) => [
        host([3, 1, 4], valuesFor(op, 'int32', r, 12, 0), 'int32'),
        host([5, 1], valuesFor(op, 'int32', r, 5, 1), 'int32'),
      ]),
    );
  }
  if (dtypes.includes('bool') && main !== 'bool') {
    out.push(binaryCase(op, 'bool [4,1] ⊗ [1,4]', 'bool', () => [host([4, 1], [0, 1, 0, 1], 'bool'), host([1, 4], [0, 0, 1, 1], 'bool')]));
  }
  return out;
}

/** Every binary op: all kinds of broadcasting, rank 0–6, empty tensors, special-value grids, int32 and bool where accepted. */
export const binaryCases: readonly ConformanceCase<'binary'>[] = BINARY_OPS.flatMap(casesFor);
