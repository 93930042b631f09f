import type { FusedActivation } from '../../backend/kernels.js';
import { PolytensorError } from '../../errors.js';
import { add } from '../../ops/binary.js';
import { fusedMatMul } from '../../ops/fused_mat_mul.js';
import { matMul } from '../../ops/mat_mul.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getActivation, type ActivationName } from '../activations.js';
import { serializeInitializer, getInitializer, type InitializerSpec } from '../initializers.js';
import { Layer, positiveInt, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

const FUSABLE: ReadonlySet<string> = new Set(['linear', 'relu', 'sigmoid', 'tanh']);

/** y = activation(x·kernel + bias) over the last axis. */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInit: InitializerSpec;
  private readonly biasInit: InitializerSpec;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(args: DenseArgs) {
    super(args);
    this.units = positiveInt(this.name, 'units', args.units);
    this.activation = getActivation(args.activation).name;
    this.useBias = args.useBias ?? true;
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override weightShapes(inputShape: Shape): WeightShape[] {
    const inDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof inDim !== 'number') {
      throw new PolytensorError(`${this.name} (Dense): needs inputs of rank ≥ 2 with a known last dimension, got [${inputShape.join(',')}]`);
    }
    return [{ name: 'kernel', shape: [inDim, this.units] }, ...(this.useBias ? [{ name: 'bias', shape: [this.units] }] : [])];
  }

  override build(inputShape: Shape): void {
    const [kernel, bias] = this.weightShapes(inputShape);
    this.kernel = this.addWeight('kernel', kernel!.shape, this.kernelInit);
    if (bias) this.bias = this.addWeight('bias', bias.shape, this.biasInit);
    super.build(inputShape);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  protected call(x: Tensor): Tensor {
    const k = this.kernel!;
    if (x.rank === 2 && FUSABLE.has(this.activation)) {
      return fusedMatMul({ a: x, b: k, bias: this.bias, activation: this.activation as FusedActivation });
    }
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]!]);
    let y = matMul(flat, k);
    if (this.bias) y = add(y, this.bias);
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    return getActivation(this.activation).fn(y);
  }

  getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(getInitializer(this.kernelInit)),
      biasInitializer: serializeInitializer(getInitializer(this.biasInit)),
    };
  }
}
