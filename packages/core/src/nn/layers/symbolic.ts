// The graph a functional model is made of: applying a layer to symbolic
// tensors records a LayerNode (the layer, its inputs) whose outputs are new
// symbolic tensors. Nothing is computed; model({ inputs, outputs }) walks the
// nodes back from the outputs.
import type { DType } from '../../backend/types.js';
import type { Layer, Shape } from './layer.js';

let symbolicIds = 0;

/**
 * A placeholder for a tensor in a functional model's graph: its shape (batch
 * dimension null), dtype, and the layer call that produces it. Made by
 * `input()` and by applying layers to symbolic tensors.
 * @example
 * const x = input({ shape: [4] });           // SymbolicTensor [null,4]
 * const h = layers.dense({ units: 8 }).apply(x); // SymbolicTensor [null,8]
 */
export class SymbolicTensor {
  readonly id = symbolicIds++;
  constructor(
    readonly shape: Shape,
    readonly dtype: DType,
    /** The layer call that produces this tensor. */
    readonly node: LayerNode,
    /** Which of that call's outputs this is. */
    readonly outputIndex: number,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  /** The producing layer. */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  /** `layer[node][output]`, as Keras names a tensor in summaries. */
  get name(): string {
    return `${this.node.layer.name}${this.node.index > 0 || this.outputIndex > 0 ? `[${this.node.index}][${this.outputIndex}]` : ''}`;
  }

  toString(): string {
    return `SymbolicTensor ${this.name} [${this.shape.map((d) => d ?? 'null').join(',')}] ${this.dtype}`;
  }
}

/** One call of a layer in a graph: the layer, the symbolic tensors it took, those it made. */
export class LayerNode {
  outputs: SymbolicTensor[] = [];
  constructor(
    readonly layer: Layer,
    readonly inputs: readonly SymbolicTensor[],
    /** Position among the layer's nodes (a shared layer has several). */
    readonly index: number,
  ) {}
}
