import type { KernelArgs, KernelName } from '../backend/kernels.js';
import type { TensorInfo } from '../backend/types.js';
import type { Tensor } from '../tensor.js';

/** What a gradient function may use: the op's inputs and its output, kept alive by the tape. */
export interface Saved {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Further tensors the op saved for its gradient (customGrad's `save`). */
  readonly kept?: readonly Tensor[];
}

/**
 * Gradient of one op: given dy (shape of the output), a thunk per input that
 * returns d(loss)/d(input) with the input's shape, or null where the input is
 * not differentiable. Thunks are called only for inputs that need a gradient.
 * Written with ops, so any backend implementing the forward kernels can train.
 */
export type GradFn = (dy: Tensor, saved: Saved) => ReadonlyArray<(() => Tensor) | null>;

/**
 * Gradient of an op with several outputs (split, unstack): one dy per output,
 * null for an output no gradient reached; a thunk per input as for GradFn.
 * One rule for all outputs lets an op join its outputs' gradients in one pass
 * (split: one concat), where one node per output would each make a gradient
 * of the whole input and the tape would add them up.
 */
export type MultiGradFn = (dys: ReadonlyArray<Tensor | null>, saved: Saved) => ReadonlyArray<(() => Tensor) | null>;

/** A kernel's arguments as ops pass them: tensors where the kernel takes TensorInfos. */
export type TensorArgs<P extends readonly unknown[]> = {
  readonly [I in keyof P]: P[I] extends TensorInfo
    ? Tensor
    : P[I] extends TensorInfo | null
      ? Tensor | null
      : P[I] extends readonly TensorInfo[]
        ? readonly Tensor[]
        : P[I];
};

/**
 * The gradient rule of kernel K: like GradFn, with the call's arguments (their
 * tensors replaced by the tape's aliases). One thunk per tensor argument, in
 * order (arrays flattened), or null where that input is not differentiable.
 */
export type KernelGradRule<K extends KernelName> = (dy: Tensor, saved: Saved, args: TensorArgs<KernelArgs<K>>) => ReadonlyArray<(() => Tensor) | null>;
export type KernelGradFn = (dy: Tensor, saved: Saved, args: readonly unknown[]) => ReadonlyArray<(() => Tensor) | null>;

/** A gradient rule per kernel, or null for a kernel that is not differentiable. */
export type GradientRules = { readonly [K in KernelName]: KernelGradRule<K> | null };

export interface TapeNode {
  readonly op: string;
  readonly inputIds: readonly number[];
  readonly outputId: number;
  /** Every output of an op with several (recordMulti); outputId is the first. */
  readonly outputIds?: readonly number[];
  /** Aliases of inputs/outputs sharing their buffers, owned by the tape. */
  readonly saved: Saved;
  /** A closure (views such as reshape), or the kernel and its saved arguments. */
  readonly grad?: GradFn;
  /** The rule of an op with several outputs. */
  readonly multiGrad?: MultiGradFn;
  readonly kernel?: KernelName;
  readonly args?: readonly unknown[];
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
