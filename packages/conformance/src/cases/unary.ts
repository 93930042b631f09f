import type { DType, UnaryOp } from '@polytensor/core';
import { UNARY_INPUT_DTYPES, UNARY_OPS, unaryOutputDType } from '@polytensor/core';
import { FLT_MAX } from '../float.js';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { judgeFor } from './judges.js';
import type { ConformanceCase } from './types.js';
import { SPECIALS, halves, int32, mix, uniform, wide } from './values.js';
import { fmtNum } from '../float.js';

type Gen = (r: Rng) => number;

/** Where each float op's random inputs come from (see the tolerance table's `domain`). */
const DOMAIN: Record<UnaryOp, Gen> = {
  neg: wide(-30, 30),
  abs: wide(-30, 30),
  sign: mix(wide(-30, 30), () => 0),
  relu: wide(-30, 30),
  square: wide(-60, 60),
  floor: mix(wide(-10, 30), halves),
  ceil: mix(wide(-10, 30), halves),
  round: mix(halves, wide(-10, 30)),
  exp: uniform(-87, 88),
  expm1: mix(uniform(-87, 88), wide(-40, -1)),
  log: mix((r) => r.logUniform(-126, 127, false), uniform(0.5, 2)),
  log1p: mix(uniform(-0.999, 10), wide(-40, -1), (r) => r.logUniform(0, 99, false)),
  sqrt: (r) => r.logUniform(-126, 127, false),
  rsqrt: (r) => r.logUniform(-126, 127, false),
  reciprocal: wide(-120, 120),
  sigmoid: uniform(-80, 80),
  tanh: mix(uniform(-20, 20), wide(-40, -1)),
  elu: uniform(-30, 30),
  softplus: uniform(-80, 80),
  sin: uniform(-32, 32),
  cos: uniform(-32, 32),
  logicalNot: (r) => (r.bool() ? 1 : 0),
  isNaN: mix(wide(-30, 30), (r) => r.pick(SPECIALS)),
  isInf: mix(wide(-30, 30), (r) => r.pick(SPECIALS)),
  isFinite: mix(wide(-30, 30), (r) => r.pick(SPECIALS)),
};

/** Special inputs per op: every op gets SPECIALS except where the result is unpinned or ill-posed. */
function specialsFor(op: UnaryOp): number[] {
  switch (op) {
    case 'sin':
    case 'cos':
      return [NaN, Infinity, -Infinity, 0, -0, ...SPECIALS.filter((v) => Number.isFinite(v) && Math.abs(v) <= 2 && v !== 0)];
    case 'rsqrt':
      return SPECIALS.filter((v) => !Object.is(v, -0));
    case 'square':
      return [...SPECIALS, Math.fround(2 ** 64), Math.fround(-(2 ** 70)), Math.fround(2 ** -80)];
    case 'expm1':
    case 'log1p':
    case 'tanh':
      return [...SPECIALS, Math.fround(1e-10), Math.fround(-3e-9), -0.9999999, 88.5];
    case 'round':
      return [...SPECIALS, 0.5, 2.5, 3.5, -3.5, -0.5, 4.5, 0.49999997, 8388607.5, 8388609, -1.5];
    case 'floor':
    case 'ceil':
      return [...SPECIALS, -0.25, 0.25, 8388607.5, -8388607.5, 1e20];
    case 'exp':
      return [...SPECIALS, 88.72283, 88.7229, -103.97, -87.33655, -104];
    case 'log':
      return [...SPECIALS, 1, Math.fround(1 + 2 ** -23), Math.fround(1 - 2 ** -24), FLT_MAX];
    default:
      return [...SPECIALS];
  }
}

function unaryCase(op: UnaryOp, name: string, dtype: DType, inputs: (r: Rng) => HostTensor): ConformanceCase<'unary'> {
  return kernelCase({
    kernel: 'unary',
    op,
    name,
    inputs: (r) => [inputs(r)],
    call: (b, [x]) => b.kernels.unary(op, x!),
    expect: ([x], num) => {
      const out = ref.unary(op, x!);
      return { shape: out.shape, dtype: out.dtype, ref: out.values, judge: judgeFor(op, num, unaryOutputDType(op, dtype)) };
    },
    describe: ([x], i) => `x=${fmtNum(x!.values[i]!)}`,
  });
}

const SHAPES: ReadonlyArray<readonly number[]> = [[], [1031], [2, 3, 5], [2, 1, 3, 2, 1, 2], [3, 0, 2]];

function casesFor(op: UnaryOp): ConformanceCase<'unary'>[] {
  const out: ConformanceCase<'unary'>[] = [];
  const dtypes = UNARY_INPUT_DTYPES[op];
  const main: DType = dtypes[0]!;
  const gen = DOMAIN[op];
  for (const shape of SHAPES) {
    const what = shape.length === 0 ? 'scalar' : sizeOf(shape) === 0 ? `empty ${shapeStr(shape)}` : `rank ${shape.length} ${shapeStr(shape)}`;
    out.push(unaryCase(op, `${main} ${what}`, main, (r) => host(shape, r.array(sizeOf(shape), gen), main)));
  }
  if (main === 'float32') {
    const sp = specialsFor(op);
    out.push(unaryCase(op, 'special values (NaN, ±Inf, ±0, subnormals, extremes)', 'float32', () => host([sp.length], sp)));
  }
  if (dtypes.includes('int32')) {
    out.push(unaryCase(op, 'int32 [4,33] incl. -2^31 and 2^31-1 (wraps)', 'int32', (r) => host([4, 33], r.array(132, int32), 'int32')));
  }
  return out;
}

/** Every unary op: random inputs of rank 0–6 over its domain, an empty tensor, special values, int32 where accepted. */
export const unaryCases: readonly ConformanceCase<'unary'>[] = UNARY_OPS.flatMap(casesFor);
