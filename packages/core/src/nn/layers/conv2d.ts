import type { FusedActivation } from '../../backend/kernels.js';
import { PolytensorError } from '../../errors.js';
import { add } from '../../ops/binary.js';
import { conv2d } from '../../ops/conv2d.js';
import { computeConv2DInfo } from '../../ops/conv_util.js';
import { fusedConv2d } from '../../ops/fused_conv2d.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getActivation, type ActivationName } from '../activations.js';
import { getInitializer, serializeInitializer, type InitializerSpec } from '../initializers.js';
import { Layer, showArg, pairOf, positiveInt, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

export interface Conv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  dilationRate?: number | [number, number];
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

const FUSABLE: ReadonlySet<string> = new Set(['linear', 'relu', 'sigmoid', 'tanh']);

/** 2-D convolution over NHWC inputs; conv, bias and a linear/relu/sigmoid/tanh activation run as one fused op. */
export class Conv2D extends Layer {
  readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInit: InitializerSpec;
  private readonly biasInit: InitializerSpec;
  kernel: Variable | null = null;
  bias: Variable | null = null;

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
    this.activation = getActivation(args.activation).name;
    this.useBias = args.useBias ?? true;
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override weightShapes(inputShape: Shape): WeightShape[] {
    const c = inputShape[3];
    if (inputShape.length !== 4 || typeof c !== 'number') {
      throw new PolytensorError(`${this.name} (Conv2D): needs NHWC inputs [batch, height, width, channels], got [${inputShape.join(',')}]`);
    }
    return [{ name: 'kernel', shape: [...this.kernelSize, c, this.filters] }, ...(this.useBias ? [{ name: 'bias', shape: [this.filters] }] : [])];
  }

  override build(inputShape: Shape): void {
    const [kernel, bias] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', kernel!.shape, this.kernelInit);
    if (bias) this.bias = this.addWeight('bias', bias.shape, this.biasInit);
    super.build(inputShape);
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
    if (FUSABLE.has(this.activation)) {
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
    let y = conv2d(x, this.kernel!, this.strides, this.padding, this.dilationRate);
    if (this.bias) y = add(y, this.bias);
    return getActivation(this.activation).fn(y);
  }

  getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(getInitializer(this.kernelInit)),
      biasInitializer: serializeInitializer(getInitializer(this.biasInit)),
    };
  }
}
