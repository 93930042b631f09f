import type { DType } from '../../backend/types.js';
import { ENGINE } from '../../engine/engine.js';
import { PolytensorError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { variable, type Variable } from '../../variable.js';
import { getInitializer, type InitializerSpec } from '../initializers.js';

/** A shape whose first (batch) dimension may be unknown. */
export type Shape = ReadonlyArray<number | null>;

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

const counters = new Map<string, number>();
let uid = 0;

export const formatShape = (s: Shape): string => `[${s.map((d) => (d === null ? 'null' : d)).join(',')}]`;

/**
 * Base of every layer: owns its weights (Variables), builds them lazily from the
 * first input shape, and checks inputs before computing.
 */
export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  readonly batchInputShape: Shape | null;
  protected builtInputShape: Shape | null = null;
  private readonly namedWeights: NamedWeight[] = [];

  constructor(args: LayerArgs = {}) {
    const base = this.constructor.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    const n = (counters.get(base) ?? 0) + 1;
    counters.set(base, n);
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

  get built(): boolean {
    return this.builtInputShape !== null;
  }

  /** Create weights for inputs of `inputShape` (batch first). Subclasses add weights here. */
  build(inputShape: Shape): void {
    this.builtInputShape = inputShape;
  }

  /**
   * The weights build(inputShape) would create, in creation order, without
   * allocating anything; throws as build() would for an input it cannot take.
   * Model loading checks a file against it before building, so layers take
   * their weight shapes from here in build().
   */
  weightShapes(_inputShape: Shape): WeightShape[] {
    return [];
  }

  abstract computeOutputShape(inputShape: Shape): Shape;
  protected abstract call(x: Tensor, options: CallOptions): Tensor;
  abstract getConfig(): LayerConfig;

  /** Check the input, build on first use, compute. */
  apply(x: Tensor, options: CallOptions = { training: false }): Tensor {
    x.assertAlive(this.name);
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    const expected = this.builtInputShape!;
    const ok = expected.length === x.rank && expected.every((d, i) => d === null || d === x.shape[i]);
    if (!ok) {
      throw new PolytensorError(
        `${this.name} (${this.className}): expected input of shape ${formatShape(expected)}, got [${x.shape.join(',')}]; ` +
          `reshape the data or fix the layer's inputShape`,
      );
    }
    return ENGINE.tidy(() => this.call(x, options));
  }

  protected addWeight(name: string, shape: readonly number[], init: InitializerSpec, trainable = true, dtype: DType = 'float32'): Variable {
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
    const v = variable(initial, trainable && this.trainable, `${this.name}/${name}#${uid++}`);
    initial.dispose();
    this.namedWeights.push({ name, variable: v });
    return v;
  }

  /** Weights in creation order. */
  get weights(): readonly NamedWeight[] {
    return this.namedWeights;
  }

  get trainableWeights(): Variable[] {
    return this.namedWeights.filter((w) => w.variable.trainable).map((w) => w.variable);
  }

  countParams(): number {
    return this.namedWeights.reduce((s, w) => s + w.variable.size, 0);
  }

  /** Free the weights. */
  dispose(): void {
    for (const w of this.namedWeights) w.variable.dispose();
    this.namedWeights.length = 0;
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
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
}

/** A config value as written in JSON (strings quoted), for error messages. */
export const showArg = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v)));

export function positiveInt(layer: string, what: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) <= 0) throw new PolytensorError(`${layer}: ${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v as number;
}

export function pairOf(layer: string, what: string, v: number | readonly number[]): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) ? [...v] : null;
  if (p?.length !== 2) throw new PolytensorError(`${layer}: ${what} must be a number or a pair, got ${JSON.stringify(v)}`);
  return [positiveInt(layer, what, p[0]), positiveInt(layer, what, p[1])];
}
