import { PolytensorError } from '../../errors.js';
import { computePool2DInfo } from '../../ops/conv_util.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import type { Tensor } from '../../tensor.js';
import { Layer, showArg, pairOf, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  /** Defaults to poolSize. */
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    this.poolSize = pairOf(this.name, 'poolSize', args.poolSize ?? 2);
    this.strides = pairOf(this.name, 'strides', args.strides ?? this.poolSize);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'same' && this.padding !== 'valid') {
      throw new PolytensorError(`${this.name}: padding must be 'same' or 'valid', got ${showArg(args.padding)}`);
    }
  }

  /** No weights; throws as build() does for an input it cannot take. */
  override weightShapes(inputShape: Shape): WeightShape[] {
    if (inputShape.length !== 4) throw new PolytensorError(`${this.name} (${this.className}): needs NHWC inputs, got [${inputShape.join(',')}]`);
    return [];
  }

  override build(inputShape: Shape): void {
    this.weightShapes(inputShape);
    super.build(inputShape);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const [, h, w, c] = inputShape;
    const info = computePool2DInfo(this.name, [1, h ?? 1, w ?? 1, c ?? 1], this.poolSize, this.strides, this.padding);
    return [inputShape[0] ?? null, info.outHeight, info.outWidth, c ?? null];
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** Max over poolSize windows. */
export class MaxPooling2D extends Pooling2D {
  static readonly className: string = 'MaxPooling2D';
  protected call(x: Tensor): Tensor {
    return maxPool(x, this.poolSize, this.strides, this.padding);
  }
}

/** Mean over poolSize windows. */
export class AveragePooling2D extends Pooling2D {
  static readonly className: string = 'AveragePooling2D';
  protected call(x: Tensor): Tensor {
    return avgPool(x, this.poolSize, this.strides, this.padding);
  }
}
