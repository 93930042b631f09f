import { PolytensorError } from '../../errors.js';
import { cast } from '../../ops/cast.js';
import { notEqual } from '../../ops/compare.js';
import { gather } from '../../ops/gather.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import type { Variable } from '../../variable.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { Layer, formatShape, positiveInt, showArg, type LayerArgs, type LayerConfig, type Shape, type WeightShape } from './layer.js';

export interface EmbeddingArgs extends LayerArgs {
  /** Number of ids: ids are integers in [0, inputDim). */
  inputDim: number;
  /** Length of each id's vector. */
  outputDim: number;
  /** Default randomUniform in [-0.05, 0.05], as Keras. */
  embeddingsInitializer?: InitializerSpec;
  /** Id 0 is padding: the layer gives a mask (id ≠ 0) that recurrent layers after it use to skip padded steps. */
  maskZero?: boolean;
  /** The sequence length, when fixed (Keras' inputLength: sets the input shape [inputLength]). */
  inputLength?: number;
}

/**
 * Maps integer ids [batch, ...] to vectors [batch, ..., outputDim] (a lookup in
 * a trained table; its gradient adds into the rows used). Ids may be int32 or
 * integer-valued float32; one outside [0, inputDim) is an error naming it.
 * @example new Embedding({ inputDim: 10000, outputDim: 64, maskZero: true }) // [batch, time] ids → [batch, time, 64]
 */
export class Embedding extends Layer {
  static readonly className: string = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | null;
  private readonly init: Initializer;
  embeddings: Variable | null = null;
  override takesIds = true;

  constructor(args: EmbeddingArgs) {
    const inputLength = args?.inputLength;
    super(inputLength !== undefined && args.inputShape === undefined ? { ...args, inputShape: [inputLength] } : args);
    this.inputDim = positiveInt(this.name, 'inputDim', args.inputDim);
    this.outputDim = positiveInt(this.name, 'outputDim', args.outputDim);
    this.maskZero = args.maskZero ?? false;
    if (typeof this.maskZero !== 'boolean') throw new PolytensorError(`${this.name}: maskZero must be true or false, got ${showArg(args.maskZero)}`);
    this.inputLength = inputLength === undefined ? null : positiveInt(this.name, 'inputLength', inputLength);
    this.init = getInitializer(args.embeddingsInitializer ?? { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } });
  }

  /** Ids of any shape after the batch (sequences of any length). */
  override relaxShape(shape: Shape): Shape {
    return shape.map((d, i) => (i === 0 || this.inputLength === null ? null : d));
  }

  override weightShapes(inputShape: Shape): WeightShape[] {
    if (inputShape.length < 2) throw new PolytensorError(`${this.name} (Embedding): needs ids of shape [batch, ...], got ${formatShape(inputShape)}`);
    return [{ name: 'embeddings', shape: [this.inputDim, this.outputDim] }];
  }

  override build(inputShape: Shape): void {
    this.embeddings = this.addWeight('embeddings', this.weightShapes(inputShape)[0]!.shape, this.init);
    super.build(inputShape);
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.weightShapes(inputShape);
    return [...inputShape, this.outputDim];
  }

  override computeMask(inputs: Tensor | Tensor[], _mask: Tensor | null): Tensor | null {
    return this.maskZero ? notEqual(inputs as Tensor, 0) : null;
  }

  protected call(x: Tensor): Tensor {
    // Ids may come as float32 (a Sequential's inputs); gather checks each is in [0, inputDim).
    const ids = x.dtype === 'int32' ? x : cast(x, 'int32');
    if (x.dtype === 'float32') {
      const v = x.dataSync();
      for (let i = 0; i < v.length; i++) {
        if (!Number.isInteger(v[i]!)) throw new PolytensorError(`${this.name} (Embedding): id ${v[i]} at position ${i} is not an integer; ids index the table`);
      }
    }
    try {
      const flat = gather(this.embeddings!, reshape(ids, [-1]), 0);
      return reshape(flat, [...x.shape, this.outputDim]);
    } catch (e) {
      throw new PolytensorError(
        `${this.name} (Embedding): ${(e as Error).message.replace(/^gather: /, '')}; ids must be integers in [0, inputDim = ${this.inputDim})`,
      );
    }
  }

  getConfig(): LayerConfig {
    return {
      ...this.baseConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.init),
      maskZero: this.maskZero,
      ...(this.inputLength !== null ? { inputLength: this.inputLength } : {}),
    };
  }
}
