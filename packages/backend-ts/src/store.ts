import { BufferStorage, sizeOfShape, typedArrayFor, type DataId, type DType, type Storage, type TensorInfo, type TypedArray } from '@polytensor/core';
import { dtypeOf } from './util/alloc.js';

/**
 * backend-ts's storage: a Map of typed arrays. Kernels read their inputs'
 * arrays in place (`values`, `f32`) and hand back fresh arrays it adopts
 * without copying (`output`).
 */
export class TsStore extends BufferStorage<TypedArray> implements Storage {
  constructor() {
    super('ts', (v) => v.byteLength);
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new Error(`ts backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    const copy = typedArrayFor(dtype, size);
    copy.set(values);
    return this.buffers.add(copy);
  }

  /** write without the copy: the caller gives `values` up (core's composites' fresh arrays). */
  adopt(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    if (values.length !== sizeOfShape(shape) || dtypeOf(values) !== dtype) return this.write(values, shape, dtype);
    return this.buffers.add(values);
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.get(dataId, 'read').slice();
  }

  readSync(dataId: DataId): TypedArray {
    return this.get(dataId, 'readSync').slice();
  }

  /** A kernel's output: a fresh array the store adopts without copying. */
  output(values: TypedArray, shape: readonly number[]): TensorInfo {
    return { dataId: this.buffers.add(values), shape: [...shape], dtype: dtypeOf(values) };
  }

  /** The stored array (not a copy: kernels only read their inputs). */
  values(info: TensorInfo, op: string): TypedArray {
    return this.get(info.dataId, op);
  }

  f32(info: TensorInfo, op: string): Float32Array {
    const v = this.get(info.dataId, op);
    if (!(v instanceof Float32Array)) throw new Error(`ts backend: ${op}: expected a float32 tensor, got ${dtypeOf(v)}`);
    return v;
  }

  i32(info: TensorInfo, op: string): Int32Array {
    const v = this.get(info.dataId, op);
    if (!(v instanceof Int32Array)) throw new Error(`ts backend: ${op}: expected an int32 tensor, got ${dtypeOf(v)}`);
    return v;
  }

  private get(dataId: DataId, op: string): TypedArray {
    return this.buffers.get(dataId, op);
  }
}

/** The last dim (the softmax row length); 1 for a scalar. */
export function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}
