import { argReduceCases, reduceCases } from './reduce.js';
import { argReduceSpecialCases, reduceSpecialCases } from './reduce_special.js';
import { poolSpecialCases } from './pool_special.js';
import { binaryCases } from './binary.js';
import { castCases, whereCases } from './where_cast.js';
import { convCases2d, poolCases2d } from './conv.js';
import { fusedMatMulCases, matMulCases } from './matmul.js';
import { concatCases, gatherCases, oneHotCases, padCases, scatterAddCases, sliceCases, transposeCases } from './movement.js';
import { logSoftmaxCases, softmaxCases } from './softmax.js';
import { storageCases } from './storage.js';
import type { ConformanceCase } from './types.js';
import { unaryCases } from './unary.js';

export type { CaseKind, CaseResult, ConformanceCase } from './types.js';
export { kernelCase, execute, type KernelSpec, type Expected } from './harness.js';

/** Every kernel-level case (the Backend contract alone; no core ops needed). */
export const kernelCases: readonly ConformanceCase[] = [
  ...storageCases,
  ...unaryCases,
  ...binaryCases,
  ...whereCases,
  ...castCases,
  ...reduceCases,
  ...reduceSpecialCases,
  ...argReduceCases,
  ...argReduceSpecialCases,
  ...transposeCases,
  ...sliceCases,
  ...concatCases,
  ...padCases,
  ...gatherCases,
  ...scatterAddCases,
  ...oneHotCases,
  ...matMulCases,
  ...fusedMatMulCases,
  ...convCases2d,
  ...poolCases2d,
  ...poolSpecialCases,
  ...softmaxCases,
  ...logSoftmaxCases,
];

export {
  storageCases, unaryCases, binaryCases, whereCases, castCases, reduceCases, argReduceCases,
  transposeCases, sliceCases, concatCases, padCases, gatherCases, scatterAddCases, oneHotCases,
  matMulCases, fusedMatMulCases, convCases2d, poolCases2d, softmaxCases, logSoftmaxCases,
  reduceSpecialCases, argReduceSpecialCases, poolSpecialCases,
};
