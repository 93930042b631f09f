import { ENGINE } from '../../engine/engine.js';
import { PolytensorError } from '../../errors.js';
import { zeros } from '../../ops/creation.js';
import { Tensor } from '../../tensor.js';
import { Layer, formatShape, isShapeList, type LayerArgs, type LayerConfig, type Shape, type Shapes } from './layer.js';

export interface LambdaArgs extends LayerArgs {
  /** The computation: a tensor (an array for several inputs) to a tensor, written with core's ops. */
  fn: (inputs: Tensor | Tensor[]) => Tensor;
  /** Output shape without the batch dimension; found by running `fn` once on zeros when not given. */
  outputShape?: ReadonlyArray<number | null>;
}

/**
 * Wraps a function of tensors as a layer, for a step no layer offers
 * (`new Lambda({ fn: (x) => mul(x, 2) })`). It has no weights, and a model
 * holding it cannot be saved (a file cannot hold a function): write a layer
 * class and registerLayer it instead.
 */
export class Lambda extends Layer {
  static readonly className: string = 'Lambda';
  readonly fn: (inputs: Tensor | Tensor[]) => Tensor;
  private readonly declared: ReadonlyArray<number | null> | null;

  constructor(args: LambdaArgs) {
    super(args);
    if (typeof args?.fn !== 'function') throw new PolytensorError(`${this.name} (Lambda): fn must be a function of tensors, got ${typeof args?.fn}`);
    this.fn = args.fn;
    this.declared = args.outputShape ? [...args.outputShape] : null;
  }

  computeOutputShape(inputShape: Shapes): Shape {
    if (this.declared) return [null, ...this.declared];
    // Run fn on zeros of the input shape (unknown dimensions as 1) and read its output's shape.
    const probe = (s: Shape): Tensor => zeros(s.map((d) => d ?? 1) as number[]);
    return ENGINE.tidy(() => {
      const input = isShapeList(inputShape) ? inputShape.map(probe) : probe(inputShape as Shape);
      let out: unknown;
      try {
        out = this.fn(input);
      } catch (e) {
        throw new PolytensorError(
          `${this.name} (Lambda): fn failed on an input of shape ${isShapeList(inputShape) ? inputShape.map(formatShape).join(', ') : formatShape(inputShape as Shape)}: ${(e as Error).message}`,
        );
      }
      if (!(out instanceof Tensor)) throw new PolytensorError(`${this.name} (Lambda): fn must return a Tensor, got ${out === null ? 'null' : typeof out}`);
      return [null, ...out.shape.slice(1)];
    });
  }

  override build(inputShape: Shapes): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape);
  }

  protected call(inputs: Tensor | Tensor[]): Tensor {
    const out = this.fn(inputs);
    if (!(out instanceof Tensor)) throw new PolytensorError(`${this.name} (Lambda): fn must return a Tensor, got ${out === null ? 'null' : typeof out}`);
    return out;
  }

  getConfig(): LayerConfig {
    throw new PolytensorError(
      `${this.name} (Lambda) holds a function, which a model file cannot store; write the step as a layer class and registerLayer() it to save the model`,
    );
  }
}
