import type { FusedActivation } from '../../backend/kernels.js';
import { PolytensorError } from '../../errors.js';
import { conv2d } from '../../ops/conv2d.js';
import { computeConv2DInfo } from '../../ops/conv_util.js';
import { fusedConv2d } from '../../ops/fused_conv2d.js';
import type { Tensor } from '../../tensor.js';
import { KernelBiasLayer, type KernelBiasArgs } from './kernel_bias.js';
import { showArg, pairOf, positiveInt, type LayerConfig, type Shape } from './layer.js';

export interface Conv2DArgs extends KernelBiasArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  dilationRate?: number | [number, number];
}

/** 2-D convolution over NHWC inputs; conv, bias and a linear/relu/sigmoid/tanh activation run as one fused op. */
export class Conv2D extends KernelBiasLayer {
  static readonly className: string = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly dilationRate: [number, number];

  constructor(args: Conv2DArgs) {
    super(args);
    this.filters = positiveInt(this.name, 'filters', args.filters);
    this.kernelSize = pairOf(this.name, 'kernelSize', args.kernelSize);
    this.strides = pairOf(this.name, 'strides', args.strides ?? 1);
    this.dilationRate = pairOf(this.name, 'dilationRate', args.dilationRate ?? 1);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'same' && this.padding !== 'valid') {
      throw new PolytensorError(`${this.name}: padding must be 'same' or 'valid', got ${showArg(args.padding)}`);
    }
  }

  protected kernelShape(inputShape: Shape): number[] {
    const c = inputShape[3];
    if (inputShape.length !== 4 || typeof c !== 'number') {
      throw new PolytensorError(`${this.name} (Conv2D): needs NHWC inputs [batch, height, width, channels], got [${inputShape.join(',')}]`);
    }
    return [...this.kernelSize, c, this.filters];
  }

  computeOutputShape(inputShape: Shape): Shape {
    const [, h, w, c] = inputShape;
    const info = computeConv2DInfo(
      this.name,
      [1, h ?? 1, w ?? 1, c ?? 1],
      [...this.kernelSize, c ?? 1, this.filters],
      this.strides,
      this.padding,
      this.dilationRate,
    );
    return [inputShape[0] ?? null, info.outHeight, info.outWidth, this.filters];
  }

  protected call(x: Tensor): Tensor {
    if (this.fusable) {
      return fusedConv2d({
        x,
        filter: this.kernel!,
        strides: this.strides,
        pad: this.padding,
        dilations: this.dilationRate,
        bias: this.bias,
        activation: this.activation as FusedActivation,
      });
    }
    return this.biasAndActivation(conv2d(x, this.kernel!, this.strides, this.padding, this.dilationRate));
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
