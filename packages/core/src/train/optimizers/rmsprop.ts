import type { Tensor } from '../../tensor.js';
import { add, div, mul, sub } from '../../ops/binary.js';
import { sqrt, square } from '../../ops/unary.js';
import { Optimizer, checkHyper, fusedOptimizerUpdate, type OptimizerConfig, type SlotSpec, type UpdateResult } from './optimizer.js';
import type { OptimizerOptions } from './clipping.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * RMSprop as Keras 3 and tfjs compute it (epsilon inside the square root):
 * `rms = ρ·rms + (1-ρ)·g²`; centered: `mg = ρ·mg + (1-ρ)·g`, `denom = rms - mg² + ε`,
 * else `denom = rms + ε`; `inc = lr·g/√denom`; with momentum
 * `mom = momentum·mom + inc`, `value -= mom`, else `value -= inc`.
 * `mg` and `mom` are null when centered is off / momentum is 0.
 */
export function rmspropUpdate(
  value: Tensor,
  grad: Tensor,
  rms: Tensor,
  mg: Tensor | null,
  mom: Tensor | null,
  learningRate: number,
  rho: number,
  momentum: number,
  epsilon: number,
): { value: Tensor; rms: Tensor; mg: Tensor | null; mom: Tensor | null } {
  const fr = Math.fround;
  const slots = [rms, ...(mg ? [mg] : []), ...(mom ? [mom] : [])];
  // The fused kernel derives 'centered' and 'momentum > 0' from the slots it is given.
  if ((mom !== null) === momentum > 0) {
    const fused = fusedOptimizerUpdate(
      { kind: 'rmsprop', lr: fr(learningRate), rho: fr(rho), oneMinusRho: fr(1 - rho), momentum: fr(momentum), epsilon: fr(epsilon), centered: mg !== null },
      value,
      grad,
      slots,
    );
    if (fused) {
      return { value: fused[0]!, rms: fused[1]!, mg: mg ? fused[2]! : null, mom: mom ? fused[mg ? 3 : 2]! : null };
    }
  }
  const newRms = add(mul(rms, rho), mul(square(grad), 1 - rho));
  const newMg = mg ? add(mul(mg, rho), mul(grad, 1 - rho)) : null;
  const denom = add(newMg ? sub(newRms, square(newMg)) : newRms, epsilon);
  const increment = mul(div(grad, sqrt(denom)), learningRate);
  const newMom = mom ? add(mul(mom, momentum), increment) : null;
  return { value: sub(value, newMom ?? increment), rms: newRms, mg: newMg, mom: newMom };
}

/**
 * RMSprop with Keras defaults; slots 'rms', plus 'mg' when centered and
 * 'momentum' when momentum > 0.
 */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  protected readonly slotPrefix = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(learningRate: number | LearningRateSchedule = 0.001, rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false, options?: OptimizerOptions) {
    super(learningRate, 'RMSprop', options);
    this.rho = checkHyper('RMSprop', 'rho', rho, { min: 0, max: 1, maxInclusive: false });
    this.momentum = checkHyper('RMSprop', 'momentum', momentum, { min: 0 });
    this.epsilon = checkHyper('RMSprop', 'epsilon', epsilon, { min: 0 });
    this.centered = Boolean(centered);
  }

  protected slotSpecs(): readonly SlotSpec[] {
    const specs: SlotSpec[] = [{ key: 'rms', initialValue: 0 }];
    if (this.centered) specs.push({ key: 'mg', initialValue: 0 });
    if (this.momentum > 0) specs.push({ key: 'momentum', initialValue: 0 });
    return specs;
  }

  protected update(value: Tensor, grad: Tensor, slots: Readonly<Record<string, Tensor>>): UpdateResult {
    const r = rmspropUpdate(
      value,
      grad,
      slots['rms']!,
      slots['mg'] ?? null,
      slots['momentum'] ?? null,
      this.learningRate,
      this.rho,
      this.momentum,
      this.epsilon,
    );
    const out: Record<string, Tensor> = { rms: r.rms };
    if (r.mg) out['mg'] = r.mg;
    if (r.mom) out['momentum'] = r.mom;
    return { value: r.value, slots: out };
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
