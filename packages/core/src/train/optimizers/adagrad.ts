import type { Tensor } from '../../tensor.js';
import { add, div, mul, sub } from '../../ops/binary.js';
import { sqrt, square } from '../../ops/unary.js';
import { Optimizer, checkHyper, fusedOptimizerUpdate, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { OptimizerOptions } from './clipping.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Adagrad as Keras 3 and tfjs compute it:
 * `acc = acc + g²`; `value -= lr · g / √(acc + ε)`.
 */
export function adagradUpdate(value: Tensor, grad: Tensor, accumulator: Tensor, learningRate: number, epsilon: number): { value: Tensor; accumulator: Tensor } {
  const fused = fusedOptimizerUpdate({ kind: 'adagrad', lr: Math.fround(learningRate), epsilon: Math.fround(epsilon) }, value, grad, [accumulator]);
  if (fused) return { value: fused[0]!, accumulator: fused[1]! };
  const newAcc = add(accumulator, square(grad));
  const newValue = sub(value, mul(div(grad, sqrt(add(newAcc, epsilon))), learningRate));
  return { value: newValue, accumulator: newAcc };
}

/** Adagrad; one 'accumulator' slot per variable, starting at initialAccumulatorValue. */
export class Adagrad extends Optimizer {
  readonly className = 'Adagrad';
  protected readonly slotPrefix = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(learningRate: number | LearningRateSchedule = 0.01, initialAccumulatorValue = 0.1, epsilon = 1e-7, options?: OptimizerOptions) {
    super(learningRate, 'Adagrad', options);
    this.initialAccumulatorValue = checkHyper('Adagrad', 'initialAccumulatorValue', initialAccumulatorValue, { min: 0 });
    this.epsilon = checkHyper('Adagrad', 'epsilon', epsilon, { min: 0 });
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [{ key: 'accumulator', initialValue: this.initialAccumulatorValue }];
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>): UpdateResult {
    const r = adagradUpdate(value, grad, slots['accumulator']!, this.learningRate, this.epsilon);
    return { value: r.value, slots: { accumulator: r.accumulator } };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
