import type { DType } from '../../backend/types.js';
import { PolytensorError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { Layer, type LayerConfig, type Shape } from './layer.js';
import { LayerNode, SymbolicTensor } from './symbolic.js';

export interface InputArgs {
  /** Shape of one example, without the batch dimension; null for a dimension of any size (a sequence's length). */
  shape: ReadonlyArray<number | null>;
  /** float32 (default) or int32 (ids for an Embedding). */
  dtype?: 'float32' | 'int32';
  name?: string;
}

/** The entry point of a functional model's graph: holds the shape and dtype of one input. */
export class InputLayer extends Layer {
  static readonly className: string = 'InputLayer';
  readonly inputDType: 'float32' | 'int32';
  /** The symbolic tensor this layer stands for. */
  readonly output: SymbolicTensor;

  constructor(args: InputArgs & { batchInputShape?: Shape }) {
    const raw: unknown = args?.batchInputShape ? args.batchInputShape.slice(1) : args?.shape;
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((d) => d === null || (Number.isSafeInteger(d) && d > 0))) {
      throw new PolytensorError(
        `input: shape must be a non-empty array of positive integers (or null for any size), without the batch dimension, got ${JSON.stringify(raw)}`,
      );
    }
    const dtype = args.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'int32') throw new PolytensorError(`input: dtype must be 'float32' or 'int32', got ${JSON.stringify(dtype)}`);
    super({ name: args.name });
    this.inputDType = dtype;
    const shape: Shape = [null, ...(raw as Array<number | null>)];
    this.build(shape);
    const node = new LayerNode(this, [], 0);
    this.output = new SymbolicTensor(shape, dtype, node, 0);
    node.outputs = [this.output];
    this.inboundNodes.push(node);
  }

  /** The input's shape, batch first. */
  get shape(): Shape {
    return this.output.shape;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override outputDType(): DType {
    return this.inputDType;
  }

  protected call(x: Tensor): Tensor {
    return x;
  }

  getConfig(): LayerConfig {
    return { name: this.name, batchInputShape: this.shape, dtype: this.inputDType };
  }
}

/**
 * A symbolic input of a functional model: apply layers to it, then
 * `model({ inputs, outputs })`.
 * @example
 * const x = input({ shape: [784] });
 * const y = layers.dense({ units: 10, activation: 'softmax' }).apply(layers.dense({ units: 64, activation: 'relu' }).apply(x));
 * const m = model({ inputs: x, outputs: y });
 */
export function input(args: InputArgs): SymbolicTensor {
  if (args === null || typeof args !== 'object') throw new PolytensorError('input: pass { shape, dtype?, name? }, e.g. input({ shape: [784] })');
  return new InputLayer(args).output;
}
