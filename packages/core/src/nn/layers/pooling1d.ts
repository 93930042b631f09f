// 1-D pooling over [batch, steps, channels] (through the 2-D pools on a
// [batch, 1, steps, channels] view) and global pooling over steps or space.
import { PolytensorError } from '../../errors.js';
import { computePool2DInfo } from '../../ops/conv_util.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import { max, mean } from '../../ops/reduce.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import {
  Layer,
  channelsLast,
  formatShape,
  positiveInt,
  showArg,
  type DataFormat,
  type LayerArgs,
  type LayerConfig,
  type Shape,
  type WeightShape,
} from './layer.js';

export interface Pooling1DArgs extends LayerArgs {
  poolSize?: number;
  /** Defaults to poolSize. */
  strides?: number;
  padding?: 'same' | 'valid';
  /** Only 'channelsLast' ([batch, steps, channels]). */
  dataFormat?: DataFormat;
}

abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';
  constructor(args: Pooling1DArgs = {}) {
    super(args);
    this.poolSize = positiveInt(this.name, 'poolSize', args.poolSize ?? 2);
    this.strides = positiveInt(this.name, 'strides', args.strides ?? this.poolSize);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'same' && this.padding !== 'valid')
      throw new PolytensorError(`${this.name}: padding must be 'same' or 'valid', got ${showArg(args.padding)}`);
    channelsLast(this.name, args.dataFormat);
  }
  override weightShapes(inputShape: Shape): WeightShape[] {
    if (inputShape.length !== 3)
      throw new PolytensorError(`${this.name} (${this.className}): needs inputs [batch, steps, channels], got ${formatShape(inputShape)}`);
    return [];
  }
  override build(inputShape: Shape): void {
    this.weightShapes(inputShape);
    super.build(inputShape);
  }
  computeOutputShape(inputShape: Shape): Shape {
    this.weightShapes(inputShape);
    const [b, steps, c] = inputShape;
    const out = steps === null ? null : computePool2DInfo(this.name, [1, 1, steps!, 1], [1, this.poolSize], [1, this.strides], this.padding).outWidth;
    return [b ?? null, out, c ?? null];
  }
  protected pool2d(x: Tensor, f: typeof maxPool): Tensor {
    const [b, steps, c] = x.shape as [number, number, number];
    const y = f(reshape(x, [b, 1, steps, c]), [1, this.poolSize], [1, this.strides], this.padding);
    return reshape(y, [b, y.shape[2]!, c]);
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, dataFormat: 'channelsLast' };
  }
}

/**
 * Max over poolSize steps of [batch, steps, channels].
 * @example new MaxPooling1D({ poolSize: 2 }) // [b, 10, c] → [b, 5, c]
 */
export class MaxPooling1D extends Pooling1D {
  static readonly className: string = 'MaxPooling1D';
  protected call(x: Tensor): Tensor {
    return this.pool2d(x, maxPool);
  }
}

/** Mean over poolSize steps. */
export class AveragePooling1D extends Pooling1D {
  static readonly className: string = 'AveragePooling1D';
  protected call(x: Tensor): Tensor {
    return this.pool2d(x, avgPool);
  }
}

export interface GlobalPoolingArgs extends LayerArgs {
  /** Only 'channelsLast' (the channels are the last axis). */
  dataFormat?: DataFormat;
}

/** Max or mean over every axis but the batch and the channels (the last). */
abstract class GlobalPooling extends Layer {
  protected abstract readonly rank: number;
  constructor(args: GlobalPoolingArgs = {}) {
    super(args);
    channelsLast(this.name, args.dataFormat);
  }
  protected abstract reduce(x: Tensor, axes: number[]): Tensor;
  override weightShapes(inputShape: Shape): WeightShape[] {
    if (inputShape.length !== this.rank) {
      const want = this.rank === 3 ? '[batch, steps, channels]' : '[batch, height, width, channels]';
      throw new PolytensorError(`${this.name} (${this.className}): needs inputs ${want}, got ${formatShape(inputShape)}`);
    }
    return [];
  }
  override build(inputShape: Shape): void {
    this.weightShapes(inputShape);
    super.build(inputShape);
  }
  computeOutputShape(inputShape: Shape): Shape {
    this.weightShapes(inputShape);
    return [inputShape[0] ?? null, inputShape[inputShape.length - 1] ?? null];
  }
  protected call(x: Tensor): Tensor {
    return this.reduce(
      x,
      Array.from({ length: x.rank - 2 }, (_, i) => i + 1),
    );
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), dataFormat: 'channelsLast' };
  }
}

export class GlobalAveragePooling1D extends GlobalPooling {
  static readonly className: string = 'GlobalAveragePooling1D';
  protected readonly rank = 3;
  protected reduce(x: Tensor, axes: number[]): Tensor {
    return mean(x, axes);
  }
}

export class GlobalMaxPooling1D extends GlobalPooling {
  static readonly className: string = 'GlobalMaxPooling1D';
  protected readonly rank = 3;
  protected reduce(x: Tensor, axes: number[]): Tensor {
    return max(x, axes);
  }
}

/**
 * The mean over height and width: [batch, h, w, channels] → [batch, channels].
 * @example new GlobalAveragePooling2D() // a CNN's head before its Dense layer
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  static readonly className: string = 'GlobalAveragePooling2D';
  protected readonly rank = 4;
  protected reduce(x: Tensor, axes: number[]): Tensor {
    return mean(x, axes);
  }
}

export class GlobalMaxPooling2D extends GlobalPooling {
  static readonly className: string = 'GlobalMaxPooling2D';
  protected readonly rank = 4;
  protected reduce(x: Tensor, axes: number[]): Tensor {
    return max(x, axes);
  }
}
