// Layers that combine several inputs (Keras' merge layers): elementwise Add,
// Subtract, Multiply, Average, Maximum, Minimum; Concatenate; Dot. Shapes are
// checked when the layer is applied, so an incompatible merge in a functional
// model fails while the graph is written.
import { PolytensorError } from '../../errors.js';
import { add, div, maximum, minimum, mul, sub } from '../../ops/binary.js';
import { concat } from '../../ops/concat.js';
import { matMul } from '../../ops/mat_mul.js';
import { sum } from '../../ops/reduce.js';
import { expandDims } from '../../ops/reshape.js';
import { rsqrt } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import { Layer, formatShape, isShapeList, showArg, type LayerArgs, type LayerConfig, type Shape, type Shapes } from './layer.js';

/** The input shapes of a merge layer: a list of at least `min` (exactly `exact`) shapes. */
function inputsOf(layer: Layer, shapes: Shapes, min: number, exact?: number): readonly Shape[] {
  if (!isShapeList(shapes) || shapes.length < min || (exact !== undefined && shapes.length !== exact)) {
    const want = exact !== undefined ? `exactly ${exact}` : `at least ${min}`;
    throw new PolytensorError(
      `${layer.name} (${layer.className}): takes a list of ${want} inputs, got ${isShapeList(shapes) ? shapes.length : `one tensor ${formatShape(shapes as Shape)}`}; ` +
        `apply it to an array, e.g. ${layer.className.toLowerCase()}.apply([a, b])`,
    );
  }
  return shapes;
}

/** Elementwise merges: the inputs' shapes must broadcast (equal, or 1 where they differ, batch aside). */
abstract class ElementwiseMerge extends Layer {
  override supportsMasking = true;
  protected readonly exact: number | undefined = undefined;

  computeOutputShape(inputShape: Shapes): Shape {
    const shapes = inputsOf(this, inputShape, 2, this.exact);
    const rank = shapes[0]!.length;
    if (shapes.some((s) => s.length !== rank)) {
      throw new PolytensorError(
        `${this.name} (${this.className}): inputs have different ranks (${shapes.map(formatShape).join(', ')}); reshape them to one rank`,
      );
    }
    const out: Array<number | null> = [null];
    for (let k = 1; k < rank; k++) {
      const dims: Array<number | null> = shapes.map((s) => s[k] ?? null);
      const known = new Set(dims.filter((d): d is number => d !== null && d !== 1));
      if (known.size > 1) {
        throw new PolytensorError(
          `${this.name} (${this.className}): input shapes ${shapes.map(formatShape).join(', ')} do not match on axis ${k}; ` +
            'merge tensors of the same shape (or 1 where one broadcasts), or reshape them first',
        );
      }
      out.push(known.size ? [...known][0]! : dims.includes(null) ? null : 1);
    }
    return out;
  }

  override build(inputShape: Shapes): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }

  protected call(inputs: Tensor | Tensor[]): Tensor {
    const xs = inputs as Tensor[];
    return this.merge(xs);
  }

  protected abstract merge(xs: Tensor[]): Tensor;

  getConfig(): LayerConfig {
    return this.baseConfig();
  }
}

/** Sum of the inputs. */
export class Add extends ElementwiseMerge {
  static readonly className: string = 'Add';
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => add(a, b), xs[0]!);
  }
}

/** inputs[0] - inputs[1] (exactly two inputs). */
export class Subtract extends ElementwiseMerge {
  static readonly className: string = 'Subtract';
  protected override readonly exact = 2;
  protected merge(xs: Tensor[]): Tensor {
    return sub(xs[0]!, xs[1]!);
  }
}

/** Product of the inputs. */
export class Multiply extends ElementwiseMerge {
  static readonly className: string = 'Multiply';
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => mul(a, b), xs[0]!);
  }
}

/** Mean of the inputs. */
export class Average extends ElementwiseMerge {
  static readonly className: string = 'Average';
  protected merge(xs: Tensor[]): Tensor {
    return div(
      xs.slice(1).reduce((a, b) => add(a, b), xs[0]!),
      xs.length,
    );
  }
}

/** Elementwise maximum of the inputs. */
export class Maximum extends ElementwiseMerge {
  static readonly className: string = 'Maximum';
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => maximum(a, b), xs[0]!);
  }
}

/** Elementwise minimum of the inputs. */
export class Minimum extends ElementwiseMerge {
  static readonly className: string = 'Minimum';
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => minimum(a, b), xs[0]!);
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (default -1, the last). */
  axis?: number;
}

/** Joins the inputs along `axis`; every other dimension must match. */
export class Concatenate extends Layer {
  static readonly className: string = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis) || this.axis === 0) {
      throw new PolytensorError(`${this.name}: axis must be a non-zero integer (0 is the batch axis), got ${showArg(args.axis)}`);
    }
  }

  computeOutputShape(inputShape: Shapes): Shape {
    const shapes = inputsOf(this, inputShape, 2);
    const rank = shapes[0]!.length;
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (axis <= 0 || axis >= rank || shapes.some((s) => s.length !== rank)) {
      throw new PolytensorError(
        `${this.name} (Concatenate): axis ${this.axis} does not fit inputs ${shapes.map(formatShape).join(', ')}; inputs need one rank and a non-batch axis`,
      );
    }
    const out = [...shapes[0]!];
    for (const s of shapes.slice(1)) {
      s.forEach((d, i) => {
        if (i === 0 || i === axis) return;
        if (d !== null && out[i] !== null && d !== out[i]) {
          throw new PolytensorError(
            `${this.name} (Concatenate): inputs ${shapes.map(formatShape).join(', ')} differ on axis ${i}, not only on the join axis ${axis}; reshape them to match`,
          );
        }
        out[i] ??= d;
      });
    }
    out[axis] = shapes.some((s) => s[axis] === null) ? null : shapes.reduce((n, s) => n + (s[axis] as number), 0);
    return out;
  }

  override build(inputShape: Shapes): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }

  protected call(inputs: Tensor | Tensor[]): Tensor {
    const xs = inputs as Tensor[];
    return concat(xs, this.axis < 0 ? xs[0]!.rank + this.axis : this.axis);
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), axis: this.axis };
  }
}

export interface DotArgs extends LayerArgs {
  /** The axis of each input to contract (one number for both, or a pair); not the batch axis. */
  axes: number | [number, number];
  /** L2-normalize both inputs along the axes first (the dot is then the cosine similarity). */
  normalize?: boolean;
}

/**
 * Batched dot product of two inputs along `axes` (Keras' Dot): [b,n]·[b,n] → [b,1];
 * [b,n,d]·[b,m,d] with axes 2 → [b,n,m]. Inputs of rank 2 or 3.
 */
export class Dot extends Layer {
  static readonly className: string = 'Dot';
  readonly axes: [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const a = typeof args?.axes === 'number' ? [args.axes, args.axes] : Array.isArray(args?.axes) ? args.axes : null;
    if (a?.length !== 2 || !a.every((v) => Number.isInteger(v) && v !== 0)) {
      throw new PolytensorError(`${this.name}: axes must be a non-zero integer or a pair of them (0 is the batch axis), got ${showArg(args?.axes)}`);
    }
    this.axes = [a[0]!, a[1]!];
    this.normalize = args.normalize ?? false;
  }

  private resolve(shapes: readonly Shape[]): [number, number] {
    return shapes.map((s, i) => (this.axes[i]! < 0 ? s.length + this.axes[i]! : this.axes[i]!)) as [number, number];
  }

  computeOutputShape(inputShape: Shapes): Shape {
    const [a, b] = inputsOf(this, inputShape, 2, 2) as [Shape, Shape];
    if (a.length < 2 || a.length > 3 || b.length < 2 || b.length > 3) {
      throw new PolytensorError(`${this.name} (Dot): inputs must have rank 2 or 3, got ${formatShape(a)} and ${formatShape(b)}`);
    }
    const [ka, kb] = this.resolve([a, b]);
    if (ka <= 0 || ka >= a.length || kb <= 0 || kb >= b.length) {
      throw new PolytensorError(`${this.name} (Dot): axes ${JSON.stringify(this.axes)} do not fit inputs ${formatShape(a)} and ${formatShape(b)}`);
    }
    if (a[ka] !== null && b[kb] !== null && a[ka] !== b[kb]) {
      throw new PolytensorError(
        `${this.name} (Dot): axis ${ka} of ${formatShape(a)} has ${a[ka]} entries but axis ${kb} of ${formatShape(b)} has ${b[kb]}; they must match`,
      );
    }
    const rest = [...a.slice(1).filter((_, i) => i + 1 !== ka), ...b.slice(1).filter((_, i) => i + 1 !== kb)];
    return [a[0] ?? null, ...(rest.length ? rest : [1])];
  }

  override build(inputShape: Shapes): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }

  protected call(inputs: Tensor | Tensor[]): Tensor {
    let [a, b] = inputs as [Tensor, Tensor];
    const [ka, kb] = this.resolve([a.shape, b.shape]);
    if (this.normalize) {
      a = mul(a, rsqrt(maximum(sum(mul(a, a), ka, true), 1e-12)));
      b = mul(b, rsqrt(maximum(sum(mul(b, b), kb, true), 1e-12)));
    }
    // As a batched matMul: a with its contracted axis last, b with it first.
    const a3 = a.rank === 2 ? expandDims(a, 1) : a; // [b, 1, n]
    const b3 = b.rank === 2 ? expandDims(b, 2) : b; // [b, n, 1]
    const ta = a.rank === 2 ? false : ka === 1; // contracted axis of a is its last unless ka is 1
    const tb = b.rank === 2 ? false : kb === 2;
    const out = matMul(a3, b3, ta, tb);
    if (a.rank === 2 && b.rank === 2) return out.reshape([out.shape[0]!, 1]);
    return out.reshape([out.shape[0]!, ...this.computeOutputShape([a.shape, b.shape]).slice(1)] as number[]);
  }

  getConfig(): LayerConfig {
    return { ...this.baseConfig(), axes: this.axes, normalize: this.normalize };
  }
}
