import { sizeOf } from '../../backend/types.js';
import { PolytensorError } from '../../errors.js';
import { clone } from '../../ops/cast.js';
import { dropout } from '../../ops/dropout.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import { getActivation, type ActivationName } from '../activations.js';
import { Layer, ShapePreservingLayer, showArg, type CallOptions, type LayerArgs, type LayerConfig, type Shape } from './layer.js';

/** [batch, ...] → [batch, product]. */
export class Flatten extends Layer {
  static readonly className: string = 'Flatten';
  computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    return [inputShape[0] ?? null, rest.every((d) => d !== null) ? sizeOf(rest as number[]) : null];
  }
  protected call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0]!, -1]);
  }
  getConfig(): LayerConfig {
    return this.baseConfig();
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** Target shape without the batch dimension (one entry may be -1). */
  targetShape: readonly number[];
}

/** Reshape every example to targetShape. */
export class Reshape extends Layer {
  static readonly className: string = 'Reshape';
  readonly targetShape: readonly number[];
  constructor(args: ReshapeArgs) {
    super(args);
    const dims: unknown = args.targetShape;
    if (!Array.isArray(dims) || !dims.every((d) => d === -1 || (Number.isSafeInteger(d) && d > 0)) || dims.filter((d) => d === -1).length > 1) {
      throw new PolytensorError(`${this.name}: targetShape must be an array of positive integers with at most one -1, got ${JSON.stringify(dims)}`);
    }
    this.targetShape = [...args.targetShape];
  }
  computeOutputShape(inputShape: Shape): Shape {
    const size = inputShape.slice(1).every((d) => d !== null) ? sizeOf(inputShape.slice(1) as number[]) : null;
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    const target = this.targetShape.map((d) => (d === -1 && size !== null ? size / known : d));
    if (size !== null && (sizeOf(target) !== size || !target.every((d) => Number.isInteger(d)))) {
      throw new PolytensorError(
        `${this.name} (Reshape): cannot reshape [${inputShape.slice(1).join(',')}] (${size} values) to [${this.targetShape.join(',')}]`,
      );
    }
    return [inputShape[0] ?? null, ...target];
  }
  override build(inputShape: Shape): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }
  protected call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0]!, ...this.targetShape]);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), targetShape: this.targetShape };
  }
}

export interface ActivationArgs extends LayerArgs {
  activation: ActivationName;
}

/** Applies an activation function. */
export class Activation extends ShapePreservingLayer {
  static readonly className: string = 'Activation';
  readonly activation: ActivationName;
  constructor(args: ActivationArgs) {
    super(args);
    this.activation = getActivation(args.activation).name;
  }
  protected call(x: Tensor): Tensor {
    return getActivation(this.activation).fn(x);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), activation: this.activation };
  }
}

export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs to zero while training, in [0, 1). */
  rate: number;
}

/**
 * Zeroes a `rate` fraction of inputs while training and scales the rest by
 * 1/(1-rate); the identity at inference. Masks come from the seeded host RNG.
 */
export class Dropout extends ShapePreservingLayer {
  static readonly className: string = 'Dropout';
  readonly rate: number;
  constructor(args: DropoutArgs) {
    super(args);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new PolytensorError(`${this.name}: rate must be in [0, 1), got ${showArg(args.rate)}`);
    }
    this.rate = args.rate;
  }
  protected call(x: Tensor, { training }: CallOptions): Tensor {
    return training ? dropout(x, this.rate) : clone(x);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), rate: this.rate };
  }
}
