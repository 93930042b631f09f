// tfjs's `train` namespace: factory functions with tfjs's argument order and
// defaults, returning polytensor's optimizers (the classes take the same
// arguments plus clipping options).
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { Momentum } from './momentum.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/**
 * Optimizers made the way tfjs's `tf.train.*` makes them.
 * @example const opt = train.adam(0.01); model.compile({ optimizer: opt, loss: 'mse' });
 */
export const train = Object.freeze({
  sgd: (learningRate: number): SGD => new SGD(learningRate),
  momentum: (learningRate: number, momentum: number, useNesterov = false): Momentum => new Momentum(learningRate, momentum, useNesterov),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1): Adagrad => new Adagrad(learningRate, initialAccumulatorValue),
  adadelta: (learningRate = 0.001, rho = 0.95, epsilon?: number): Adadelta => new Adadelta(learningRate, rho, epsilon),
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): Adam => new Adam(learningRate, beta1, beta2, epsilon),
  /** tfjs's `decay` (a per-step learning-rate decay) is not supported: pass a schedule to `new Adamax(...)` instead. */
  adamax: (learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon?: number): Adamax => new Adamax(learningRate, beta1, beta2, epsilon),
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon?: number, centered = false): RMSprop =>
    new RMSprop(learningRate, decay, momentum, epsilon, centered),
});
