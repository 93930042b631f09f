import type { Tensor } from '../../tensor.js';
import { mul, sub } from '../../ops/binary.js';
import { Optimizer, fusedOptimizerUpdate, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { OptimizerOptions } from './clipping.js';
import type { LearningRateSchedule } from './schedules.js';

/** Plain gradient descent: `value - lr · grad` (one fused kernel where the backend has `optimizerUpdate`). */
export function sgdUpdate(value: Tensor, grad: Tensor, learningRate: number): Tensor {
  const fused = fusedOptimizerUpdate({ kind: 'sgd', lr: Math.fround(learningRate) }, value, grad, []);
  if (fused) return fused[0]!;
  return sub(value, mul(grad, learningRate));
}

/**
 * Stochastic gradient descent.
 * @example const opt = new SGD(0.1); opt.minimize(() => loss());
 */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  protected readonly slotPrefix = 'sgd';

  constructor(learningRate: number | LearningRateSchedule, options?: OptimizerOptions) {
    super(learningRate, 'SGD', options);
  }

  protected slotSpecs(): readonly SlotSpec[] {
    return [];
  }

  protected update(value: Tensor, grad: Tensor): UpdateResult {
    return { value: sgdUpdate(value, grad, this.learningRate) };
  }

  override getConfig(): OptimizerConfig {
    return super.getConfig();
  }
}
