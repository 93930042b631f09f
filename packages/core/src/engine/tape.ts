import type { Tensor } from '../tensor.js';

/** What a gradient function may use: the op's inputs and its output, kept alive by the tape. */
export interface Saved {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
}

/**
 * Gradient of one op: given dy (shape of the output), a thunk per input that
 * returns d(loss)/d(input) with the input's shape, or null where the input is
 * not differentiable. Thunks are called only for inputs that need a gradient.
 * Written with ops, so any backend implementing the forward kernels can train.
 */
export type GradFn = (dy: Tensor, saved: Saved) => ReadonlyArray<(() => Tensor) | null>;

export interface TapeNode {
  readonly op: string;
  readonly inputIds: readonly number[];
  readonly outputId: number;
  /** Aliases of inputs/outputs sharing their buffers, owned by the tape. */
  readonly saved: Saved;
  readonly grad: GradFn;
}

/** One reverse-mode recording: the ops that descend from the watched tensors. */
export class Tape {
  readonly nodes: TapeNode[] = [];
  /** Ids of tensors that depend on a watched tensor. */
  readonly reachable = new Set<number>();

  constructor(watched: readonly Tensor[]) {
    for (const t of watched) this.reachable.add(t.id);
  }

  dependsOnWatched(inputs: readonly Tensor[]): boolean {
    return inputs.some((t) => this.reachable.has(t.id));
  }
}
