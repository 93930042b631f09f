/**
 * @polytensor/core: tensors, autodiff and ops over pluggable backends.
 * Import a backend package (or `await ready()`) before creating tensors.
 */
export * from './backend/types.js';
export * from './backend/kernels.js';
export type * from './backend/backend.js';
export { BufferStorage, DataStore } from './backend/data_store.js';
export * from './backend/shape_utils.js';
export { defineBackend, callKernel, type BackendDefinition, type KernelImpls } from './backend/define.js';
export {
  KERNELS,
  KERNEL_NAMES,
  PRIMITIVE_KERNELS,
  isPrimitive,
  kernelLabel,
  toleranceOf,
  type KernelSpec,
  type PrimitiveSpec,
  type OptionalSpec,
  type PrimitiveKernel,
  type OptionalKernel,
  type KernelTolerance,
} from './kernels/table.js';
export { composite, Temps, type KernelContext } from './kernels/temps.js';
export * from './kernels/tolerance.js';
export { GRADIENTS, activationGrad } from './grad/rules.js';
export { PolytensorError, MemoryLimitError, type MemoryLimitKind } from './errors.js';
export { DEFAULT_BACKEND_LIMITS, formatBytes, type MemoryCaps, type ResolvedLimits } from './engine/memory_limits.js';
export { Tensor, type TensorLike, type NestedArray } from './tensor.js';
export { Variable, variable, registeredVariables, disposeVariables } from './variable.js';
export { ENGINE, Engine, type MemoryInfo, type TensorContainer } from './engine/engine.js';
export type { GradFn, Saved, GradientRules, KernelGradRule, TensorArgs } from './engine/tape.js';
export type { MultiGradFn } from './engine/tape.js';
export * from './engine/api.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './autodiff.js';
export {
  setSeed,
  getRandomState,
  setRandomState,
  randomUniform,
  randomNormal,
  truncatedNormal,
  shuffle,
  randomStream,
  type RandomState,
  type Stream,
} from './random/random.js';
export { philox4x32 } from './random/philox.js';
export { HostArrayPool } from './random/host_pool.js';
export { broadcastShapes } from './util/shape.js';

export * from './ops/ops.js';
export { profile, time, nextFrame, backend, findBackend, findBackendFactory, type ProfileInfo, type KernelProfile, type TimingInfo } from './engine/profile.js';
export type { KernelCall } from './engine/engine.js';
export { TensorBuffer, buffer, upcastType, sumOutType } from './tensor_buffer.js';
export { print } from './print.js';
export { enclosingPowerOfTwo } from './ops/cosine_window.js';
// tfjs's linalg namespace (an object, so not in the ops barrel, whose exports are all functions).
export { linalg } from './ops/band_part.js';

// nn: initializers, activations, layers
export {
  initializers,
  getInitializer,
  registerInitializer,
  computeFans,
  type Initializer,
  type InitializerSpec,
  type InitializerName,
} from './nn/initializers.js';
export { ACTIVATIONS, getActivation, type ActivationName } from './nn/activations.js';
export { regularizers, getRegularizer, serializeRegularizer, L1L2, type Regularizer, type RegularizerSpec } from './nn/regularizers.js';
export {
  constraints,
  getConstraint,
  serializeConstraint,
  MaxNorm,
  NonNeg,
  UnitNorm,
  MinMaxNorm,
  type Constraint,
  type ConstraintSpec,
} from './nn/constraints.js';
export * from './nn/layers/index.js';

// train: losses, metrics, optimizers, models, callbacks, save/load
export {
  LayersModel,
  type CompileArgs,
  type FitArgs,
  type FitDatasetArgs,
  type DatasetBatch,
  type DatasetLike,
  type LossIdentifier,
  type MetricIdentifier,
  type OptimizerIdentifier,
} from './train/layers_model.js';
export { Sequential, type SequentialArgs } from './train/sequential.js';
export { Model, model, type ModelArgs, type FunctionalConfig } from './train/functional.js';
export { loadModel, loadLayersModel } from './train/load.js';
export { warmup, type WarmupReport } from './train/warmup.js';
export type { TensorOrTensors } from './train/model_io.js';
export {
  Callback,
  History,
  EarlyStopping,
  ModelCheckpoint,
  LambdaCallback,
  TerminateOnNaN,
  type Logs,
  type EarlyStoppingArgs,
  type ModelCheckpointArgs,
  type CallbackHooks,
  type CallbackArg,
} from './train/callbacks.js';
export { ProgressBar, type ProgressSink } from './train/progress.js';
export type {
  IOHandler,
  TfjsIOHandler,
  TfjsArtifacts,
  TfjsArtifactsLike,
  TfjsWeightSpec,
  LoadLimits,
  LoadOptions,
  ModelArtifacts,
  ModelJson,
  ModelTopology,
  SequentialTopology,
  FunctionalTopology,
  LayerSpec,
  SaveOptions,
  SaveResult,
  TrainingConfig,
  WeightSpec,
} from './train/io/types.js';
export { DEFAULT_LOAD_LIMITS } from './train/io/limits.js';
export { fromFiles } from './train/io/browser_files.js';
export {
  softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  meanSquaredError,
  getLoss,
  registerLoss,
  lossNames,
  LOSSES,
  type LossFn,
  type LossInfo,
  type LossName,
} from './train/losses.js';
export {
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  getMetric,
  registerMetric,
  metricNames,
  METRICS,
  type MetricFn,
  type MetricInfo,
  type MetricName,
} from './train/metrics.js';
export * from './train/optimizers/index.js';
// losses namespace, stateful metrics, schedules (op breadth), each family under its heading:
// losses:
export {
  binaryCrossentropy,
  sigmoidCrossEntropy,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  huber,
  logCosh,
  hinge,
  squaredHinge,
  categoricalHinge,
  kullbackLeiblerDivergence,
  poisson,
  cosineSimilarity,
  type BinaryCrossentropyOptions,
} from './train/keras_losses.js';
export { losses, Reduction } from './train/tf_losses.js';
export type { LossAlias } from './train/losses.js';

// metrics:
// (meanAbsoluteError and cosineSimilarity at the top level are the losses; the metrics are metrics.meanAbsoluteError, metrics.cosineSimilarity)
export { metrics, precision, recall, auc } from './train/metrics.js';
export {
  Metric,
  Precision,
  Recall,
  AUC,
  MeanIoU,
  type MetricConfig,
  type PrecisionRecallArgs,
  type AUCArgs,
  type MeanIoUArgs,
} from './train/stateful_metrics.js';

// optimizers, schedules and clipping:
// (Adadelta, Adamax, Nadam, AdamW, schedules and OptimizerOptions come with train/optimizers/index.js above)
export { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './train/reduce_lr.js';

// random:

// gradient tools:
