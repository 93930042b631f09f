/**
 * Gradients where the float32 output has lost the digits the gradient needs:
 * saturated regions (expm1 and elu near −1, sigmoid and tanh near ±1, exp and
 * softplus far out) and tiny or huge inputs (log, sqrt, rsqrt, reciprocal,
 * log1p, sin, cos, tanh, expm1 near 0). A gradient formula written with the
 * rounded output (expm1(x) + 1, y·(1 − y), 1 − y²) is off by up to 100%
 * there; the float64 reference is not. Judged relative to each element
 * (REGION_GRADIENT_TOLERANCE), differentiated elementwise with a relative step.
 *
 * Regions stop where float64 itself cannot resolve the function (1 − tanh(x)
 * underflows double's epsilon past |x| ≈ 18) or the gradient would leave
 * float32's normal range.
 */
import type { GradientRules, UnaryOp } from '@polytensor/core';
import * as core from '@polytensor/core';
import type { ConformanceCase } from './cases/types.js';
import { gradientCase, type GradientSpec } from './gradients.js';
import { host, type HostTensor } from './host.js';
import * as ref from './reference/index.js';
import type { Rng } from './rng.js';
import { REGION_GRADIENT_TOLERANCE } from './tolerances.js';

type RegionOp = 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'reciprocal' | 'sigmoid' | 'tanh' | 'elu' | 'softplus' | 'sin' | 'cos';

/** |x| log-uniform in [lo, hi] (lo, hi > 0); `signs`: which signs to draw. */
const logRange =
  (lo: number, hi: number, signs: 'pos' | 'neg' | 'both' = 'pos') =>
  (r: Rng): number => {
    const v = Math.fround(Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * r.next()));
    return signs === 'neg' || (signs === 'both' && r.bool()) ? -v : v;
  };
const range =
  (lo: number, hi: number) =>
  (r: Rng): number =>
    r.float(lo, hi);

/** [op, region name, generator]: each a [3,5] input. */
export const GRADIENT_REGIONS: ReadonlyArray<readonly [RegionOp, string, (r: Rng) => number]> = [
  ['exp', 'saturated low x in [-60, -20]', range(-60, -20)],
  ['exp', 'large x in [20, 80]', range(20, 80)],
  ['expm1', 'saturated low x in [-20, -8] (output near -1)', range(-20, -8)],
  ['expm1', 'large x in [10, 80]', range(10, 80)],
  ['expm1', 'tiny |x| in [1e-8, 1e-3]', logRange(1e-8, 1e-3, 'both')],
  ['log', 'tiny x in [1e-30, 1e-10]', logRange(1e-30, 1e-10)],
  ['log', 'huge x in [1e10, 1e30]', logRange(1e10, 1e30)],
  ['log1p', 'tiny |x| in [1e-8, 1e-3]', logRange(1e-8, 1e-3, 'both')],
  ['log1p', 'huge x in [1e10, 1e30]', logRange(1e10, 1e30)],
  ['sqrt', 'tiny x in [1e-30, 1e-10]', logRange(1e-30, 1e-10)],
  ['sqrt', 'huge x in [1e10, 1e30]', logRange(1e10, 1e30)],
  ['rsqrt', 'tiny x in [1e-20, 1e-10]', logRange(1e-20, 1e-10)],
  ['rsqrt', 'huge x in [1e4, 1e20]', logRange(1e4, 1e20)],
  ['reciprocal', 'tiny |x| in [1e-15, 1e-8]', logRange(1e-15, 1e-8, 'both')],
  ['reciprocal', 'huge |x| in [1e8, 1e15]', logRange(1e8, 1e15, 'both')],
  ['sigmoid', 'saturated high x in [8, 16] (output near 1)', range(8, 16)],
  ['sigmoid', 'saturated low x in [-40, -8]', range(-40, -8)],
  ['tanh', 'saturated |x| in [4, 9] (output near ±1)', logRange(4, 9, 'both')],
  ['tanh', 'tiny |x| in [1e-8, 1e-3]', logRange(1e-8, 1e-3, 'both')],
  ['elu', 'saturated low x in [-20, -5] (output near -1)', range(-20, -5)],
  ['softplus', 'saturated low x in [-40, -10]', range(-40, -10)],
  ['softplus', 'high x in [10, 30]', range(10, 30)],
  ['sin', 'tiny |x| in [1e-8, 1e-3]', logRange(1e-8, 1e-3, 'both')],
  ['cos', 'small |x| in [1e-4, 1e-2] (gradient -sin x)', logRange(1e-4, 1e-2, 'both')],
];

/** The region specs (exported so the suite's own tests can rerun them with other gradient rules). */
export function regionSpec(op: RegionOp, what: string, gen: (r: Rng) => number, rules?: GradientRules): GradientSpec<'unary'> {
  return {
    kernel: 'unary',
    op,
    name: `${what} [3,5]`,
    inputs: (r) => [host([3, 5], r.array(15, gen))],
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every op by its name (a test suite, never bundled for size)
    core: ([x]) => core[op](x!),
    reference: ([x]) => ref.unary(op as UnaryOp, x as HostTensor),
    tolerance: REGION_GRADIENT_TOLERANCE,
    elementwise: true,
    ...(rules ? { rules } : {}),
  };
}

/** Saturated- and tiny-region gradient cases for every unary op with such a region. */
export const regionGradientCases: readonly ConformanceCase[] = GRADIENT_REGIONS.map(([op, what, gen]) => gradientCase(regionSpec(op, what, gen)));
