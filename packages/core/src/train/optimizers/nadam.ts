import type { Tensor } from '../../tensor.js';
import { add, div, mul, sub } from '../../ops/binary.js';
import { sqrt, square } from '../../ops/unary.js';
import type { OptimizerOptions } from './clipping.js';
import { Optimizer, checkHyper, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/** Keras' momentum schedule for Nadam: `μ_t = β1·(1 − ½·0.96^t)`. */
const nadamMu = (beta1: number, t: number): number => beta1 * (1 - 0.5 * 0.96 ** t);

/**
 * Nadam as Keras 3 computes it (a composite), at step `t` (1 first), with
 * `μ_t = β1(1 − ½·0.96^t)` and `Π_t = μ_1⋯μ_t`:
 * `m += (g − m)(1−β1)`, `v += (g² − v)(1−β2)`,
 * `m̂ = μ_{t+1}·m / (1 − Π_t·μ_{t+1}) + (1 − μ_t)·g / (1 − Π_t)`, `v̂ = v / (1 − β2^t)`,
 * `value -= lr · m̂ / (√v̂ + ε)`. `muProduct` is Π_t.
 */
export function nadamUpdate(
  value: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  learningRate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  step: number,
  muProduct: number,
): { value: Tensor; m: Tensor; v: Tensor } {
  const muT = nadamMu(beta1, step);
  const muNext = nadamMu(beta1, step + 1);
  const newM = add(m, mul(sub(grad, m), 1 - beta1));
  const newV = add(v, mul(sub(square(grad), v), 1 - beta2));
  const mHat = add(mul(newM, muNext / (1 - muProduct * muNext)), mul(grad, (1 - muT) / (1 - muProduct)));
  const vHat = div(newV, 1 - beta2 ** step);
  const newValue = sub(value, div(mul(mHat, learningRate), add(sqrt(vHat), epsilon)));
  return { value: newValue, m: newM, v: newV };
}

/**
 * Nadam (Adam with Nesterov momentum, Dozat 2016) with Keras defaults; slots
 * 'm' and 'v' per variable. The momentum schedule's product is a function of
 * the step, recomputed on the host (so getWeights/setWeights need no extra state).
 * @example new Nadam(0.002)
 */
export class Nadam extends Optimizer {
  readonly className = 'Nadam';
  protected readonly slotPrefix = 'nadam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Π_t for the step it was last computed at (steps usually advance by one). */
  private product = { step: 0, value: 1 };

  constructor(learningRate: number | LearningRateSchedule = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, options?: OptimizerOptions) {
    super(learningRate, 'Nadam', options);
    this.beta1 = checkHyper('Nadam', 'beta1', beta1, { min: 0, max: 1, maxInclusive: false });
    this.beta2 = checkHyper('Nadam', 'beta2', beta2, { min: 0, max: 1, maxInclusive: false });
    this.epsilon = checkHyper('Nadam', 'epsilon', epsilon, { min: 0, minInclusive: false });
  }

  /** μ_1⋯μ_step, advanced from the last value when possible. */
  private muProduct(step: number): number {
    let { step: s, value } = this.product;
    if (s > step) [s, value] = [0, 1];
    while (s < step) value *= nadamMu(this.beta1, ++s);
    this.product = { step: s, value };
    return value;
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [
      { key: 'm', initialValue: 0 },
      { key: 'v', initialValue: 0 },
    ];
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>, step: number): UpdateResult {
    const r = nadamUpdate(value, grad, slots['m']!, slots['v']!, this.learningRate, this.beta1, this.beta2, this.epsilon, step, this.muProduct(step));
    return { value: r.value, slots: { m: r.m, v: r.v } };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
