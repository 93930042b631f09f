import type { Tensor } from '../../tensor.js';
import { mul, sub } from '../../ops/binary.js';
import { adamUpdate } from './adam.js';
import type { OptimizerOptions } from './clipping.js';
import { Optimizer, checkHyper, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * AdamW (Loshchilov & Hutter, decoupled weight decay) as Keras 3: the
 * variable first decays, `value -= value · lr · weightDecay`, then takes
 * Adam's step from its gradient (the gradient itself is not decayed). The Adam
 * step uses the backend's fused update where it has one.
 * @example new AdamW(1e-3, 0.01)
 */
export class AdamW extends Optimizer {
  readonly className = 'AdamW';
  protected readonly slotPrefix = 'adamw';
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(
    learningRate: number | LearningRateSchedule = 0.001,
    weightDecay = 0.004,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-7,
    options?: OptimizerOptions,
  ) {
    super(learningRate, 'AdamW', options);
    this.weightDecay = checkHyper('AdamW', 'weightDecay', weightDecay, { min: 0 });
    this.beta1 = checkHyper('AdamW', 'beta1', beta1, { min: 0, max: 1, maxInclusive: false });
    this.beta2 = checkHyper('AdamW', 'beta2', beta2, { min: 0, max: 1, maxInclusive: false });
    this.epsilon = checkHyper('AdamW', 'epsilon', epsilon, { min: 0 });
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [
      { key: 'm', initialValue: 0 },
      { key: 'v', initialValue: 0 },
    ];
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>, step: number): UpdateResult {
    const lr = this.learningRate;
    const decayed = this.weightDecay === 0 ? value : sub(value, mul(value, lr * this.weightDecay));
    const r = adamUpdate(decayed, grad, slots['m']!, slots['v']!, lr, this.beta1, this.beta2, this.epsilon, step);
    return { value: r.value, slots: { m: r.m, v: r.v } };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), weightDecay: this.weightDecay, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
