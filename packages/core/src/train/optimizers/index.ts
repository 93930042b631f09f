export {
  Optimizer,
  type NamedTensor,
  type NamedGradients,
  type OptimizerConfig,
  type SlotSpec,
  type UpdateResult,
} from './optimizer.js';
export { SGD, sgdUpdate } from './sgd.js';
export { Momentum, momentumUpdate } from './momentum.js';
export { Adam, adamUpdate } from './adam.js';
export { RMSprop, rmspropUpdate } from './rmsprop.js';
export { Adagrad, adagradUpdate } from './adagrad.js';
export { Adadelta, adadeltaUpdate } from './adadelta.js';
export { Adamax, adamaxUpdate } from './adamax.js';
export { Nadam, nadamUpdate } from './nadam.js';
export { AdamW } from './adamw.js';
export type { OptimizerOptions } from './clipping.js';
export {
  LearningRateSchedule,
  ExponentialDecay,
  PiecewiseConstantDecay,
  CosineDecay,
  type ScheduleConfig,
  type ExponentialDecayArgs,
  type PiecewiseConstantDecayArgs,
  type CosineDecayArgs,
} from './schedules.js';
export { getOptimizer, optimizerNames, type OptimizerName } from './registry.js';
export { train } from './train_namespace.js';
