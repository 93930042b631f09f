import { ENGINE } from '../../engine/engine.js';
import { PolytensorError } from '../../errors.js';
import { add, mul, sub } from '../../ops/binary.js';
import { mean } from '../../ops/reduce.js';
import { rsqrt, square } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { ShapePreservingLayer, showArg, type CallOptions, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** Moving-average decay. */
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

/**
 * Normalizes over every axis but the last (channels), with batch statistics
 * while training and moving averages at inference (Keras semantics).
 */
export class BatchNormalization extends ShapePreservingLayer {
  static readonly className: string = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: Variable | null = null;
  private beta: Variable | null = null;
  private movingMean: Variable | null = null;
  private movingVariance: Variable | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum < 1)) {
      throw new PolytensorError(`${this.name}: momentum must be in [0, 1), got ${showArg(this.momentum)}`);
    }
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0 && this.epsilon < Infinity)) {
      throw new PolytensorError(`${this.name}: epsilon must be a finite number > 0, got ${showArg(this.epsilon)}`);
    }
  }

  override weightShapes(inputShape: Shape): WeightShape[] {
    const c = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof c !== 'number') {
      throw new PolytensorError(`${this.name} (BatchNormalization): needs inputs of rank ≥ 2 with known channels, got [${inputShape.join(',')}]`);
    }
    const names = [...(this.scale ? ['gamma'] : []), ...(this.center ? ['beta'] : []), 'movingMean', 'movingVariance'];
    return names.map((name) => ({ name, shape: [c] }));
  }

  override build(inputShape: Shape): void {
    const [{ shape }] = this.weightShapes(inputShape) as [WeightShape];
    if (this.scale) this.gamma = this.addWeight('gamma', shape, 'ones');
    if (this.center) this.beta = this.addWeight('beta', shape, 'zeros');
    this.movingMean = this.addWeight('movingMean', shape, 'zeros', false);
    this.movingVariance = this.addWeight('movingVariance', shape, 'ones', false);
    super.build(inputShape);
  }

  protected call(x: Tensor, { training }: CallOptions): Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let m: Tensor;
    let v: Tensor;
    if (training) {
      m = mean(x, axes);
      v = mean(square(sub(x, m)), axes);
      const mm = this.movingMean!;
      const mv = this.movingVariance!;
      const newMean = ENGINE.keep(add(mul(mm, this.momentum), mul(m, 1 - this.momentum)));
      const newVar = ENGINE.keep(add(mul(mv, this.momentum), mul(v, 1 - this.momentum)));
      mm.assign(newMean);
      mv.assign(newVar);
      newMean.dispose();
      newVar.dispose();
    } else {
      m = this.movingMean!;
      v = this.movingVariance!;
    }
    let y = mul(sub(x, m), rsqrt(add(v, this.epsilon)));
    if (this.gamma) y = mul(y, this.gamma);
    if (this.beta) y = add(y, this.beta);
    return y;
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
