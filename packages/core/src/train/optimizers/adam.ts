import type { Tensor } from '../../tensor.js';
import { add, div, mul, sub } from '../../ops/binary.js';
import { sqrt, square } from '../../ops/unary.js';
import { Optimizer, checkHyper, fusedOptimizerUpdate, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { OptimizerOptions } from './clipping.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Adam as Keras/TF compute it (bias correction folded into the step size,
 * epsilon outside the square root), at step `step` (1 on the first update):
 * `m = β1·m + (1-β1)·g`, `v = β2·v + (1-β2)·g²`,
 * `value -= lr·√(1-β2^t)/(1-β1^t) · m / (√v + ε)`.
 */
export function adamUpdate(
  value: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  learningRate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  step: number,
): { value: Tensor; m: Tensor; v: Tensor } {
  const alpha = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  const fr = Math.fround;
  const fused = fusedOptimizerUpdate(
    { kind: 'adam', alpha: fr(alpha), beta1: fr(beta1), oneMinusBeta1: fr(1 - beta1), beta2: fr(beta2), oneMinusBeta2: fr(1 - beta2), epsilon: fr(epsilon) },
    value,
    grad,
    [m, v],
  );
  if (fused) return { value: fused[0]!, m: fused[1]!, v: fused[2]! };
  const newM = add(mul(m, beta1), mul(grad, 1 - beta1));
  const newV = add(mul(v, beta2), mul(square(grad), 1 - beta2));
  const newValue = sub(value, mul(div(newM, add(sqrt(newV), epsilon)), alpha));
  return { value: newValue, m: newM, v: newV };
}

/**
 * Adam (Kingma & Ba) with Keras defaults; slots 'm' and 'v' per variable.
 * @example new Adam(1e-3)
 */
export class Adam extends Optimizer {
  readonly className = 'Adam';
  protected readonly slotPrefix = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(learningRate: number | LearningRateSchedule = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, options?: OptimizerOptions) {
    super(learningRate, 'Adam', options);
    this.beta1 = checkHyper('Adam', 'beta1', beta1, { min: 0, max: 1, maxInclusive: false });
    this.beta2 = checkHyper('Adam', 'beta2', beta2, { min: 0, max: 1, maxInclusive: false });
    this.epsilon = checkHyper('Adam', 'epsilon', epsilon, { min: 0 });
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [
      { key: 'm', initialValue: 0 },
      { key: 'v', initialValue: 0 },
    ];
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>, step: number): UpdateResult {
    const r = adamUpdate(value, grad, slots['m']!, slots['v']!, this.learningRate, this.beta1, this.beta2, this.epsilon, step);
    return { value: r.value, slots: { m: r.m, v: r.v } };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
