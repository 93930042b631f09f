/** Op cases: randomUniformInt, multinomial, randomGamma, bernoulli: the same numbers on every backend. */
import type { ConformanceCase } from '../cases/types.js';

export const randomOpCases: readonly ConformanceCase<'op'>[] = [];
