import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { formatShape, singleShape, type Layer, type LayerConfig, type Shape, type Shapes } from '../nn/layers/index.js';
import { LayersModel } from './layers_model.js';
import type { TensorOrTensors } from './model_io.js';
import { summaryTable } from './summary.js';
import type { LayerSpec, ModelTopology } from './io/types.js';

export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

/**
 * A linear stack of layers with Keras' training API: the one-input,
 * one-output case of a model.
 * @example
 * const model = new Sequential({ layers: [new Dense({ units: 10, inputShape: [4] })] });
 * model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
 * await model.fit(xs, ys, { epochs: 5 });
 */
export class Sequential extends LayersModel {
  static readonly className: string = 'Sequential';
  private readonly stack: Layer[] = [];
  /** @internal The input shape build() uses when the first layer has none (set by build, or by loading). */
  declaredInputShape: Shape | null = null;

  constructor(args: SequentialArgs = {}) {
    super({ name: args.name ?? 'sequential' });
    for (const l of args.layers ?? []) this.add(l);
  }

  override get layers(): readonly Layer[] {
    return this.stack;
  }

  add(layer: Layer): void {
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new PolytensorError(`Sequential.add: a layer named '${layer.name}' is already in the model; layer names must be unique`);
    }
    if (this.built) throw new PolytensorError(`Sequential.add: ${this.name} is already built; add layers before the first fit, predict or build`);
    this.stack.push(layer);
  }

  /** Input shape with a null batch dimension, if known. */
  override get inputShape(): Shape | null {
    return this.stack[0]?.batchInputShape ?? this.declaredInputShape ?? (this.pendingInputShape as Shape | null);
  }

  get inputShapes(): readonly Shape[] {
    const s = this.inputShape;
    if (!s) throw new PolytensorError(`${this.name}: the input shape is not known yet; give the first layer an inputShape or build(inputShape)`);
    return [s];
  }

  get inputNames(): readonly string[] {
    return [this.stack[0]?.name ?? 'input'];
  }

  get inputDTypes(): readonly string[] {
    return [this.stack[0]?.takesIds ? 'int32' : 'float32'];
  }

  get outputNames(): readonly string[] {
    return [this.stack[this.stack.length - 1]?.name ?? 'output'];
  }

  get outputShapes(): readonly Shape[] {
    return [singleShape(this.computeOutputShape(this.inputShapes[0]!), this.name)];
  }

  override computeOutputShape(inputShape: Shapes): Shape {
    if (this.stack.length === 0) throw new PolytensorError(`${this.name}: the model has no layers; add some first`);
    let shape = singleShape(inputShape, `${this.name}'s input`);
    for (const l of this.stack) shape = singleShape(l.computeOutputShape(shape), l.name);
    return shape;
  }

  /** The weights build(inputShape) would create, walking the stack's shapes; allocates nothing. */
  override weightShapes(inputShape?: Shapes): Array<{ name: string; shape: readonly number[] }> {
    if (this.stack.length === 0) throw new PolytensorError(`${this.name}: the model has no layers; add some first`);
    let shape = inputShape ? singleShape(inputShape, `${this.name}'s input`) : this.inputShapes[0]!;
    return this.stack.flatMap((l) => {
      const ws = l.built ? l.weights.map((w) => ({ name: w.name, shape: w.variable.shape })) : l.weightShapes(shape);
      shape = singleShape(l.computeOutputShape(shape), l.name);
      return ws.map((w) => ({ name: `${l.name}/${w.name}`, shape: w.shape }));
    });
  }

  /** Create all weights for inputs of `inputShape` (batch first; defaults to the first layer's inputShape). */
  override build(inputShape?: Shapes): void {
    if (this.stack.length === 0) throw new PolytensorError(`${this.name}: the model has no layers; add some first`);
    let shape = inputShape ? singleShape(inputShape, `${this.name}'s input`) : this.inputShape;
    if (!shape) throw new PolytensorError(`${this.name}: cannot build without an input shape; give the first layer an inputShape`);
    this.declaredInputShape = shape;
    for (const layer of this.stack) {
      if (!layer.built) layer.build(shape);
      shape = singleShape(layer.computeOutputShape(shape), layer.name);
    }
    super.build(this.declaredInputShape);
  }

  protected forward(xs: Tensor[], training: boolean): Tensor[] {
    this.ensureBuilt();
    return [
      ENGINE.tidy(() => {
        let y = xs[0]!;
        let mask: Tensor | null = null;
        for (const layer of this.stack) {
          const next = layer.apply(y, { training, mask });
          mask = layer.computeMask(y, mask);
          y = next;
        }
        return y;
      }),
    ];
  }

  override predict(x: TensorOrTensors, args: { batchSize?: number } = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }

  override predictOnBatch(x: TensorOrTensors): Tensor {
    return super.predictOnBatch(x) as Tensor;
  }

  /** Keras-style table: layer (type), output shape, params; then totals. */
  summary(print: (line: string) => void = console.log): string {
    this.ensureBuilt();
    let shape = this.inputShape!;
    const rows = this.stack.map((l) => {
      shape = singleShape(l.computeOutputShape(shape), l.name);
      return [`${l.name} (${l.className})`, formatShape(shape), String(l.countParams())];
    });
    return summaryTable(this, ['Layer (type)', 'Output shape', 'Param #'], rows, print);
  }

  getConfig(): LayerConfig & { name: string; inputShape: number[] | null; layers: LayerSpec[] } {
    const s = this.inputShape;
    return {
      name: this.name,
      inputShape: s ? (s.slice(1) as number[]) : null,
      layers: this.stack.map((l) => ({ className: l.className, config: l.getConfig() })),
    };
  }

  toTopology(): ModelTopology {
    return { className: 'Sequential', config: this.getConfig() };
  }
}
