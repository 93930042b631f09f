// Conv2DTranspose, DepthwiseConv2D and SeparableConv2D: the kernel, bias and
// activation handling of KernelBiasLayer over other convolution ops.
import { PolytensorError } from '../../errors.js';
import { conv2d } from '../../ops/conv2d.js';
import { conv2dTranspose } from '../../ops/conv2d_transpose.js';
import { computeConv2DInfo } from '../../ops/conv_util.js';
import { depthwiseConv2d } from '../../ops/depthwise_conv2d.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { KernelBiasLayer, type KernelBiasArgs } from './kernel_bias.js';
import { formatShape, pairOf, positiveInt, showArg, type LayerConfig, type Shape, type WeightShape } from './layer.js';

interface ConvGeometryArgs extends KernelBiasArgs {
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
}

/** The NHWC input's channels, or a clear error. */
function channelsOf(layer: string, cls: string, s: Shape): number {
  const c = s[3];
  if (s.length !== 4 || typeof c !== 'number')
    throw new PolytensorError(`${layer} (${cls}): needs NHWC inputs [batch, height, width, channels] with known channels, got ${formatShape(s)}`);
  return c;
}

abstract class ConvVariant extends KernelBiasLayer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  constructor(args: ConvGeometryArgs) {
    super(args);
    this.kernelSize = pairOf(this.name, 'kernelSize', args.kernelSize);
    this.strides = pairOf(this.name, 'strides', args.strides ?? 1);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'same' && this.padding !== 'valid')
      throw new PolytensorError(`${this.name}: padding must be 'same' or 'valid', got ${showArg(args.padding)}`);
  }
  protected geometryConfig(): LayerConfig {
    return { kernelSize: this.kernelSize, strides: this.strides, padding: this.padding };
  }
}

export interface Conv2DTransposeArgs extends ConvGeometryArgs {
  filters: number;
}

/** Transposed convolution (upsampling by `strides`); kernel [fh, fw, filters, inChannels] as Keras. */
export class Conv2DTranspose extends ConvVariant {
  static readonly className: string = 'Conv2DTranspose';
  readonly filters: number;
  constructor(args: Conv2DTransposeArgs) {
    super(args);
    this.filters = positiveInt(this.name, 'filters', args.filters);
  }
  protected kernelShape(s: Shape): number[] {
    return [...this.kernelSize, this.filters, channelsOf(this.name, 'Conv2DTranspose', s)];
  }
  protected override biasSize(kernel: readonly number[]): number {
    return kernel[2]!;
  }
  private outSize(n: number | null, k: number, s: number): number | null {
    if (n === null) return null;
    return this.padding === 'same' ? n * s : (n - 1) * s + k;
  }
  computeOutputShape(s: Shape): Shape {
    this.kernelShape(s);
    return [
      s[0] ?? null,
      this.outSize(s[1] ?? null, this.kernelSize[0], this.strides[0]),
      this.outSize(s[2] ?? null, this.kernelSize[1], this.strides[1]),
      this.filters,
    ];
  }
  protected call(x: Tensor): Tensor {
    const [b, h, w] = x.shape as [number, number, number, number];
    const out: [number, number, number, number] = [
      b,
      this.outSize(h, this.kernelSize[0], this.strides[0])!,
      this.outSize(w, this.kernelSize[1], this.strides[1])!,
      this.filters,
    ];
    return this.biasAndActivation(conv2dTranspose(x, this.kernel!, out, this.strides, this.padding));
  }
  getConfig(): LayerConfig {
    return { ...this.baseConfig(), filters: this.filters, ...this.geometryConfig(), ...this.kernelBiasConfig() };
  }
}

export interface DepthwiseConv2DArgs extends ConvGeometryArgs {
  /** Filters per input channel (default 1). */
  depthMultiplier?: number;
  dilationRate?: number | [number, number];
}

/** Each input channel convolved with its own `depthMultiplier` filters; kernel 'depthwiseKernel' [fh, fw, C, M]. */
export class DepthwiseConv2D extends ConvVariant {
  static readonly className: string = 'DepthwiseConv2D';
  readonly depthMultiplier: number;
  readonly dilationRate: [number, number];
  constructor(args: DepthwiseConv2DArgs) {
    super(args);
    this.depthMultiplier = positiveInt(this.name, 'depthMultiplier', args.depthMultiplier ?? 1);
    this.dilationRate = pairOf(this.name, 'dilationRate', args.dilationRate ?? 1);
  }
  protected override get kernelName(): string {
    return 'depthwiseKernel';
  }
  protected kernelShape(s: Shape): number[] {
    return [...this.kernelSize, channelsOf(this.name, 'DepthwiseConv2D', s), this.depthMultiplier];
  }
  protected override biasSize(kernel: readonly number[]): number {
    return kernel[2]! * kernel[3]!;
  }
  computeOutputShape(s: Shape): Shape {
    const c = channelsOf(this.name, 'DepthwiseConv2D', s);
    const info = computeConv2DInfo(this.name, [1, s[1] ?? 1, s[2] ?? 1, c], [...this.kernelSize, c, 1], this.strides, this.padding, this.dilationRate);
    return [s[0] ?? null, s[1] === null ? null : info.outHeight, s[2] === null ? null : info.outWidth, c * this.depthMultiplier];
  }
  protected call(x: Tensor): Tensor {
    return this.biasAndActivation(depthwiseConv2d(x, this.kernel!, this.strides, this.padding, this.dilationRate));
  }
  getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      depthMultiplier: this.depthMultiplier,
      dilationRate: this.dilationRate,
      ...this.geometryConfig(),
      ...this.kernelBiasConfig(),
    };
  }
}

export interface SeparableConv2DArgs extends ConvGeometryArgs {
  filters: number;
  depthMultiplier?: number;
  dilationRate?: number | [number, number];
  /** Default glorotUniform. */
  depthwiseInitializer?: InitializerSpec;
}

/**
 * A depthwise convolution then a 1×1 convolution to `filters` channels:
 * weights 'depthwiseKernel' [fh, fw, C, M], 'pointwiseKernel' [1, 1, C·M, filters], 'bias'.
 * (kernelInitializer, kernelRegularizer and kernelConstraint apply to the pointwise kernel.)
 */
export class SeparableConv2D extends ConvVariant {
  static readonly className: string = 'SeparableConv2D';
  readonly filters: number;
  readonly depthMultiplier: number;
  readonly dilationRate: [number, number];
  private readonly depthwiseInit: Initializer;
  depthwiseKernel: Variable | null = null;
  constructor(args: SeparableConv2DArgs) {
    super(args);
    this.filters = positiveInt(this.name, 'filters', args.filters);
    this.depthMultiplier = positiveInt(this.name, 'depthMultiplier', args.depthMultiplier ?? 1);
    this.dilationRate = pairOf(this.name, 'dilationRate', args.dilationRate ?? 1);
    this.depthwiseInit = getInitializer(args.depthwiseInitializer ?? 'glorotUniform');
  }
  protected override get kernelName(): string {
    return 'pointwiseKernel';
  }
  protected kernelShape(s: Shape): number[] {
    return [1, 1, channelsOf(this.name, 'SeparableConv2D', s) * this.depthMultiplier, this.filters];
  }
  override weightShapes(s: Shape): WeightShape[] {
    const c = channelsOf(this.name, 'SeparableConv2D', s);
    return [{ name: 'depthwiseKernel', shape: [...this.kernelSize, c, this.depthMultiplier] }, ...super.weightShapes(s)];
  }
  protected override buildExtraWeights(shapes: readonly WeightShape[]): void {
    this.depthwiseKernel = this.addWeight('depthwiseKernel', shapes[0]!.shape, this.depthwiseInit);
  }
  computeOutputShape(s: Shape): Shape {
    const c = channelsOf(this.name, 'SeparableConv2D', s);
    const info = computeConv2DInfo(this.name, [1, s[1] ?? 1, s[2] ?? 1, c], [...this.kernelSize, c, 1], this.strides, this.padding, this.dilationRate);
    return [s[0] ?? null, s[1] === null ? null : info.outHeight, s[2] === null ? null : info.outWidth, this.filters];
  }
  protected call(x: Tensor): Tensor {
    return this.biasAndActivation(conv2d(depthwiseConv2d(x, this.depthwiseKernel!, this.strides, this.padding, this.dilationRate), this.kernel!));
  }
  getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      depthMultiplier: this.depthMultiplier,
      dilationRate: this.dilationRate,
      depthwiseInitializer: serializeInitializer(this.depthwiseInit),
      ...this.geometryConfig(),
      ...this.kernelBiasConfig(),
    };
  }
}
