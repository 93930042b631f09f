import type { FusedActivation } from '../../backend/kernels.js';
import { PolytensorError } from '../../errors.js';
import { conv2d } from '../../ops/conv2d.js';
import { computeConv2DInfo } from '../../ops/conv_util.js';
import { fusedConv2d } from '../../ops/fused_conv2d.js';
import { pad } from '../../ops/pad.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import { KernelBiasLayer, type KernelBiasArgs } from './kernel_bias.js';
import { formatShape, positiveInt, showArg, type LayerConfig, type Shape } from './layer.js';

export interface Conv1DArgs extends KernelBiasArgs {
  filters: number;
  kernelSize: number;
  strides?: number;
  /** 'causal' pads only the start, so step t sees steps ≤ t (WaveNet-style). */
  padding?: 'same' | 'valid' | 'causal';
  dilationRate?: number;
}

/** 1-D convolution over [batch, steps, channels]; kernel [kernelSize, channels, filters] (Keras' layout). Runs as conv2d on a [batch, 1, steps, channels] view. */
export class Conv1D extends KernelBiasLayer {
  static readonly className: string = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid' | 'causal';
  readonly dilationRate: number;

  constructor(args: Conv1DArgs) {
    super(args);
    this.filters = positiveInt(this.name, 'filters', args.filters);
    this.kernelSize = positiveInt(
      this.name,
      'kernelSize',
      Array.isArray(args.kernelSize) && args.kernelSize.length === 1 ? args.kernelSize[0] : args.kernelSize,
    );
    this.strides = positiveInt(this.name, 'strides', args.strides ?? 1);
    this.dilationRate = positiveInt(this.name, 'dilationRate', args.dilationRate ?? 1);
    this.padding = args.padding ?? 'valid';
    if (!['same', 'valid', 'causal'].includes(this.padding)) {
      throw new PolytensorError(`${this.name}: padding must be 'same', 'valid' or 'causal', got ${showArg(args.padding)}`);
    }
  }

  protected kernelShape(inputShape: Shape): number[] {
    const c = inputShape[2];
    if (inputShape.length !== 3 || typeof c !== 'number') {
      throw new PolytensorError(`${this.name} (Conv1D): needs inputs [batch, steps, channels] with known channels, got ${formatShape(inputShape)}`);
    }
    return [this.kernelSize, c, this.filters];
  }

  /** Leading zeros of 'causal' padding. */
  private get causalPad(): number {
    return this.padding === 'causal' ? (this.kernelSize - 1) * this.dilationRate : 0;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const [, steps, c] = inputShape;
    this.kernelShape(inputShape);
    if (steps === null) return [inputShape[0] ?? null, null, this.filters];
    const info = computeConv2DInfo(
      this.name,
      [1, 1, steps! + this.causalPad, c ?? 1],
      [1, this.kernelSize, c ?? 1, this.filters],
      [1, this.strides],
      this.padding === 'causal' ? 'valid' : this.padding,
      [1, this.dilationRate],
    );
    return [inputShape[0] ?? null, info.outWidth, this.filters];
  }

  protected call(x: Tensor): Tensor {
    const [b, steps, c] = x.shape as [number, number, number];
    const padded = this.causalPad
      ? pad(x, [
          [0, 0],
          [this.causalPad, 0],
          [0, 0],
        ])
      : x;
    const x4 = reshape(padded, [b, 1, steps + this.causalPad, c]);
    const k4 = reshape(this.kernel!, [1, this.kernelSize, c, this.filters]);
    const mode = this.padding === 'causal' ? 'valid' : this.padding;
    const y = this.fusable
      ? fusedConv2d({
          x: x4,
          filter: k4,
          strides: [1, this.strides],
          pad: mode,
          dilations: [1, this.dilationRate],
          bias: this.bias,
          activation: this.activation as FusedActivation,
        })
      : this.biasAndActivation(conv2d(x4, k4, [1, this.strides], mode, [1, this.dilationRate]));
    return reshape(y, [b, y.shape[2]!, this.filters]);
  }

  getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      ...this.kernelBiasConfig(),
    };
  }
}
