import { PolytensorError } from '../../errors.js';
import { add, mul, sub } from '../../ops/binary.js';
import { mean } from '../../ops/reduce.js';
import { rsqrt, square } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { ShapePreservingLayer, formatShape, showArg, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

export interface LayerNormalizationArgs extends LayerArgs {
  /** Axes to normalize over (default -1, the features); gamma and beta span them. */
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

/** Normalizes each example over `axis` (mean 0, variance 1), then scales by gamma and shifts by beta. */
export class LayerNormalization extends ShapePreservingLayer {
  static readonly className: string = 'LayerNormalization';
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: Variable | null = null;
  private beta: Variable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    this.axis = Array.isArray(axis) ? [...axis] : [axis];
    if (this.axis.length === 0 || !this.axis.every((a) => Number.isInteger(a) && a !== 0)) {
      throw new PolytensorError(`${this.name}: axis must be a non-zero integer or a list of them (0 is the batch axis), got ${showArg(args.axis)}`);
    }
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0 && this.epsilon < Infinity)) {
      throw new PolytensorError(`${this.name}: epsilon must be a finite number > 0, got ${showArg(args.epsilon)}`);
    }
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  private axesFor(rank: number): number[] {
    return this.axis.map((a) => (a < 0 ? rank + a : a));
  }

  override weightShapes(inputShape: Shape): WeightShape[] {
    const axes = this.axesFor(inputShape.length);
    if (axes.some((a) => a <= 0 || a >= inputShape.length || inputShape[a] === null)) {
      throw new PolytensorError(
        `${this.name} (LayerNormalization): axis ${JSON.stringify(this.axis)} does not fit inputs ${formatShape(inputShape)} (known, non-batch axes only)`,
      );
    }
    // gamma and beta broadcast over the other axes: size 1 there.
    const shape = inputShape.slice(1).map((d, i) => (axes.includes(i + 1) ? (d as number) : 1));
    while (shape.length > 1 && shape[0] === 1) shape.shift();
    return [...(this.scale ? [{ name: 'gamma', shape }] : []), ...(this.center ? [{ name: 'beta', shape }] : [])];
  }

  override build(inputShape: Shape): void {
    const ws = this.weightShapes(inputShape);
    for (const w of ws) {
      if (w.name === 'gamma') this.gamma = this.addWeight('gamma', w.shape, 'ones');
      else this.beta = this.addWeight('beta', w.shape, 'zeros');
    }
    super.build(inputShape);
  }

  protected call(x: Tensor): Tensor {
    const axes = this.axesFor(x.rank);
    const m = mean(x, axes, true);
    const centered = sub(x, m);
    const v = mean(square(centered), axes, true);
    let y = mul(centered, rsqrt(add(v, this.epsilon)));
    if (this.gamma) y = mul(y, this.gamma);
    if (this.beta) y = add(y, this.beta);
    return y;
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), axis: this.axis.length === 1 ? this.axis[0] : this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
