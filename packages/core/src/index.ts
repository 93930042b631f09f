/**
 * @polytensor/core: tensors, autodiff and ops over pluggable backends.
 * Import a backend package (or `await ready()`) before creating tensors.
 */
export * from './backend/types.js';
export * from './backend/kernels.js';
export type * from './backend/backend.js';
export { PolytensorError } from './errors.js';
export { Tensor, type TensorLike, type NestedArray } from './tensor.js';
export { Variable, variable, registeredVariables } from './variable.js';
export { ENGINE, Engine, type MemoryInfo, type TensorContainer } from './engine/engine.js';
export type { GradFn, Saved } from './engine/tape.js';
export * from './engine/api.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './autodiff.js';
export { setSeed, getRandomState, setRandomState, randomUniform, randomNormal, truncatedNormal, shuffle, randomStream, type RandomState, type Stream } from './random/random.js';
export { philox4x32 } from './random/philox.js';
export { broadcastShapes } from './util/shape.js';

import './ops/chain.js';
export { computeConv2DInfo, computePool2DInfo, type PaddingSpec } from './ops/conv_util.js';
export { tensor, scalar } from './ops/convert.js';
export { fill, zeros, ones, zerosLike, onesLike, range, eye } from './ops/creation.js';
export * from './ops/unary.js';
export { add, sub, mul, div, pow, maximum, minimum, squaredDifference } from './ops/binary.js';
export * from './ops/compare.js';
export { where } from './ops/where.js';
export { dropout } from './ops/dropout.js';
export { cast, clone } from './ops/cast.js';
export { sum, mean, max, min, prod } from './ops/reduce.js';
export { argMax, argMin } from './ops/arg_reduce.js';
export { reshape, flatten, squeeze, expandDims } from './ops/reshape.js';
export { transpose } from './ops/transpose.js';
export { slice } from './ops/slice.js';
export { pad } from './ops/pad.js';
export { concat, stack } from './ops/concat.js';
export { gather, scatterAdd, oneHot } from './ops/gather.js';
export { matMul } from './ops/mat_mul.js';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter } from './ops/conv2d.js';
export { maxPool, avgPool } from './ops/pool.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { fusedMatMul, type FusedMatMulArgs } from './ops/fused_mat_mul.js';
export { fusedConv2d, type FusedConv2DArgs } from './ops/fused_conv2d.js';
export { softmaxCrossEntropyWithLogits } from './ops/softmax_cross_entropy.js';
export { sumToShape } from './ops/sum_to_shape.js';

// nn: initializers, activations, layers
export { initializers, getInitializer, computeFans, type Initializer, type InitializerSpec, type InitializerName } from './nn/initializers.js';
export { ACTIVATIONS, getActivation, type ActivationName } from './nn/activations.js';
export * from './nn/layers/index.js';

// train: losses, metrics, optimizers, models, callbacks, save/load
export { Sequential, loadSequential as loadModel, type CompileArgs, type FitArgs } from './train/model.js';
export { Callback, History, EarlyStopping, ModelCheckpoint, LambdaCallback, type Logs, type EarlyStoppingArgs, type ModelCheckpointArgs } from './train/callbacks.js';
export { ProgressBar, type ProgressSink } from './train/progress.js';
export type { IOHandler, ModelArtifacts, SaveResult, WeightSpec } from './train/io.js';
export {
  softmaxCrossEntropy, sparseSoftmaxCrossEntropy, categoricalCrossentropy, sparseCategoricalCrossentropy, meanSquaredError,
  getLoss, lossNames, LOSSES, type LossFn, type LossInfo, type LossName,
} from './train/losses.js';
export {
  accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
  getMetric, metricNames, METRICS, type MetricFn, type MetricInfo, type MetricName,
} from './train/metrics.js';
export * from './train/optimizers/index.js';
