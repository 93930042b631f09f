import { add } from '../../ops/binary.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getActivation, type ActivationName } from '../activations.js';
import { getInitializer, serializeInitializer, type InitializerSpec } from '../initializers.js';
import { getConstraint, serializeConstraint, type Constraint, type ConstraintSpec } from '../constraints.js';
import { getRegularizer, serializeRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { Layer, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

/** Arguments shared by the layers with a kernel, an optional bias and an activation (Dense, Conv2D). */
export interface KernelBiasArgs extends LayerArgs {
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  /** A penalty on the kernel added to the loss ('l1', 'l2', 'l1l2', or regularizers.l2({ l2: 1e-4 })). */
  kernelRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  /** A projection of the kernel after each step ('maxNorm', 'nonNeg', 'unitNorm', 'minMaxNorm', or constraints.maxNorm({ maxValue: 3 })). */
  kernelConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
}

/** Activations the fused kernels (fusedMatMul, fusedConv2d) apply themselves. */
const FUSABLE: ReadonlySet<string> = new Set(['linear', 'relu', 'sigmoid', 'tanh']);

/**
 * Base of Dense and Conv2D: y = activation(op(x, kernel) + bias). Holds the
 * kernel and bias, builds them from `kernelShape`, and serializes the shared
 * arguments; subclasses supply the kernel's shape and the op.
 */
export abstract class KernelBiasLayer extends Layer {
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInit: InitializerSpec;
  private readonly biasInit: InitializerSpec;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;
  private readonly kernelConstraint: Constraint | null;
  private readonly biasConstraint: Constraint | null;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(args: KernelBiasArgs) {
    super(args);
    this.activation = getActivation(args.activation).name;
    this.useBias = args.useBias ?? true;
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : null;
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : null;
    this.kernelConstraint = args.kernelConstraint ? getConstraint(args.kernelConstraint) : null;
    this.biasConstraint = args.biasConstraint ? getConstraint(args.biasConstraint) : null;
  }

  /** The kernel's shape for inputs of `inputShape` (its last dimension is the bias'); throws on inputs the layer cannot take. */
  protected abstract kernelShape(inputShape: Shape): number[];

  /** The kernel's weight name ('depthwiseKernel' for DepthwiseConv2D). */
  protected get kernelName(): string {
    return 'kernel';
  }

  /** The bias' length for a kernel of shape `kernel` (its last dimension, for most layers). */
  protected biasSize(kernel: readonly number[]): number {
    return kernel[kernel.length - 1]!;
  }

  override weightShapes(inputShape: Shape): WeightShape[] {
    const kernel = this.kernelShape(inputShape);
    return [{ name: this.kernelName, shape: kernel }, ...(this.useBias ? [{ name: 'bias', shape: [this.biasSize(kernel)] }] : [])];
  }

  override build(inputShape: Shape): void {
    const ws = this.weightShapes(inputShape);
    const kernel = ws.find((w) => w.name === this.kernelName)!;
    const bias = ws.find((w) => w.name === 'bias');
    this.buildExtraWeights(ws);
    this.kernel = this.addWeight(this.kernelName, kernel.shape, this.kernelInit, true, 'float32', {
      regularizer: this.kernelRegularizer,
      constraint: this.kernelConstraint,
    });
    if (bias)
      this.bias = this.addWeight('bias', bias.shape, this.biasInit, true, 'float32', { regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    super.build(inputShape);
  }

  /** Weights a subclass creates before the kernel (SeparableConv2D's depthwise kernel). */
  protected buildExtraWeights(_shapes: readonly WeightShape[]): void {}

  /** Whether the fused kernel can apply this layer's activation. */
  protected get fusable(): boolean {
    return FUSABLE.has(this.activation);
  }

  /** The unfused tail: add the bias (if any), then the activation. */
  protected biasAndActivation(y: Tensor): Tensor {
    return getActivation(this.activation).fn(this.bias ? add(y, this.bias) : y);
  }

  /** The shared arguments' config, after the subclass' own. */
  protected kernelBiasConfig(): LayerConfig {
    return {
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(getInitializer(this.kernelInit)),
      biasInitializer: serializeInitializer(getInitializer(this.biasInit)),
      kernelRegularizer: this.kernelRegularizer && serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: this.biasRegularizer && serializeRegularizer(this.biasRegularizer),
      kernelConstraint: this.kernelConstraint && serializeConstraint(this.kernelConstraint),
      biasConstraint: this.biasConstraint && serializeConstraint(this.biasConstraint),
    };
  }
}
