import type { Tensor } from '../../tensor.js';
import { add, div, mul, sub } from '../../ops/binary.js';
import { sqrt, square } from '../../ops/unary.js';
import type { OptimizerOptions } from './clipping.js';
import { Optimizer, checkHyper, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Adadelta as Keras 3 and tfjs compute it (a composite: no backend kernel):
 * `accGrad = ρ·accGrad + (1-ρ)·g²`; `delta = √(accDelta + ε) / √(accGrad + ε) · g`;
 * `accDelta = ρ·accDelta + (1-ρ)·delta²`; `value -= lr · delta`.
 */
export function adadeltaUpdate(
  value: Tensor,
  grad: Tensor,
  accumulatedGrad: Tensor,
  accumulatedDelta: Tensor,
  learningRate: number,
  rho: number,
  epsilon: number,
): { value: Tensor; accumulatedGrad: Tensor; accumulatedDelta: Tensor } {
  const newAccGrad = add(mul(accumulatedGrad, rho), mul(square(grad), 1 - rho));
  const delta = div(mul(sqrt(add(accumulatedDelta, epsilon)), grad), sqrt(add(newAccGrad, epsilon)));
  const newAccDelta = add(mul(accumulatedDelta, rho), mul(square(delta), 1 - rho));
  return { value: sub(value, mul(delta, learningRate)), accumulatedGrad: newAccGrad, accumulatedDelta: newAccDelta };
}

/**
 * Adadelta (Zeiler 2012) with Keras defaults; slots 'accumulatedGrad' and
 * 'accumulatedDelta' per variable. Keras' default learning rate 0.001 makes it
 * slow; 1.0 is the paper's.
 * @example new Adadelta(1.0, 0.95)
 */
export class Adadelta extends Optimizer {
  readonly className = 'Adadelta';
  protected readonly slotPrefix = 'adadelta';
  readonly rho: number;
  readonly epsilon: number;

  constructor(learningRate: number | LearningRateSchedule = 0.001, rho = 0.95, epsilon = 1e-7, options?: OptimizerOptions) {
    super(learningRate, 'Adadelta', options);
    this.rho = checkHyper('Adadelta', 'rho', rho, { min: 0, max: 1 });
    this.epsilon = checkHyper('Adadelta', 'epsilon', epsilon, { min: 0, minInclusive: false });
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [
      { key: 'accumulatedGrad', initialValue: 0 },
      { key: 'accumulatedDelta', initialValue: 0 },
    ];
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>): UpdateResult {
    const r = adadeltaUpdate(value, grad, slots['accumulatedGrad']!, slots['accumulatedDelta']!, this.learningRate, this.rho, this.epsilon);
    return { value: r.value, slots: { accumulatedGrad: r.accumulatedGrad, accumulatedDelta: r.accumulatedDelta } };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
