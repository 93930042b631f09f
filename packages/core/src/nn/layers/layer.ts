import type { DType } from '../../backend/types.js';
import { ENGINE } from '../../engine/engine.js';
import { PolytensorError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { variable, type Variable } from '../../variable.js';
import { getInitializer, type InitializerSpec } from '../initializers.js';
import type { Constraint } from '../constraints.js';
import type { Regularizer } from '../regularizers.js';
import { add } from '../../ops/binary.js';
import { LayerNode, SymbolicTensor } from './symbolic.js';

/** A shape whose first (batch) dimension may be unknown. */
export type Shape = ReadonlyArray<number | null>;
/** One shape, or one per input (or output) of a layer with several. */
export type Shapes = Shape | readonly Shape[];

/** Whether `s` is a list of shapes (a multi-input layer's) rather than one shape. */
export const isShapeList = (s: Shapes): s is readonly Shape[] => s.length > 0 && Array.isArray(s[0]);
/** `s` as a list of shapes. */
export const shapeList = (s: Shapes): readonly Shape[] => (isShapeList(s) ? s : [s as Shape]);

export interface LayerArgs {
  /** Unique within a model; defaults to `<class>_<n>`. */
  name?: string;
  /** Input shape without the batch dimension; only needed on a model's first layer. */
  inputShape?: readonly number[];
  trainable?: boolean;
}

export interface CallOptions {
  /** Dropout and batch normalization behave differently while training. */
  training: boolean;
  /**
   * The mask of the (first) input: [batch, time] with 1 for steps to use and 0
   * for padding. Models pass the mask a layer's computeMask produced (Embedding
   * with maskZero) to the layers after it; recurrent layers skip masked steps.
   */
  mask?: Tensor | null;
}

/** JSON-serializable config of a layer. */
export type LayerConfig = Record<string, unknown>;

/** A weight a layer will create: its name within the layer and its shape. */
export interface WeightShape {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface NamedWeight {
  /** Name within the layer ('kernel', 'bias', 'movingMean'...). */
  readonly name: string;
  readonly variable: Variable;
}

/**
 * A layer class as the registry and model loading see it: constructed from its
 * config (or through a static fromConfig), saved under its static className.
 */
export interface LayerClass<L extends Layer = Layer> {
  // biome-ignore lint/suspicious/noExplicitAny: each layer class takes its own args type.
  new (config: any): L;
  /** The name saved in model files; a string literal, because bundlers rename classes. */
  readonly className: string;
  fromConfig?(config: LayerConfig): L;
}

const counters = new Map<string, number>();
let uid = 0;

export const formatShape = (s: Shape): string => `[${s.map((d) => (d === null ? 'null' : d)).join(',')}]`;
const formatShapes = (s: Shapes): string => (isShapeList(s) ? `[${s.map(formatShape).join(', ')}]` : formatShape(s));

/** `s` when it is one shape; an error naming `who` when a layer gave several (a multi-output layer where one output was expected). */
export function singleShape(s: Shapes, who: string): Shape {
  if (isShapeList(s))
    throw new PolytensorError(`${who} has ${s.length} outputs where one was expected; use it in a functional model (model({ inputs, outputs }))`);
  return s;
}

/** Whether a concrete shape fits one with unknown (null) dimensions. */
export const shapeFits = (expected: Shape, got: readonly (number | null)[]): boolean =>
  expected.length === got.length && expected.every((d, i) => d === null || got[i] === null || d === got[i]);

/**
 * Base of every layer: owns its weights (Variables), builds them lazily from the
 * first input shape, and checks inputs before computing. A layer applies to
 * tensors (computing now) or to symbolic tensors from `input()` (recording a
 * node of a functional model's graph).
 *
 * Subclasses set `static readonly className`, the name model files save: a
 * user's own layer also needs `registerLayer(MyLayer)` before a model holding
 * it saves or loads.
 */
export abstract class Layer {
  readonly name: string;
  trainable: boolean;
  readonly batchInputShape: Shape | null;
  protected builtInputShape: Shapes | null = null;
  private plannedInputShape: Shapes | null = null;
  private readonly ownWeights: NamedWeight[] = [];
  private readonly penalties: Array<{ variable: Variable; regularizer: Regularizer }> = [];
  private readonly projections: Array<{ variable: Variable; constraint: Constraint }> = [];
  /** Whether the layer passes its input's mask on unchanged (elementwise layers, Dense, Dropout). */
  supportsMasking = false;
  /** The layer takes integer ids (Embedding): a Sequential starting with it takes int32 (or float32) inputs. */
  takesIds = false;
  /** @internal The graph nodes where this layer was applied to symbolic tensors, in order. */
  readonly inboundNodes: LayerNode[] = [];

  constructor(args: LayerArgs = {}) {
    // From the registered className, not constructor.name, which minifiers rename (`fs_1`).
    const base = snakeCase(this.className);
    const n = (counters.get(base) ?? 0) + 1;
    counters.set(base, n);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name.length === 0 || args.name.includes('/'))) {
      throw new PolytensorError(`${base}: name must be a non-empty string without '/', got ${JSON.stringify(args.name)}`);
    }
    this.name = args.name ?? `${base}_${n}`;
    this.trainable = args.trainable ?? true;
    if (args.inputShape !== undefined) {
      if (!Array.isArray(args.inputShape) || !args.inputShape.every((d) => Number.isInteger(d) && d > 0)) {
        throw new PolytensorError(`${this.name}: inputShape must be positive integers without the batch dimension, got ${JSON.stringify(args.inputShape)}`);
      }
      this.batchInputShape = [null, ...args.inputShape];
    } else {
      this.batchInputShape = null;
    }
  }

  /** The class' registered name (its static className), saved in model files. */
  get className(): string {
    const ctor = this.constructor as Partial<LayerClass>;
    return Object.hasOwn(ctor, 'className') && typeof ctor.className === 'string' ? ctor.className : this.constructor.name;
  }

  get built(): boolean {
    return this.builtInputShape !== null;
  }

  /** Create weights for inputs of `inputShape` (batch first; one shape per input for several). Subclasses add weights here. */
  build(inputShape: Shapes): void {
    this.builtInputShape = inputShape;
  }

  /**
   * The weights build(inputShape) would create, in creation order, without
   * allocating anything; throws as build() would for an input it cannot take.
   * Model loading checks a file against it before building, so layers take
   * their weight shapes from here in build().
   */
  weightShapes(_inputShape: Shapes): WeightShape[] {
    return [];
  }

  /** Output shape (or shapes, for several outputs) for inputs of `inputShape`; throws on inputs the layer cannot take. */
  abstract computeOutputShape(inputShape: Shapes): Shapes;
  /** The computation: one tensor in for one input, an array for several; one tensor out, or an array for several outputs. */
  protected abstract call(inputs: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[];
  abstract getConfig(): LayerConfig;

  /** The mask of the output given the input's: passed on by layers that support masking, dropped by the rest. */
  computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.supportsMasking ? mask : null;
  }

  /**
   * Apply the layer. To tensors: check them, build on first use, compute. To
   * symbolic tensors (from `input()` or another layer's symbolic output):
   * build, check shapes and record the call in the graph a functional
   * `model({ inputs, outputs })` is made from. Pass an array for a layer with
   * several inputs (Add, Concatenate). A layer with several outputs (an RNN
   * with returnState) needs applyMulti.
   */
  apply(inputs: Tensor | readonly Tensor[], options?: CallOptions): Tensor;
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], options?: Partial<CallOptions>): SymbolicTensor;
  apply(inputs: Tensor | SymbolicTensor | readonly Tensor[] | readonly SymbolicTensor[], options?: Partial<CallOptions>): Tensor | SymbolicTensor {
    const outs = this.applyMulti(inputs as Tensor[], options as CallOptions);
    if (outs.length !== 1) {
      for (const o of outs) if (o instanceof Tensor) o.dispose();
      throw new PolytensorError(`${this.name} (${this.className}) has ${outs.length} outputs; call applyMulti() to get them as an array`);
    }
    return outs[0]!;
  }

  /** apply() for a layer with any number of outputs: always an array. */
  applyMulti(inputs: Tensor | readonly Tensor[], options?: CallOptions): Tensor[];
  applyMulti(inputs: SymbolicTensor | readonly SymbolicTensor[], options?: Partial<CallOptions>): SymbolicTensor[];
  applyMulti(inputs: Tensor | SymbolicTensor | readonly Tensor[] | readonly SymbolicTensor[], options?: Partial<CallOptions>): Tensor[] | SymbolicTensor[] {
    const list: readonly unknown[] = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new PolytensorError(`${this.name} (${this.className}): got an empty list of inputs`);
    if (list.every((x) => x instanceof SymbolicTensor)) return this.applySymbolic(list as SymbolicTensor[]);
    if (list.some((x) => x instanceof SymbolicTensor)) {
      throw new PolytensorError(`${this.name} (${this.className}): inputs mix symbolic tensors (from input()) and tensors; use one kind`);
    }
    list.forEach((x, i) => {
      if (!(x instanceof Tensor)) {
        throw new PolytensorError(`${this.name} (${this.className}): input ${i} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
      }
    });
    const xs = list as Tensor[];
    for (const x of xs) x.assertAlive(this.name);
    if (!this.built) {
      const shapes = xs.map((x) => this.relaxShape([null, ...x.shape.slice(1)]));
      this.build(shapes.length === 1 ? shapes[0]! : shapes);
    }
    this.checkInputs(xs.map((x) => x.shape));
    const opts: CallOptions = { training: options?.training ?? false, mask: options?.mask ?? null };
    const out = ENGINE.tidy(() => this.call(xs.length === 1 ? xs[0]! : xs, opts));
    return Array.isArray(out) ? out : [out];
  }

  /**
   * Record a call on symbolic tensors: check the shapes, compute the output
   * shapes. Allocates nothing: a layer first applied symbolically is built
   * when its model is (so a loaded model is checked against its file first);
   * weightShapes() is asked now so that an input the layer cannot take fails
   * here, while the graph is being written.
   */
  private applySymbolic(xs: SymbolicTensor[]): SymbolicTensor[] {
    const shapes = xs.map((x) => x.shape);
    const inShape: Shapes = shapes.length === 1 ? shapes[0]! : shapes;
    if (this.built || this.plannedInputShape) {
      this.checkInputs(shapes);
    } else {
      if (this.batchInputShape && shapes.length === 1 && !shapeFits(this.batchInputShape, shapes[0]!)) {
        throw new PolytensorError(
          `${this.name} (${this.className}): its inputShape says ${formatShape(this.batchInputShape)} but it is applied to ${formatShape(shapes[0]!)}`,
        );
      }
      this.weightShapes(inShape);
      this.plannedInputShape = inShape;
    }
    const out = this.computeOutputShape(inShape);
    const node = new LayerNode(this, xs, this.inboundNodes.length);
    const outs = shapeList(out).map((shape, i) => new SymbolicTensor(shape, this.outputDType(i), node, i));
    node.outputs = outs;
    this.inboundNodes.push(node);
    return outs;
  }

  /**
   * The input shape the layer was first applied to symbolically and will be
   * built for (null once built, or if never applied symbolically).
   */
  get pendingInputShape(): Shapes | null {
    return this.built ? null : this.plannedInputShape;
  }

  /** Build for the shape of the first symbolic call, if not built yet. */
  buildPending(): void {
    if (!this.built && this.plannedInputShape) this.build(this.plannedInputShape);
  }

  /**
   * The shape a layer first called on a tensor of `shape` is built for: the
   * dimensions it does not depend on are left free (null), so later calls may
   * differ there. The batch always; a sequence's length for recurrent layers.
   */
  relaxShape(shape: Shape): Shape {
    return shape;
  }

  /** The dtype of output `i` (float32 unless a layer says otherwise). */
  outputDType(_index: number): DType {
    return 'float32';
  }

  private checkInputs(got: ReadonlyArray<ReadonlyArray<number | null>>): void {
    const expected = shapeList((this.builtInputShape ?? this.plannedInputShape)!);
    if (expected.length !== got.length) {
      throw new PolytensorError(`${this.name} (${this.className}): built for ${expected.length} input(s), got ${got.length}; pass the same number of inputs`);
    }
    expected.forEach((e, i) => {
      if (!shapeFits(e, got[i]!)) {
        const which = got.length > 1 ? `input ${i} of ` : 'input of ';
        throw new PolytensorError(
          `${this.name} (${this.className}): expected ${which}shape ${formatShape(e)}, got ${formatShape(got[i]!)}` +
            (expected.length > 1 ? ` (built for ${formatShapes(expected)})` : '') +
            "; reshape the data or fix the layer's inputShape",
        );
      }
    });
  }

  protected addWeight(
    name: string,
    shape: readonly number[],
    init: InitializerSpec,
    trainable = true,
    dtype: DType = 'float32',
    extras: { regularizer?: Regularizer | null; constraint?: Constraint | null } = {},
  ): Variable {
    let initial: Tensor;
    try {
      // Checked here so that a weight too large for the backend is refused naming the layer and the weight.
      ENGINE.checkAllocation(`${this.name} (${this.className})`, shape, dtype, `weight '${name}'`);
      initial = getInitializer(init).apply(shape, dtype);
    } catch (e) {
      // A build that fails part-way leaves no weights behind (a later build starts afresh).
      if (!this.built) this.dispose();
      throw e;
    }
    const v = variable(initial, trainable, `${this.name}/${name}#${uid++}`);
    initial.dispose();
    this.ownWeights.push({ name, variable: v });
    if (extras.regularizer) this.penalties.push({ variable: v, regularizer: extras.regularizer });
    if (extras.constraint) this.projections.push({ variable: v, constraint: extras.constraint });
    return v;
  }

  /**
   * The sum of the regularizers' penalties on this layer's weights (a scalar
   * computed now, inside the caller's gradient tape), or null when it has none.
   * Training adds it to the loss.
   */
  regularizationLoss(): Tensor | null {
    if (!this.trainable) return null;
    let total: Tensor | null = null;
    for (const { variable, regularizer } of this.penalties) {
      const p = regularizer.apply(variable);
      total = total ? add(total, p) : p;
    }
    return total;
  }

  /** Project each constrained weight back into its set (after an optimizer step). */
  applyConstraints(): void {
    for (const { variable, constraint } of this.projections) {
      const projected = ENGINE.tidy(() => constraint.apply(variable));
      variable.assign(projected);
      projected.dispose();
    }
  }

  /** Weights in creation order. */
  get weights(): readonly NamedWeight[] {
    return this.ownWeights;
  }

  /** The weights the optimizer updates: none while `trainable` is false (freezing a layer after it is built works). */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.weights.filter((w) => w.variable.trainable).map((w) => w.variable) : [];
  }

  /** The weights the optimizer leaves alone (moving statistics; every weight while `trainable` is false). */
  get nonTrainableWeights(): Variable[] {
    return this.weights.filter((w) => !this.trainable || !w.variable.trainable).map((w) => w.variable);
  }

  /** Number of values in the weights (built), or in those it would build for its pending input. */
  countParams(): number {
    if (!this.built && this.plannedInputShape) return this.weightShapes(this.plannedInputShape).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    return this.weights.reduce((s, w) => s + w.variable.size, 0);
  }

  /** Free the weights. */
  dispose(): void {
    for (const w of this.ownWeights) w.variable.dispose();
    this.ownWeights.length = 0;
    this.penalties.length = 0;
    this.projections.length = 0;
    this.builtInputShape = null;
  }

  protected baseConfig(): LayerConfig {
    const c: LayerConfig = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) c['inputShape'] = this.batchInputShape.slice(1);
    return c;
  }
}

/** A layer whose output has its input's shape (activations, dropout, normalization). */
export abstract class ShapePreservingLayer extends Layer {
  override supportsMasking = true;
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
}

/** A config value as written in JSON (strings quoted), for error messages. */
// NaN and ±Infinity by name: JSON would print them as null.
export const showArg = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));

export function positiveInt(layer: string, what: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0) throw new PolytensorError(`${layer}: ${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

export function pairOf(layer: string, what: string, v: number | readonly number[]): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) ? [...v] : null;
  if (p?.length !== 2) throw new PolytensorError(`${layer}: ${what} must be a number or a pair, got ${JSON.stringify(v)}`);
  return [positiveInt(layer, what, p[0]), positiveInt(layer, what, p[1])];
}

/** Layers here are channels-last only (NHWC images, [batch, steps, channels] sequences). */
export type DataFormat = 'channelsLast';

/** Checks a layer's dataFormat argument: channels-last is the only layout, so anything else is refused naming what to do. */
export function channelsLast(layer: string, v: unknown): DataFormat {
  if (v === undefined || v === null || v === 'channelsLast') return 'channelsLast';
  throw new PolytensorError(
    `${layer}: dataFormat ${showArg(v)} is not supported; layers are channels-last only ([batch, ..., channels]): ` +
      `transpose the data to channels-last (e.g. a Permute layer) and use dataFormat 'channelsLast'`,
  );
}

/** Keras's default-name rule: `Conv2D` → `conv2d`, `BatchNormalization` → `batch_normalization`, `GRUCell` → `gru_cell`. */
function snakeCase(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
