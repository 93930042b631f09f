// Layers that wrap another layer: Bidirectional runs a recurrent layer both
// ways; TimeDistributed applies a layer to every step of a sequence. Their
// weights are the wrapped layers', named under the wrapper.
import { PolytensorError } from '../../errors.js';
import { add, div, mul } from '../../ops/binary.js';
import { concat } from '../../ops/concat.js';
import { tensor } from '../../ops/convert.js';
import { gather } from '../../ops/gather.js';
import { reshape } from '../../ops/reshape.js';
import type { Tensor } from '../../tensor.js';
import {
  Layer,
  formatShape,
  isShapeList,
  shapeList,
  singleShape,
  type CallOptions,
  type LayerArgs,
  type LayerClass,
  type LayerConfig,
  type NamedWeight,
  type Shape,
  type Shapes,
  type WeightShape,
} from './layer.js';
import { RNN } from './recurrent.js';

/** The wrapped layer (model loading turns a saved { className, config } into one first: see `nestedLayers`). */
function layerOf(owner: string, v: unknown): Layer {
  if (!(v instanceof Layer)) throw new PolytensorError(`${owner}: layer must be a Layer, got ${v === null ? 'null' : typeof v}`);
  return v;
}

const prefixed = (prefix: string, ws: readonly NamedWeight[]): NamedWeight[] => ws.map((w) => ({ name: `${prefix}/${w.name}`, variable: w.variable }));

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer to run forwards; a copy runs backwards. */
  layer: RNN;
  /** How the two directions' outputs combine: 'concat' (default), 'sum', 'mul', 'ave', or null for both as two outputs. */
  mergeMode?: 'concat' | 'sum' | 'mul' | 'ave' | null;
}

/**
 * Runs a recurrent layer over the sequence forwards and a copy backwards, and
 * merges their outputs (a returned sequence from the backward copy is put
 * back in time order first). Initial states are extra inputs, the forward
 * layer's then the backward's; with returnState on the wrapped layer the
 * outputs are [merged (or both with mergeMode null), ...forward states,
 * ...backward states], as Keras.
 * @example
 * const bi = new Bidirectional({ layer: new LSTM({ units: 8, returnSequences: true }) });
 * bi.apply(x); // [batch, time, features] → [batch, time, 16]
 */
export class Bidirectional extends Layer {
  static readonly className: string = 'Bidirectional';
  /** Config keys holding a layer: loading rebuilds them before the constructor runs. */
  static readonly nestedLayers = ['layer'];
  readonly forward: RNN;
  readonly backward: RNN;
  readonly mergeMode: 'concat' | 'sum' | 'mul' | 'ave' | null;
  override supportsMasking = true;

  constructor(args: BidirectionalArgs) {
    super(args);
    const inner = layerOf(this.name, args?.layer);
    if (!(inner instanceof RNN))
      throw new PolytensorError(`${this.name} (Bidirectional): wraps a recurrent layer (SimpleRNN, LSTM, GRU), got ${inner.className}`);
    this.forward = inner;
    const config = inner.getConfig();
    this.backward = new (inner.constructor as LayerClass<RNN>)({ ...config, name: `backward_${inner.name}`, goBackwards: !inner.goBackwards });
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (mode !== null && !['concat', 'sum', 'mul', 'ave'].includes(mode)) {
      throw new PolytensorError(`${this.name}: mergeMode must be 'concat', 'sum', 'mul', 'ave' or null, got ${JSON.stringify(args.mergeMode)}`);
    }
    this.mergeMode = mode;
  }

  /** The input shapes of the forward and the backward layer: [x] or [x, its initial states]. */
  private innerShapes(inputShape: Shapes): [Shapes, Shapes] {
    const list = shapeList(inputShape);
    const x = list[0]!;
    const states = list.slice(1);
    const n = this.forward.stateCount;
    if (states.length === 0) return [x, x];
    if (states.length !== 2 * n) {
      throw new PolytensorError(
        `${this.name} (Bidirectional): takes ${2 * n} initial states (${n} for the forward ${this.forward.className}, then ${n} for the backward one), got ${states.length}`,
      );
    }
    return [
      [x, ...states.slice(0, n)],
      [x, ...states.slice(n)],
    ];
  }

  /** As the wrapped recurrent layer: sequences of any length. */
  override relaxShape(shape: Shape): Shape {
    return this.forward.relaxShape(shape);
  }

  override get weights(): NamedWeight[] {
    return [...prefixed('forward', this.forward.weights), ...prefixed('backward', this.backward.weights)];
  }

  override weightShapes(inputShape: Shapes): WeightShape[] {
    const [f, b] = this.innerShapes(inputShape);
    const p = (prefix: string, ws: WeightShape[]): WeightShape[] => ws.map((w) => ({ name: `${prefix}/${w.name}`, shape: w.shape }));
    return [...p('forward', this.forward.weightShapes(f)), ...p('backward', this.backward.weightShapes(b))];
  }

  override build(inputShape: Shapes): void {
    const [f, b] = this.innerShapes(inputShape);
    this.forward.build(f);
    this.backward.build(b);
    super.build(inputShape);
  }

  computeOutputShape(inputShape: Shapes): Shapes {
    const [f] = this.innerShapes(inputShape);
    const [one, ...states] = shapeList(this.forward.computeOutputShape(f));
    const merged: Shape[] = this.mergeMode === null ? [one!, one!] : [this.mergeMode === 'concat' ? [...one!.slice(0, -1), this.forward.units * 2] : one!];
    if (!this.forward.returnState) return merged.length === 1 ? merged[0]! : merged;
    return [...merged, ...states, ...states];
  }

  override computeMask(inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.forward.computeMask(inputs, mask);
  }

  protected call(inputs: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const n = this.forward.stateCount;
    const states = list.slice(1);
    if (states.length !== 0 && states.length !== 2 * n) {
      throw new PolytensorError(`${this.name} (Bidirectional): takes ${2 * n} initial states, got ${states.length}`);
    }
    const inner = (from: number): Tensor[] => (states.length ? [list[0]!, ...states.slice(from, from + n)] : [list[0]!]);
    const [f, ...fStates] = this.forward.applyMulti(inner(0), options);
    let [b, ...bStates] = this.backward.applyMulti(inner(n), options);
    // The backward layer's sequence comes out last step first: put it back in time order.
    if (this.forward.returnSequences) {
      const time = b!.shape[1]!;
      b = gather(
        b!,
        tensor(
          Array.from({ length: time }, (_, i) => time - 1 - i),
          [time],
          'int32',
        ),
        1,
      );
    }
    const merged = this.merge(f!, b!);
    if (!this.forward.returnState) return merged;
    return [...(Array.isArray(merged) ? merged : [merged]), ...fStates, ...bStates];
  }

  private merge(f: Tensor, b: Tensor): Tensor | Tensor[] {
    switch (this.mergeMode) {
      case 'concat':
        return concat([f, b], f.rank - 1);
      case 'sum':
        return add(f, b);
      case 'mul':
        return mul(f, b);
      case 'ave':
        return div(add(f, b), 2);
      default:
        return [f, b];
    }
  }

  override regularizationLoss(): Tensor | null {
    const [f, b] = [this.forward.regularizationLoss(), this.backward.regularizationLoss()];
    return f && b ? add(f, b) : (f ?? b);
  }

  override applyConstraints(): void {
    this.forward.applyConstraints();
    this.backward.applyConstraints();
  }

  override dispose(): void {
    this.forward.dispose();
    this.backward.dispose();
    super.dispose();
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), layer: { className: this.forward.className, config: this.forward.getConfig() }, mergeMode: this.mergeMode };
  }
}

export interface TimeDistributedArgs extends LayerArgs {
  /** The layer to apply to every step. */
  layer: Layer;
}

/**
 * Applies a layer to every step of [batch, time, ...]: time folds into the batch, so it is one call of the layer.
 * @example
 * new TimeDistributed({ layer: new Dense({ units: 3 }) }).apply(seq); // [batch, time, f] → [batch, time, 3]
 */
export class TimeDistributed extends Layer {
  static readonly className: string = 'TimeDistributed';
  static readonly nestedLayers = ['layer'];
  readonly layer: Layer;
  override supportsMasking = true;

  constructor(args: TimeDistributedArgs) {
    super(args);
    this.layer = layerOf(this.name, args?.layer);
  }

  private stepShape(inputShape: Shapes): Shape {
    if (isShapeList(inputShape)) throw new PolytensorError(`${this.name} (TimeDistributed): takes one input, got ${inputShape.length}`);
    const s = inputShape as Shape;
    if (s.length < 3) throw new PolytensorError(`${this.name} (TimeDistributed): needs inputs [batch, time, ...] of rank ≥ 3, got ${formatShape(s)}`);
    return [null, ...s.slice(2)];
  }

  /** Any number of steps. */
  override relaxShape(shape: Shape): Shape {
    return shape.map((d, i) => (i < 2 ? null : d));
  }

  override get weights(): NamedWeight[] {
    return this.layer.weights as NamedWeight[];
  }

  override weightShapes(inputShape: Shapes): WeightShape[] {
    return this.layer.weightShapes(this.stepShape(inputShape));
  }

  override build(inputShape: Shapes): void {
    if (!this.layer.built) this.layer.build(this.stepShape(inputShape));
    super.build(inputShape);
  }

  computeOutputShape(inputShape: Shapes): Shape {
    const s = inputShape as Shape;
    const step = singleShape(this.layer.computeOutputShape(this.stepShape(inputShape)), this.layer.name);
    return [s[0] ?? null, s[1] ?? null, ...step.slice(1)];
  }

  protected call(inputs: Tensor | Tensor[], options: CallOptions): Tensor {
    const x = inputs as Tensor;
    const [batch, time] = x.shape as [number, number];
    const y = this.layer.apply(reshape(x, [batch * time, ...x.shape.slice(2)]), { training: options.training });
    return reshape(y, [batch, time, ...y.shape.slice(1)]);
  }

  override regularizationLoss(): Tensor | null {
    return this.layer.regularizationLoss();
  }

  override applyConstraints(): void {
    this.layer.applyConstraints();
  }

  override dispose(): void {
    this.layer.dispose();
    super.dispose();
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }
}
