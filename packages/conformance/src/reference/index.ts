/**
 * The float64 reference: one plain-loop implementation of every kernel in the
 * backend contract, independent of any backend. Inputs are host tensors whose
 * values are what the backend stores (float32 values, int32 integers, bool 0/1);
 * results are float64, not yet rounded to the output dtype. Accumulating
 * kernels also return each element's term count and Σ|term| for their bounds.
 */
export { unary, unaryScalar, binary, binaryScalar, where, cast, roundHalfEven, signOf } from './elementwise.js';
export { reduce, argReduce, reductionWindows } from './reduce.js';
export { transpose, slice, concat, pad, gather, scatterAdd, oneHot } from './movement.js';
export { matMul, fusedMatMul, activate } from './matmul.js';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, fusedConv2d, forEachTap } from './conv.js';
export { maxPool, maxPoolGrad, avgPool, avgPoolGrad } from './pool.js';
export { softmax, logSoftmax, softmaxCrossEntropy, type SoftmaxResult, type CrossEntropyResult } from './softmax.js';
export { optimizerUpdate, optimizerStep, slotCount, FLOAT32_STEP, type StepArithmetic } from './optimizer.js';
export type { Accumulated } from './accumulate.js';
export { philoxUniform, philoxUniformAt } from './philox_uniform.js';
export { unaryGrad } from './unary_grad.js';
