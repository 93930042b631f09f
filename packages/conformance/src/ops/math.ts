/** Op cases: clipByValue, logSumExp, cumsum/cumprod, mod, floorDiv, trig and hyperbolic, erf, norms, moments, batchNorm, activations. */
import type { ConformanceCase } from '../cases/types.js';

export const mathOpCases: readonly ConformanceCase<'op'>[] = [];
