import type { DataId, DType, TypedArray } from './backend/types.js';
import type { Backend } from './backend/backend.js';
import { sizeOf } from './backend/types.js';
import { PolytensorError } from './errors.js';
import { fmt } from './util/shape.js';

/** Nested JS arrays as returned by `array()`. */
export type NestedArray = number | boolean | NestedArray[];

/** Anything ops accept where a tensor is expected. */
export type TensorLike = Tensor | number | boolean | TypedArray | NestedArray;

/**
 * The engine side a tensor needs: resolved lazily so this module has no import cycle
 * with the engine. Set once by engine.ts at load.
 */
export interface TensorHost {
  readSync(t: Tensor): TypedArray;
  read(t: Tensor): Promise<TypedArray>;
  disposeTensor(t: Tensor): void;
}
let host: TensorHost | null = null;
export function setTensorHost(h: TensorHost): void {
  host = h;
}
function getHost(): TensorHost {
  if (host === null) throw new PolytensorError('internal: the engine is not loaded');
  return host;
}

/** Ops available as tensor methods; filled by ops/chain.ts so tensor.ts stays free of op imports. */
export interface ChainOps {
  add(a: Tensor, b: TensorLike): Tensor;
  sub(a: Tensor, b: TensorLike): Tensor;
  mul(a: Tensor, b: TensorLike): Tensor;
  div(a: Tensor, b: TensorLike): Tensor;
  pow(a: Tensor, b: TensorLike): Tensor;
  maximum(a: Tensor, b: TensorLike): Tensor;
  minimum(a: Tensor, b: TensorLike): Tensor;
  equal(a: Tensor, b: TensorLike): Tensor;
  greater(a: Tensor, b: TensorLike): Tensor;
  less(a: Tensor, b: TensorLike): Tensor;
  matMul(a: Tensor, b: TensorLike, transposeA?: boolean, transposeB?: boolean): Tensor;
  neg(x: Tensor): Tensor;
  abs(x: Tensor): Tensor;
  exp(x: Tensor): Tensor;
  log(x: Tensor): Tensor;
  sqrt(x: Tensor): Tensor;
  square(x: Tensor): Tensor;
  relu(x: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  tanh(x: Tensor): Tensor;
  softmax(x: Tensor): Tensor;
  logSoftmax(x: Tensor): Tensor;
  sum(x: Tensor, axis?: number | number[], keepDims?: boolean): Tensor;
  mean(x: Tensor, axis?: number | number[], keepDims?: boolean): Tensor;
  max(x: Tensor, axis?: number | number[], keepDims?: boolean): Tensor;
  min(x: Tensor, axis?: number | number[], keepDims?: boolean): Tensor;
  argMax(x: Tensor, axis?: number): Tensor;
  argMin(x: Tensor, axis?: number): Tensor;
  reshape(x: Tensor, shape: readonly number[]): Tensor;
  transpose(x: Tensor, perm?: readonly number[]): Tensor;
  flatten(x: Tensor): Tensor;
  squeeze(x: Tensor, axis?: number | number[]): Tensor;
  expandDims(x: Tensor, axis?: number): Tensor;
  cast(x: Tensor, dtype: DType): Tensor;
  clone(x: Tensor): Tensor;
}
export const chain = {} as ChainOps;

let nextId = 0;

/**
 * An immutable n-dimensional array living on one backend. Create tensors with
 * `tensor()`, `zeros()`... and free them with `dispose()` or `tidy()`.
 */
export class Tensor {
  /** Unique, increasing id (for debugging and the gradient tape). */
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** The backend that owns the buffer. */
  readonly backend: Backend;
  /** @internal buffer handle; Variables swap it on assign. */
  dataIdRef: DataId;
  /** @internal set once disposed. */
  disposedFlag = false;

  constructor(dataId: DataId, shape: readonly number[], dtype: DType, backend: Backend) {
    this.dataIdRef = dataId;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.backend = backend;
  }

  get dataId(): DataId {
    return this.dataIdRef;
  }
  get rank(): number {
    return this.shape.length;
  }
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Throws a clear error when the tensor was disposed. */
  assertAlive(op: string): void {
    if (this.disposedFlag) {
      throw new PolytensorError(
        `${op}: tensor ${this.id} (shape ${fmt(this.shape)}, ${this.dtype}) was already disposed; ` +
          `keep it alive with keep() or create it outside the tidy() that freed it`,
      );
    }
  }

  /** Copy of the values, flat, row-major. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data');
    return getHost().read(this);
  }
  dataSync(): TypedArray {
    this.assertAlive('dataSync');
    return getHost().readSync(this);
  }
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }
  dispose(): void {
    if (!this.disposedFlag) getHost().disposeTensor(this);
  }
  toString(): string {
    return `Tensor(${fmt(this.shape)}, ${this.dtype})`;
  }

  add(b: TensorLike): Tensor { return chain.add(this, b); }
  sub(b: TensorLike): Tensor { return chain.sub(this, b); }
  mul(b: TensorLike): Tensor { return chain.mul(this, b); }
  div(b: TensorLike): Tensor { return chain.div(this, b); }
  pow(b: TensorLike): Tensor { return chain.pow(this, b); }
  maximum(b: TensorLike): Tensor { return chain.maximum(this, b); }
  minimum(b: TensorLike): Tensor { return chain.minimum(this, b); }
  equal(b: TensorLike): Tensor { return chain.equal(this, b); }
  greater(b: TensorLike): Tensor { return chain.greater(this, b); }
  less(b: TensorLike): Tensor { return chain.less(this, b); }
  matMul(b: TensorLike, transposeA = false, transposeB = false): Tensor { return chain.matMul(this, b, transposeA, transposeB); }
  neg(): Tensor { return chain.neg(this); }
  abs(): Tensor { return chain.abs(this); }
  exp(): Tensor { return chain.exp(this); }
  log(): Tensor { return chain.log(this); }
  sqrt(): Tensor { return chain.sqrt(this); }
  square(): Tensor { return chain.square(this); }
  relu(): Tensor { return chain.relu(this); }
  sigmoid(): Tensor { return chain.sigmoid(this); }
  tanh(): Tensor { return chain.tanh(this); }
  softmax(): Tensor { return chain.softmax(this); }
  logSoftmax(): Tensor { return chain.logSoftmax(this); }
  sum(axis?: number | number[], keepDims = false): Tensor { return chain.sum(this, axis, keepDims); }
  mean(axis?: number | number[], keepDims = false): Tensor { return chain.mean(this, axis, keepDims); }
  max(axis?: number | number[], keepDims = false): Tensor { return chain.max(this, axis, keepDims); }
  min(axis?: number | number[], keepDims = false): Tensor { return chain.min(this, axis, keepDims); }
  argMax(axis?: number): Tensor { return chain.argMax(this, axis); }
  argMin(axis?: number): Tensor { return chain.argMin(this, axis); }
  reshape(shape: readonly number[]): Tensor { return chain.reshape(this, shape); }
  transpose(perm?: readonly number[]): Tensor { return chain.transpose(this, perm); }
  flatten(): Tensor { return chain.flatten(this); }
  squeeze(axis?: number | number[]): Tensor { return chain.squeeze(this, axis); }
  expandDims(axis = 0): Tensor { return chain.expandDims(this, axis); }
  cast(dtype: DType): Tensor { return chain.cast(this, dtype); }
  clone(): Tensor { return chain.clone(this); }
}

function toNested(values: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = (v: number): number | boolean => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0] ?? 0);
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim]!;
    const stride = sizeOf(shape.slice(dim + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = dim === shape.length - 1 ? conv(values[offset + i]!) : build(offset + i * stride, dim + 1);
    }
    return out;
  };
  return build(0, 0);
}
