/**
 * Kernel unaryGrad: the sigmoid and tanh gradients in one pass, judged in
 * ULPs of the float64 value. Inputs are what a backward pass gives it: x,
 * the forward's output y (here σ(x) rounded to float32, which a conforming
 * sigmoid returns within its own bound) and an upstream gradient dy.
 */
import { UNARY_GRAD_OPS, type UnaryGradOp } from '@polytensor/core';
import { fmtNum } from '../float.js';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { judgeFor } from './judges.js';
import type { ConformanceCase } from './types.js';
import { SPECIALS, mix, uniform, wide } from './values.js';

/** The forward's float32 outputs for x (what unaryGrad's y holds). */
function forward(op: UnaryGradOp, x: HostTensor): HostTensor {
  const y = ref.unary(op, x);
  return host(
    x.shape,
    Float64Array.from(y.values, (v) => Math.fround(v)),
    'float32',
  );
}

function gradCase(op: UnaryGradOp, name: string, shape: readonly number[], xs: (r: Rng, n: number) => number[], dys: (r: Rng, n: number) => number[]) {
  return kernelCase({
    kernel: 'unaryGrad',
    name: `${op}: ${name}`,
    inputs: (r) => {
      const n = sizeOf(shape);
      const x = host(shape, xs(r, n));
      return [x, forward(op, x), host(shape, dys(r, n))];
    },
    call: (b, [x, y, dy]) => b.kernels.unaryGrad(op, x!, y!, dy!),
    expect: ([x, y, dy], num) => {
      const out = ref.unaryGrad(op, x!, y!, dy!);
      return { shape: out.shape, dtype: 'float32', ref: out.values, judge: judgeFor('unaryGrad', num, 'float32') };
    },
    describe: ([x, y, dy], i) => `x=${fmtNum(x!.values[i]!)}, y=${fmtNum(y!.values[i]!)}, dy=${fmtNum(dy!.values[i]!)}`,
  });
}

const SHAPES: ReadonlyArray<readonly number[]> = [[], [1031], [2, 3, 5], [3, 0, 2]];
/** x over each op's domain (the table's): beyond it an intermediate σ would be subnormal. */
const X: Record<UnaryGradOp, (r: Rng) => number> = {
  sigmoid: mix(uniform(-6, 6), uniform(-30, 30), uniform(-87, 87), wide(-40, -1)),
  tanh: mix(uniform(-6, 6), uniform(-20, 20), uniform(-43, 43), wide(-40, -1)),
};
const DY = mix(uniform(-3, 3), wide(-20, 20));

function casesFor(op: UnaryGradOp): ConformanceCase<'unaryGrad'>[] {
  const out = SHAPES.map((shape) =>
    gradCase(
      op,
      shape.length === 0 ? 'scalar' : sizeOf(shape) === 0 ? `empty ${shapeStr(shape)}` : `rank ${shape.length} ${shapeStr(shape)}`,
      shape,
      (r, n) => r.array(n, X[op]),
      (r, n) => r.array(n, DY),
    ),
  );
  // every special x against a finite dy, and special dy against finite x
  const sp = [...SPECIALS, 88.5, -88.5, 17.3, -17.3];
  out.push(
    gradCase(
      op,
      'special x (NaN, ±Inf, ±0, subnormals, saturation)',
      [sp.length],
      () => sp,
      (r, n) => r.array(n, uniform(-3, 3)),
    ),
  );
  out.push(
    gradCase(
      op,
      'special dy',
      [SPECIALS.length],
      (r, n) => r.array(n, uniform(-4, 4)),
      () => [...SPECIALS],
    ),
  );
  return out;
}

/** sigmoid and tanh: random x over the saturating range, an empty tensor, special x and special dy. */
export const unaryGradCases: readonly ConformanceCase<'unaryGrad'>[] = UNARY_GRAD_OPS.flatMap(casesFor);
