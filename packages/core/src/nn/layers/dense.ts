import type { FusedActivation } from '../../backend/kernels.js';
import { PolytensorError } from '../../errors.js';
import { fusedMatMul } from '../../ops/fused_mat_mul.js';
import { matMul } from '../../ops/mat_mul.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import { KernelBiasLayer, type KernelBiasArgs } from './kernel_bias.js';
import { positiveInt, type LayerConfig, type Shape } from './layer.js';

export interface DenseArgs extends KernelBiasArgs {
  units: number;
}

/** y = activation(x·kernel + bias) over the last axis. */
export class Dense extends KernelBiasLayer {
  static readonly className: string = 'Dense';
  readonly units: number;

  constructor(args: DenseArgs) {
    super(args);
    this.units = positiveInt(this.name, 'units', args.units);
  }

  protected kernelShape(inputShape: Shape): number[] {
    const inDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof inDim !== 'number') {
      throw new PolytensorError(`${this.name} (Dense): needs inputs of rank ≥ 2 with a known last dimension, got [${inputShape.join(',')}]`);
    }
    return [inDim, this.units];
  }

  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  protected call(x: Tensor): Tensor {
    const k = this.kernel!;
    if (x.rank === 2 && this.fusable) {
      return fusedMatMul({ a: x, b: k, bias: this.bias, activation: this.activation as FusedActivation });
    }
    if (x.rank === 2) return this.biasAndActivation(matMul(x, k));
    const y = matMul(reshape(x, [-1, x.shape[x.rank - 1]!]), k);
    return this.biasAndActivation(reshape(y, [...x.shape.slice(0, -1), this.units]));
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), units: this.units, ...this.kernelBiasConfig() };
  }
}
