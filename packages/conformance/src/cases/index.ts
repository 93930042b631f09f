import type { KernelName } from '@polytensor/core';
import { KERNEL_NAMES } from '@polytensor/core';
import { compositeTwin, isOptionalKernelCase } from '../composite_check.js';
import { binaryCases } from './binary.js';
import { convCases2d, fusedConv2dCases, poolCases2d } from './conv.js';
import { softmaxCrossEntropyCases } from './cross_entropy.js';
import { fusedMatMulCases, matMulCases } from './matmul.js';
import { concatCases, gatherCases, oneHotCases, padCases, scatterAddCases, sliceCases, transposeCases } from './movement.js';
import { optimizerCompositeCases, optimizerUpdateCases } from './optimizer.js';
import { philoxUniformCases } from './philox_uniform.js';
import { poolSpecialCases } from './pool_special.js';
import { argReduceCases, reduceCases } from './reduce.js';
import { argReduceSpecialCases, reduceSpecialCases } from './reduce_special.js';
import { logSoftmaxCases, softmaxCases } from './softmax.js';
import { storageCases } from './storage.js';
import type { ConformanceCase } from './types.js';
import { unaryCases } from './unary.js';
import { unaryGradCases } from './unary_grad.js';
import { castCases, whereCases } from './where_cast.js';

export type { CaseKind, CaseResult, CaseSubject, ConformanceCase } from './types.js';
export { kernelCase, execute, executeMany, type KernelSpec, type Expected, type OutputSpec } from './harness.js';

/** The cases of `lists` tagged with kernel `k` (lists that mix kernels, such as the pooling ones, are split by their tags). */
function casesOf<K extends KernelName>(k: K, ...lists: ReadonlyArray<readonly ConformanceCase[]>): ConformanceCase<K>[] {
  return lists.flat().filter((c): c is ConformanceCase<K> => c.kernel === k);
}

/**
 * The kernel cases of every kernel in core's table. The type requires an
 * entry for every KernelName, so a kernel added to the table without cases
 * does not compile; the suite's own tests check every entry (and every sub-op
 * of unary, binary, reduce and argReduce) has cases.
 */
export const KERNEL_CASES: { readonly [K in KernelName]: readonly ConformanceCase<K>[] } = {
  unary: unaryCases,
  binary: binaryCases,
  where: casesOf('where', whereCases),
  cast: casesOf('cast', castCases),
  reduce: [...reduceCases, ...reduceSpecialCases],
  argReduce: [...argReduceCases, ...argReduceSpecialCases],
  transpose: casesOf('transpose', transposeCases),
  slice: casesOf('slice', sliceCases),
  concat: casesOf('concat', concatCases),
  pad: casesOf('pad', padCases),
  gather: casesOf('gather', gatherCases),
  scatterAdd: casesOf('scatterAdd', scatterAddCases),
  oneHot: casesOf('oneHot', oneHotCases),
  matMul: casesOf('matMul', matMulCases),
  conv2d: casesOf('conv2d', convCases2d),
  conv2dBackpropInput: casesOf('conv2dBackpropInput', convCases2d),
  conv2dBackpropFilter: casesOf('conv2dBackpropFilter', convCases2d),
  maxPool: casesOf('maxPool', poolCases2d, poolSpecialCases),
  maxPoolGrad: casesOf('maxPoolGrad', poolCases2d, poolSpecialCases),
  avgPool: casesOf('avgPool', poolCases2d, poolSpecialCases),
  avgPoolGrad: casesOf('avgPoolGrad', poolCases2d, poolSpecialCases),
  softmax: casesOf('softmax', softmaxCases),
  logSoftmax: casesOf('logSoftmax', logSoftmaxCases),
  fusedMatMul: casesOf('fusedMatMul', fusedMatMulCases),
  fusedConv2d: fusedConv2dCases,
  softmaxCrossEntropy: softmaxCrossEntropyCases,
  philoxUniform: philoxUniformCases,
  unaryGrad: unaryGradCases,
};

/** Every kernel-level case in the table's order, storage first and the optimizer capability last (no composite checks). */
export const kernelCases: readonly ConformanceCase[] = [
  ...storageCases,
  ...KERNEL_NAMES.flatMap((k): readonly ConformanceCase[] => KERNEL_CASES[k]),
  ...optimizerUpdateCases,
];

/**
 * Kernel cases with their composite checks: after each optional kernel's
 * cases, the same cases run through core's composite (rows 'x (composite)'),
 * and after the optimizer rows the composite update's.
 */
export const kernelAndCompositeCases: readonly ConformanceCase[] = [
  ...storageCases,
  ...KERNEL_NAMES.flatMap((k): ConformanceCase[] => {
    const own: readonly ConformanceCase[] = KERNEL_CASES[k];
    return [...own, ...own.filter(isOptionalKernelCase).map(compositeTwin)];
  }),
  ...optimizerUpdateCases,
  ...optimizerCompositeCases,
];

export {
  storageCases,
  unaryCases,
  binaryCases,
  whereCases,
  castCases,
  reduceCases,
  argReduceCases,
  transposeCases,
  sliceCases,
  concatCases,
  padCases,
  gatherCases,
  scatterAddCases,
  oneHotCases,
  matMulCases,
  fusedMatMulCases,
  convCases2d,
  poolCases2d,
  softmaxCases,
  logSoftmaxCases,
  reduceSpecialCases,
  argReduceSpecialCases,
  poolSpecialCases,
  fusedConv2dCases,
  softmaxCrossEntropyCases,
  philoxUniformCases,
  unaryGradCases,
  optimizerUpdateCases,
  optimizerCompositeCases,
};
