import type {
  ArgReduceOp,
  Backend,
  BackendMemory,
  BackendNumerics,
  BinaryOp,
  Conv2DInfo,
  DataId,
  DType,
  FusedActivation,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from '@polytensor/core';
import { fromTyped, toTyped, type HostTensor } from './host.js';
import * as ref from './reference/index.js';

interface Buffer {
  readonly values: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Opaque handle minted by the reference backend. */
class RefDataId {
  constructor(readonly id: number) {}
}

function copyTyped(values: TypedArray, dtype: DType): TypedArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'bool':
      return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  }
}

/**
 * A complete Backend computed by the float64 reference: every kernel reads its
 * inputs to float64, runs the reference, and stores the result rounded to the
 * output dtype. Slow and obviously correct; it exists so the suite can test
 * itself (it must pass every case) and as a known-good baseline.
 */
export class ReferenceBackend implements Backend {
  readonly name: string;
  readonly numerics?: BackendNumerics;
  private readonly buffers = new Map<DataId, Buffer>();
  private nextId = 0;

  constructor(name = 'reference', numerics?: BackendNumerics) {
    this.name = name;
    if (numerics) this.numerics = numerics;
  }

  // ---- storage --------------------------------------------------------------

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const id = new RefDataId(this.nextId++);
    this.buffers.set(id, { values: copyTyped(values, dtype), shape: [...shape], dtype });
    return id;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    const b = this.buffer(dataId);
    return copyTyped(b.values, b.dtype);
  }

  disposeData(dataId: DataId): void {
    if (!this.buffers.delete(dataId)) {
      throw new Error(`reference backend: disposeData of an unknown or already disposed buffer`);
    }
  }

  numDataIds(): number {
    return this.buffers.size;
  }

  memory(): BackendMemory {
    let numBytes = 0;
    for (const b of this.buffers.values()) numBytes += b.values.byteLength;
    return { numDataIds: this.buffers.size, numBytes };
  }

  dispose(): void {
    this.buffers.clear();
  }

  private buffer(dataId: DataId): Buffer {
    const b = this.buffers.get(dataId);
    if (!b) throw new Error('reference backend: unknown or disposed buffer');
    return b;
  }

  /** A tensor's values as a float64 host tensor. */
  readHost(x: TensorInfo): HostTensor {
    const b = this.buffer(x.dataId);
    return fromTyped(b.values, x.shape, x.dtype);
  }

  /** Store a float64 host tensor, rounded to its dtype, as a new output. */
  writeHost(x: HostTensor): TensorInfo {
    const dataId = this.write(toTyped(x), x.shape, x.dtype);
    return { dataId, shape: [...x.shape], dtype: x.dtype };
  }

  // ---- kernels ----------------------------------------------------------------

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    return this.writeHost(ref.unary(op, this.readHost(x)));
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return this.writeHost(ref.binary(op, this.readHost(a), this.readHost(b), outShape));
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return this.writeHost(ref.where(this.readHost(condition), this.readHost(a), this.readHost(b), outShape));
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return this.writeHost(ref.cast(this.readHost(x), dtype));
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    return this.writeHost(ref.reduce(op, this.readHost(x), axes).out);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    return this.writeHost(ref.argReduce(op, this.readHost(x), axis));
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return this.writeHost(ref.transpose(this.readHost(x), perm));
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return this.writeHost(ref.slice(this.readHost(x), begin, size));
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    return this.writeHost(ref.concat(xs.map((x) => this.readHost(x)), axis));
  }

  pad(x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
    return this.writeHost(ref.pad(this.readHost(x), paddings, value));
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    return this.writeHost(ref.gather(this.readHost(x), this.readHost(indices), axis));
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo {
    return this.writeHost(ref.scatterAdd(this.readHost(updates), this.readHost(indices), axis, outShape).out);
  }

  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
    return this.writeHost(ref.oneHot(this.readHost(indices), depth, onValue, offValue));
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return this.writeHost(ref.matMul(this.readHost(a), this.readHost(b), transposeA, transposeB).out);
  }

  fusedMatMul(
    a: TensorInfo,
    b: TensorInfo,
    bias: TensorInfo | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
  ): TensorInfo {
    const r = ref.fusedMatMul(this.readHost(a), this.readHost(b), bias ? this.readHost(bias) : null, activation, transposeA, transposeB);
    return this.writeHost(r.out);
  }

  conv2d(x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.writeHost(ref.conv2d(this.readHost(x), this.readHost(filter), info).out);
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.writeHost(ref.conv2dBackpropInput(this.readHost(dy), this.readHost(filter), info).out);
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.writeHost(ref.conv2dBackpropFilter(this.readHost(x), this.readHost(dy), info).out);
  }

  maxPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.writeHost(ref.maxPool(this.readHost(x), info));
  }

  maxPoolGrad(dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.writeHost(ref.maxPoolGrad(this.readHost(dy), this.readHost(x), info).out);
  }

  avgPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.writeHost(ref.avgPool(this.readHost(x), info).out);
  }

  avgPoolGrad(dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.writeHost(ref.avgPoolGrad(this.readHost(dy), info).out);
  }

  softmax(logits: TensorInfo): TensorInfo {
    return this.writeHost(ref.softmax(this.readHost(logits)).out);
  }

  logSoftmax(logits: TensorInfo): TensorInfo {
    return this.writeHost(ref.logSoftmax(this.readHost(logits)).out);
  }
}

/** A factory for the reference backend (what `runConformance` takes). */
export const referenceBackendFactory = (): Backend => new ReferenceBackend();

export { wrapBackend } from './wrap.js';
