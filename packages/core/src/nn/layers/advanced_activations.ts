// Activation layers with arguments (Keras' advanced activations): ReLU,
// LeakyReLU, PReLU (a learned slope), ELU, ThresholdedReLU, Softmax.
import { PolytensorError } from '../../errors.js';
import { minimum, mul, sub } from '../../ops/binary.js';
import { cast } from '../../ops/cast.js';
import { greater } from '../../ops/compare.js';
import { softmax } from '../../ops/softmax.js';
import { transpose } from '../../ops/transpose.js';
import { expm1, leakyRelu, relu } from '../../ops/unary.js';
import { where } from '../../ops/where.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { ShapePreservingLayer, formatShape, showArg, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

function finite(layer: string, what: string, v: unknown, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
    throw new PolytensorError(`${layer}: ${what} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''}, got ${showArg(v)}`);
  return v;
}

export interface ReLUArgs extends LayerArgs {
  /** Upper bound (default none). */
  maxValue?: number | null;
  /** Slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Values at or below it give negativeSlope · (x - threshold); ≥ 0 as Keras, default 0. */
  threshold?: number;
}

/**
 * max(x, 0) with an optional cap, slope below the threshold, and threshold:
 * x above the threshold (capped at maxValue), negativeSlope · (x - threshold) below.
 * @example new ReLU({ maxValue: 6 }) // relu6
 */
export class ReLU extends ShapePreservingLayer {
  static readonly className: string = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;
  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue === undefined || args.maxValue === null ? null : finite(this.name, 'maxValue', args.maxValue, 0);
    this.negativeSlope = finite(this.name, 'negativeSlope', args.negativeSlope ?? 0, 0);
    this.threshold = finite(this.name, 'threshold', args.threshold ?? 0, 0);
  }
  protected call(x: Tensor): Tensor {
    let y = this.negativeSlope === 0 && this.threshold === 0 ? relu(x) : where(greater(x, this.threshold), x, mul(sub(x, this.threshold), this.negativeSlope));
    if (this.maxValue !== null) y = minimum(y, this.maxValue);
    return y;
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0 (Keras' default 0.3). */
  alpha?: number;
}

/** x for x > 0, alpha·x below (any alpha ≥ 0, including slopes above 1). */
export class LeakyReLU extends ShapePreservingLayer {
  static readonly className: string = 'LeakyReLU';
  readonly alpha: number;
  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.alpha = finite(this.name, 'alpha', args.alpha ?? 0.3, 0);
  }
  protected call(x: Tensor): Tensor {
    return leakyRelu(x, this.alpha);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), alpha: this.alpha };
  }
}

export interface PReLUArgs extends LayerArgs {
  /** Initial slopes (default zeros). */
  alphaInitializer?: InitializerSpec;
  /** Axes (1-based, batch excluded) sharing one slope, e.g. [1, 2] for one slope per channel of images. */
  sharedAxes?: number[];
}

/**
 * Leaky ReLU whose negative slope is learned, per element (or shared along `sharedAxes`).
 * @example new PReLU({ sharedAxes: [1, 2] }) // images: one slope per channel
 */
export class PReLU extends ShapePreservingLayer {
  static readonly className: string = 'PReLU';
  readonly sharedAxes: number[];
  private readonly init: Initializer;
  private alpha: Variable | null = null;
  constructor(args: PReLUArgs = {}) {
    super(args);
    this.init = getInitializer(args.alphaInitializer ?? 'zeros');
    const shared: unknown = args.sharedAxes ?? [];
    if (!Array.isArray(shared) || !shared.every((a) => Number.isInteger(a) && a > 0)) {
      throw new PolytensorError(`${this.name}: sharedAxes must be a list of axes ≥ 1 (the batch axis excluded), got ${JSON.stringify(shared)}`);
    }
    this.sharedAxes = [...(shared as number[])];
  }
  override weightShapes(s: Shape): WeightShape[] {
    if (s.length < 2 || s.slice(1).some((d, i) => d === null && !this.sharedAxes.includes(i + 1)) || this.sharedAxes.some((a) => a >= s.length)) {
      throw new PolytensorError(
        `${this.name} (PReLU): needs inputs of known size on every axis not shared, got ${formatShape(s)} with sharedAxes ${JSON.stringify(this.sharedAxes)}`,
      );
    }
    return [{ name: 'alpha', shape: s.slice(1).map((d, i) => (this.sharedAxes.includes(i + 1) ? 1 : (d as number))) }];
  }
  override build(s: Shape): void {
    this.alpha = this.addWeight('alpha', this.weightShapes(s)[0]!.shape, this.init);
    super.build(s);
  }
  protected call(x: Tensor): Tensor {
    // relu(x) - alpha·relu(-x)
    return sub(relu(x), mul(this.alpha!, relu(mul(x, -1))));
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), alphaInitializer: serializeInitializer(this.init), sharedAxes: this.sharedAxes };
  }
}

export interface ELUArgs extends LayerArgs {
  /** Default 1. */
  alpha?: number;
}

/** x for x > 0, alpha·(eˣ - 1) below. */
export class ELU extends ShapePreservingLayer {
  static readonly className: string = 'ELU';
  readonly alpha: number;
  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = finite(this.name, 'alpha', args.alpha ?? 1, 0);
  }
  protected call(x: Tensor): Tensor {
    return where(greater(x, 0), x, mul(expm1(x), this.alpha));
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), alpha: this.alpha };
  }
}

export interface ThresholdedReLUArgs extends LayerArgs {
  /** Default 1. */
  theta?: number;
}

/** x where x > theta, else 0. */
export class ThresholdedReLU extends ShapePreservingLayer {
  static readonly className: string = 'ThresholdedReLU';
  readonly theta: number;
  constructor(args: ThresholdedReLUArgs = {}) {
    super(args);
    this.theta = finite(this.name, 'theta', args.theta ?? 1, 0);
  }
  protected call(x: Tensor): Tensor {
    return mul(x, cast(greater(x, this.theta), 'float32'));
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), theta: this.theta };
  }
}

export interface SoftmaxArgs extends LayerArgs {
  /** Default -1. */
  axis?: number;
}

/** Softmax along `axis`. */
export class Softmax extends ShapePreservingLayer {
  static readonly className: string = 'Softmax';
  readonly axis: number;
  constructor(args: SoftmaxArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis) || this.axis === 0) throw new PolytensorError(`${this.name}: axis must be a non-zero integer, got ${showArg(args.axis)}`);
  }
  override computeOutputShape(s: Shape): Shape {
    if (this.axis >= s.length || this.axis < -(s.length - 1)) {
      throw new PolytensorError(
        `${this.name} (Softmax): axis ${this.axis} is not a non-batch axis of inputs ${formatShape(s)}; use 1..${s.length - 1} or -1..-${s.length - 1}`,
      );
    }
    return s;
  }
  override build(s: Shape): void {
    this.computeOutputShape(s);
    super.build(s);
  }
  protected call(x: Tensor): Tensor {
    const a = this.axis < 0 ? x.rank + this.axis : this.axis;
    if (a === x.rank - 1) return softmax(x);
    // Move the axis last, softmax, move it back.
    const perm = [...Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== a), a];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return transpose(softmax(transpose(x, perm)), inverse);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), axis: this.axis };
  }
}
