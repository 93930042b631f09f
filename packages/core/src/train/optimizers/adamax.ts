import type { Tensor } from '../../tensor.js';
import { add, div, maximum, mul, sub } from '../../ops/binary.js';
import { abs } from '../../ops/unary.js';
import type { OptimizerOptions } from './clipping.js';
import { Optimizer, checkHyper, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Adamax as Keras 3 computes it (a composite), at step `step` (1 first):
 * `m += (g - m)·(1-β1)`; `u = max(β2·u, |g|)`; `value -= lr · m / ((1-β1^t)·(u + ε))`.
 */
export function adamaxUpdate(
  value: Tensor,
  grad: Tensor,
  m: Tensor,
  u: Tensor,
  learningRate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  step: number,
): { value: Tensor; m: Tensor; u: Tensor } {
  const newM = add(m, mul(sub(grad, m), 1 - beta1));
  const newU = maximum(mul(u, beta2), abs(grad));
  const newValue = sub(value, mul(div(newM, add(newU, epsilon)), learningRate / (1 - beta1 ** step)));
  return { value: newValue, m: newM, u: newU };
}

/**
 * Adamax (Adam under the infinity norm, Kingma & Ba §7.1) with Keras
 * defaults; slots 'm' and 'u' per variable.
 * @example new Adamax(0.002)
 */
export class Adamax extends Optimizer {
  readonly className = 'Adamax';
  protected readonly slotPrefix = 'adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(learningRate: number | LearningRateSchedule = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, options?: OptimizerOptions) {
    super(learningRate, 'Adamax', options);
    this.beta1 = checkHyper('Adamax', 'beta1', beta1, { min: 0, max: 1, maxInclusive: false });
    this.beta2 = checkHyper('Adamax', 'beta2', beta2, { min: 0, max: 1, maxInclusive: false });
    this.epsilon = checkHyper('Adamax', 'epsilon', epsilon, { min: 0, minInclusive: false });
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [
      { key: 'm', initialValue: 0 },
      { key: 'u', initialValue: 0 },
    ];
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>, step: number): UpdateResult {
    const r = adamaxUpdate(value, grad, slots['m']!, slots['u']!, this.learningRate, this.beta1, this.beta2, this.epsilon, step);
    return { value: r.value, slots: { m: r.m, u: r.u } };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
