import { PolytensorError } from '../../errors.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { Nadam } from './nadam.js';
import { Momentum } from './momentum.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** Names getOptimizer accepts. */
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax' | 'nadam' | 'adamw';

/** Each optimizer with Keras' default learning rate (momentum: 0.9). */
const FACTORIES: Readonly<Record<OptimizerName, (lr?: number) => Optimizer>> = {
  sgd: (lr) => new SGD(lr ?? 0.01),
  momentum: (lr) => new Momentum(lr ?? 0.01, 0.9),
  adam: (lr) => new Adam(lr ?? 0.001),
  rmsprop: (lr) => new RMSprop(lr ?? 0.001),
  adagrad: (lr) => new Adagrad(lr ?? 0.01),
  adadelta: (lr) => new Adadelta(lr ?? 0.001),
  adamax: (lr) => new Adamax(lr ?? 0.001),
  nadam: (lr) => new Nadam(lr ?? 0.001),
  adamw: (lr) => new AdamW(lr ?? 0.001),
};

/** Names getOptimizer accepts. */
export const optimizerNames = (): OptimizerName[] => Object.keys(FACTORIES) as OptimizerName[];

/**
 * An optimizer by name ('sgd', 'momentum', 'adam', 'rmsprop', 'adagrad',
 * 'adadelta', 'adamax', 'nadam', 'adamw'; case
 * and underscores ignored) with default hyperparameters and `learningRate` if
 * given, or an Optimizer instance passed through (its learning rate set to
 * `learningRate` when one is given).
 */
export function getOptimizer(identifier: string | Optimizer, learningRate?: number): Optimizer {
  if (identifier instanceof Optimizer) {
    if (learningRate !== undefined) identifier.learningRate = learningRate;
    return identifier;
  }
  if (typeof identifier !== 'string') {
    throw new PolytensorError(`getOptimizer: expected an optimizer name or an Optimizer, got ${identifier === null ? 'null' : typeof identifier}`);
  }
  const key = identifier.replace(/[_\-\s]/g, '').toLowerCase();
  const factory = (FACTORIES as Readonly<Record<string, (lr?: number) => Optimizer>>)[key];
  if (!factory || !Object.hasOwn(FACTORIES, key)) {
    throw new PolytensorError(
      `getOptimizer: unknown optimizer '${identifier}'; valid names are ${optimizerNames()
        .map((n) => `'${n}'`)
        .join(', ')}, or pass an Optimizer instance`,
    );
  }
  return factory(learningRate);
}
