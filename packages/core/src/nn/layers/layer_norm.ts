import { PolytensorError } from '../../errors.js';
import { add, mul, sub } from '../../ops/binary.js';
import { mean } from '../../ops/reduce.js';
import { reshape } from '../../ops/reshape.js';
import { rsqrt, square } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { ShapePreservingLayer, formatShape, showArg, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

export interface LayerNormalizationArgs extends LayerArgs {
  /** Axes to normalize over (default -1, the features); gamma and beta span them. */
  axis?: number | number[];
  epsilon?: number;
  /** Learn beta (an offset), default true. */
  center?: boolean;
  /** Learn gamma (a scale), default true. */
  scale?: boolean;
  /** Default 'zeros'. */
  betaInitializer?: InitializerSpec;
  /** Default 'ones'. */
  gammaInitializer?: InitializerSpec;
}

/**
 * Normalizes each example over `axis` (mean 0, variance 1), then scales by
 * gamma and shifts by beta, which hold one value per position of those axes.
 * @example new LayerNormalization() // over the features: [batch, time, features] normalized per step
 */
export class LayerNormalization extends ShapePreservingLayer {
  static readonly className: string = 'LayerNormalization';
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly betaInit: Initializer;
  private readonly gammaInit: Initializer;
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
    this.betaInit = getInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInit = getInitializer(args.gammaInitializer ?? 'ones');
    for (const [what, v] of [
      ['center', args.center],
      ['scale', args.scale],
    ] as const) {
      if (v !== undefined && typeof v !== 'boolean') throw new PolytensorError(`${this.name}: ${what} must be true or false, got ${showArg(v)}`);
    }
  }

  /** The normalized axes for inputs of rank `rank`, ascending. */
  private axesFor(rank: number): number[] {
    return this.axis.map((a) => (a < 0 ? rank + a : a)).sort((a, b) => a - b);
  }

  override weightShapes(inputShape: Shape): WeightShape[] {
    const axes = this.axesFor(inputShape.length);
    if (axes.some((a, i) => a <= 0 || a >= inputShape.length || inputShape[a] === null || axes[i - 1] === a)) {
      throw new PolytensorError(
        `${this.name} (LayerNormalization): axis ${JSON.stringify(this.axis.length === 1 ? this.axis[0] : this.axis)} does not fit inputs ${formatShape(inputShape)} ` +
          '(distinct, known, non-batch axes only)',
      );
    }
    // As Keras: gamma and beta hold one value per position of the normalized axes (reshaped to broadcast in call).
    const shape = axes.map((a) => inputShape[a] as number);
    return [...(this.scale ? [{ name: 'gamma', shape }] : []), ...(this.center ? [{ name: 'beta', shape }] : [])];
  }

  override build(inputShape: Shape): void {
    const ws = this.weightShapes(inputShape);
    for (const w of ws) {
      if (w.name === 'gamma') this.gamma = this.addWeight('gamma', w.shape, this.gammaInit);
      else this.beta = this.addWeight('beta', w.shape, this.betaInit);
    }
    super.build(inputShape);
  }

  protected call(x: Tensor): Tensor {
    const axes = this.axesFor(x.rank);
    const m = mean(x, axes, true);
    const centered = sub(x, m);
    const v = mean(square(centered), axes, true);
    let y = mul(centered, rsqrt(add(v, this.epsilon)));
    // [1, ..., d, ..., 1]: the normalized axes keep their sizes.
    const broadcast = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    if (this.gamma) y = mul(y, reshape(this.gamma, broadcast));
    if (this.beta) y = add(y, reshape(this.beta, broadcast));
    return y;
  }

  getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      axis: this.axis.length === 1 ? this.axis[0] : this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInit),
      gammaInitializer: serializeInitializer(this.gammaInit),
    };
  }
}
