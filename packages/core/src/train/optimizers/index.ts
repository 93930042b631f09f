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
export { getOptimizer, optimizerNames, type OptimizerName } from './registry.js';
