import type { Tensor } from '../../tensor.js';
import { add, mul, sub } from '../../ops/binary.js';
import { Optimizer, checkHyper, fusedOptimizerUpdate, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { OptimizerOptions } from './clipping.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Momentum (TF/tfjs formulation):
 * `accum = momentum · accum + grad`; `value -= lr · accum`, or with Nesterov
 * `value -= lr · (grad + momentum · accum)`.
 */
export function momentumUpdate(
  value: Tensor,
  grad: Tensor,
  accum: Tensor,
  learningRate: number,
  momentum: number,
  useNesterov: boolean,
): { value: Tensor; accum: Tensor } {
  const fr = Math.fround;
  const fused = fusedOptimizerUpdate({ kind: 'momentum', lr: fr(learningRate), momentum: fr(momentum), nesterov: useNesterov }, value, grad, [accum]);
  if (fused) return { value: fused[0]!, accum: fused[1]! };
  const newAccum = add(mul(accum, momentum), grad);
  const step = useNesterov ? add(grad, mul(newAccum, momentum)) : newAccum;
  return { value: sub(value, mul(step, learningRate)), accum: newAccum };
}

/**
 * Gradient descent with momentum; one 'momentum' slot per variable.
 * @example new Momentum(0.01, 0.9, true)
 */
export class Momentum extends Optimizer {
  readonly className = 'Momentum';
  protected readonly slotPrefix = 'momentum';
  readonly momentum: number;
  readonly useNesterov: boolean;

  constructor(learningRate: number | LearningRateSchedule, momentum: number, useNesterov = false, options?: OptimizerOptions) {
    super(learningRate, 'Momentum', options);
    this.momentum = checkHyper('Momentum', 'momentum', momentum, { min: 0 });
    this.useNesterov = Boolean(useNesterov);
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [{ key: 'momentum', initialValue: 0 }];
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>): UpdateResult {
    const r = momentumUpdate(value, grad, slots['momentum']!, this.learningRate, this.momentum, this.useNesterov);
    return { value: r.value, slots: { momentum: r.accum } };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), momentum: this.momentum, useNesterov: this.useNesterov };
  }
}
