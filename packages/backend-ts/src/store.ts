import type { BackendMemory, DataId, DType, Storage, TensorInfo, TypedArray } from '@polytensor/core';
import { alloc, dtypeOf } from './util/alloc.js';
import { sizeOfShape } from './util/strides.js';

/** The handle TsStore mints: a fresh object per buffer; the serial only makes errors readable. */
class TsDataId {
  constructor(readonly serial: number) {}
}

/**
 * backend-ts's storage: a Map of typed arrays. Kernels read their inputs'
 * arrays in place (`values`, `f32`) and hand back fresh arrays it adopts
 * without copying (`output`).
 */
export class TsStore implements Storage {
  private readonly buffers = new Map<DataId, TypedArray>();
  private bytes = 0;
  private serial = 0;

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new Error(`ts backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    const copy = alloc(dtype, size);
    copy.set(values);
    return this.adopt(copy);
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.get(dataId, 'read').slice();
  }

  readSync(dataId: DataId): TypedArray {
    return this.get(dataId, 'readSync').slice();
  }

  disposeData(dataId: DataId): void {
    this.bytes -= this.get(dataId, 'disposeData').byteLength;
    this.buffers.delete(dataId);
  }

  numDataIds(): number {
    return this.buffers.size;
  }

  memory(): BackendMemory {
    return { numDataIds: this.buffers.size, numBytes: this.bytes };
  }

  clear(): void {
    this.buffers.clear();
    this.bytes = 0;
  }

  /** A kernel's output: a fresh array the store adopts without copying. */
  output(values: TypedArray, shape: readonly number[]): TensorInfo {
    return { dataId: this.adopt(values), shape: [...shape], dtype: dtypeOf(values) };
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

  private adopt(values: TypedArray): DataId {
    const id = new TsDataId(++this.serial);
    this.buffers.set(id, values);
    this.bytes += values.byteLength;
    return id;
  }

  private get(dataId: DataId, op: string): TypedArray {
    const values = this.buffers.get(dataId);
    if (!values) {
      const which = dataId instanceof TsDataId ? `dataId #${dataId.serial}` : 'a dataId this backend did not create';
      throw new Error(`ts backend: ${op}: ${which} is unknown or already disposed`);
    }
    return values;
  }
}

/** The last dim (the softmax row length); 1 for a scalar. */
export function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}
