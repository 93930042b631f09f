import type { Kernels } from '../backend/kernels.js';
import type { Storage } from '../backend/backend.js';
import type { DataId, DType, TensorInfo, TypedArray } from '../backend/types.js';
import { typedArrayFor } from '../backend/types.js';

/**
 * What a composite kernel runs on: the backend's kernels (each accelerated or
 * itself a composite) and the storage calls it needs for constants and
 * temporaries.
 */
export type KernelContext = Kernels &
  Pick<Storage, 'write' | 'disposeData'> & {
    /** `write` of an array the composite made and gives up: the storage's `adopt` where it has one (no copy), else `write`. */
    adopt(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
    /**
     * A Float32Array of `size` for the composite to fill completely and then `adopt`:
     * a recycled one where the storage keeps them (faulting in fresh pages costs
     * about as much as writing them), else a new one.
     */
    hostFloat32?(size: number): Float32Array;
  };

/**
 * Temporaries of one composite kernel. Every intermediate buffer is tracked and
 * freed when the composite ends, except the output's; on an error all are freed.
 * Reshapes are views (same buffer, another shape), as in core.
 */
export class Temps {
  private readonly ids = new Set<DataId>();
  constructor(readonly k: KernelContext) {}

  /** Track a kernel output. */
  t(info: TensorInfo): TensorInfo {
    this.ids.add(info.dataId);
    return info;
  }

  /** A host constant, e.g. window indices or counts. */
  constant(values: TypedArray | readonly number[], shape: readonly number[], dtype: DType): TensorInfo {
    let typed: TypedArray;
    if (ArrayBuffer.isView(values)) typed = values;
    else {
      typed = typedArrayFor(dtype, values.length);
      typed.set(values);
    }
    return this.t({ dataId: this.k.write(typed, shape, dtype), shape, dtype });
  }

  /** A scalar constant of `dtype`. */
  scalar(value: number, dtype: DType = 'float32'): TensorInfo {
    return this.constant([value], [], dtype);
  }

  /** A constant filled with `value`. */
  fill(shape: readonly number[], value: number, dtype: DType): TensorInfo {
    let size = 1;
    for (const d of shape) size *= d;
    return this.constant(typedArrayFor(dtype, size).fill(value), shape, dtype);
  }

  /** The same buffer under another shape of the same size. */
  reshape(x: TensorInfo, shape: readonly number[]): TensorInfo {
    return { dataId: x.dataId, shape, dtype: x.dtype };
  }

  /** Free every temporary except `out`'s buffer, and return `out`. */
  finish(out: TensorInfo, inputs: readonly TensorInfo[]): TensorInfo {
    if (!this.ids.has(out.dataId) || inputs.some((i) => i.dataId === out.dataId)) {
      // The result must be a fresh buffer the caller owns: copy a view of an input.
      out = this.t(
        this.k.slice(
          out,
          out.shape.map(() => 0),
          out.shape,
        ),
      );
    }
    this.ids.delete(out.dataId);
    this.release();
    return out;
  }

  release(): void {
    for (const id of this.ids) this.k.disposeData(id);
    this.ids.clear();
  }
}

/** Run a composite kernel body with a Temps scope; temporaries are freed on success and on error. */
export function composite(k: KernelContext, inputs: readonly TensorInfo[], body: (t: Temps) => TensorInfo): TensorInfo {
  const t = new Temps(k);
  try {
    return t.finish(body(t), inputs);
  } catch (e) {
    t.release();
    throw e;
  }
}
