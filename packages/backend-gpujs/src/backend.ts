import type {
  ArgReduceOp,
  Backend,
  BackendLimits,
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
import type { GpujsBackendOptions, GpujsInfo } from './context.js';
import { GpujsLimitError } from './errors.js';
import type { GpuTexture } from './gpujs.js';
import { argReduce } from './kernels/arg_reduce.js';
import { avgPool } from './kernels/avg_pool.js';
import { avgPoolGrad } from './kernels/avg_pool_grad.js';
import { binary } from './kernels/binary.js';
import { cast } from './kernels/cast.js';
import { concat } from './kernels/concat.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackpropFilter } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInput } from './kernels/conv2d_backprop_input.js';
import { fillTexture, uploadTexture } from './kernels/fill.js';
import { fusedMatMul } from './kernels/fused_mat_mul.js';
import { gather } from './kernels/gather.js';
import { logSoftmax } from './kernels/log_softmax.js';
import { matMul } from './kernels/mat_mul.js';
import { maxPool } from './kernels/max_pool.js';
import { maxPoolGrad } from './kernels/max_pool_grad.js';
import { oneHot } from './kernels/one_hot.js';
import { pad } from './kernels/pad.js';
import { reduce } from './kernels/reduce.js';
import { scatterAdd } from './kernels/scatter_add.js';
import { slice } from './kernels/slice.js';
import { softmax } from './kernels/softmax.js';
import { transpose } from './kernels/transpose.js';
import { unary } from './kernels/unary.js';
import { where } from './kernels/where.js';
import { CpuTexture, GpuRuntime, MAX_ELEMENTS } from './runtime.js';
import type { Store } from './store.js';
import { sizeOf } from './util/shape.js';

/** The handle GpujsBackend mints: a fresh object per buffer; the serial only makes errors readable. */
class GpujsDataId {
  constructor(readonly serial: number) {}
}

interface Entry {
  readonly dtype: DType;
  readonly size: number;
  /** float32 / bool values on the GPU (null when empty or int32). */
  tex: GpuTexture | null;
  /** int32 values on the host. */
  host: Int32Array | null;
  /** int32 values as floats on the GPU, made when a kernel reads them as indices. */
  hostTex: GpuTexture | null;
  bytes: number;
}

function texBytes(tex: GpuTexture | null): number {
  if (!tex) return 0;
  if (tex instanceof CpuTexture) return tex.values.byteLength;
  return tex.size[0]! * tex.size[1]! * 16;
}

/**
 * The polytensor backend whose kernels are gpu.js kernels. float32 and bool
 * tensors stay on the GPU as float textures between kernels (gpu.js pipeline,
 * immutable textures) and are read back only by read/readSync; int32 tensors
 * stay on the host (see store.ts). Kernels: src/kernels/*, one per file.
 */
export class GpujsBackend implements Backend, Store {
  readonly name: string;
  readonly numerics: BackendNumerics;
  readonly rt: GpuRuntime;
  private readonly buffers = new Map<DataId, Entry>();
  private bytes = 0;
  private serial = 0;
  private disposed = false;

  constructor(options: GpujsBackendOptions = {}) {
    this.rt = new GpuRuntime(options);
    this.name = 'gpujs';
    this.numerics = this.rt.isCpu ? GPUJS_CPU_NUMERICS : GPUJS_NUMERICS;
    const maxTexture = this.rt.maxTextureSize;
    this.declaredLimits = Object.freeze({
      maxTensorElements: Math.min(MAX_ELEMENTS, maxTexture * maxTexture),
      source: this.rt.isCpu
        ? "gpu.js CPU mode: kernels index outputs with float32, exact up to 2^24 elements"
        : `this GPU's MAX_TEXTURE_SIZE ${maxTexture} and float32 indexing in the shaders (exact up to 2^24 elements); WebGL does not tell how much GPU memory there is`,
    });
  }

  private readonly declaredLimits: BackendLimits;

  /** One tensor: 2^24 elements (or one texture, if smaller). All tensors: unknown to WebGL, so not limited here. */
  limits(): BackendLimits {
    return this.declaredLimits;
  }

  /** What the backend runs on: gpu.js mode, GLSL version, precision, renderer. */
  get info(): GpujsInfo {
    return this.rt.info;
  }

  // ---- storage ----

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOf(shape);
    if (values.length !== size) {
      throw new Error(`gpujs backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    if (dtype === 'int32') return this.store({ dtype, size, tex: null, host: Int32Array.from(values), hostTex: null, bytes: 0 });
    if (size === 0) return this.store({ dtype, size, tex: null, host: null, hostTex: null, bytes: 0 });
    const f = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.store({ dtype, size, tex: this.upload(f), host: null, hostTex: null, bytes: 0 });
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    const e = this.get(dataId, 'readSync');
    return this.valuesOf(e);
  }

  disposeData(dataId: DataId): void {
    const e = this.get(dataId, 'disposeData');
    e.tex?.delete();
    e.hostTex?.delete();
    this.bytes -= e.bytes;
    this.buffers.delete(dataId);
  }

  numDataIds(): number {
    return this.buffers.size;
  }

  memory(): BackendMemory {
    return {
      numDataIds: this.buffers.size,
      numBytes: this.bytes,
      textures: this.rt.textures.live,
      kernels: this.rt.numKernels,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const e of this.buffers.values()) {
      e.tex?.delete();
      e.hostTex?.delete();
    }
    this.buffers.clear();
    this.bytes = 0;
    this.rt.dispose();
  }

  // ---- Store (what kernels use) ----

  tex(x: TensorInfo): GpuTexture {
    const e = this.get(x.dataId, 'kernel input');
    if (e.tex) return e.tex;
    if (e.host) return this.intTex(x);
    throw new Error(`gpujs backend: a kernel read an empty ${e.dtype} buffer`);
  }

  ints(x: TensorInfo): Int32Array {
    const e = this.get(x.dataId, 'kernel input');
    if (!e.host) throw new Error(`gpujs backend: expected an int32 buffer, got ${e.dtype}`);
    return e.host;
  }

  intTex(x: TensorInfo): GpuTexture {
    const e = this.get(x.dataId, 'kernel input');
    if (e.tex) return e.tex;
    if (!e.host || e.size === 0) throw new Error('gpujs backend: no int32 values to upload');
    if (!e.hostTex) {
      e.hostTex = this.upload(Float32Array.from(e.host));
      const b = texBytes(e.hostTex);
      e.bytes += b;
      this.bytes += b;
    }
    return e.hostTex;
  }

  hostValues(x: TensorInfo): TypedArray {
    return this.valuesOf(this.get(x.dataId, 'kernel input'));
  }

  outTex(tex: GpuTexture, shape: readonly number[], dtype: DType): TensorInfo {
    const size = sizeOf(shape);
    if (dtype === 'int32') {
      const values = this.rt.download(tex, size);
      tex.delete();
      const ints = new Int32Array(size);
      for (let i = 0; i < size; i++) ints[i] = values[i]!;
      return this.outHost(ints, shape);
    }
    return { dataId: this.store({ dtype, size, tex, host: null, hostTex: null, bytes: 0 }), shape: [...shape], dtype };
  }

  outHost(values: TypedArray, shape: readonly number[]): TensorInfo {
    const size = sizeOf(shape);
    const dtype: DType = values instanceof Int32Array ? 'int32' : values instanceof Uint8Array ? 'bool' : 'float32';
    if (dtype === 'int32') {
      return { dataId: this.store({ dtype, size, tex: null, host: values as Int32Array, hostTex: null, bytes: 0 }), shape: [...shape], dtype };
    }
    if (size === 0) return this.outEmpty(shape, dtype);
    const f = values instanceof Float32Array ? values : Float32Array.from(values);
    return { dataId: this.store({ dtype, size, tex: this.upload(f), host: null, hostTex: null, bytes: 0 }), shape: [...shape], dtype };
  }

  outEmpty(shape: readonly number[], dtype: DType): TensorInfo {
    const host = dtype === 'int32' ? new Int32Array(0) : null;
    return { dataId: this.store({ dtype, size: 0, tex: null, host, hostTex: null, bytes: 0 }), shape: [...shape], dtype };
  }

  upload(values: Float32Array): GpuTexture {
    if (values.length > MAX_ELEMENTS) {
      throw new GpujsLimitError(`gpujs backend: ${values.length} elements exceed the 2^24 this backend indexes exactly`);
    }
    return uploadTexture(this.rt, values);
  }

  fill(n: number, value: number): GpuTexture {
    return fillTexture(this.rt, n, value);
  }

  // ---- kernels ----

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    return unary(this, op, x);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return binary(this, op, a, b, outShape);
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return where(this, condition, a, b, outShape);
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return cast(this, x, dtype);
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    return reduce(this, op, x, axes);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    return argReduce(this, op, x, axis);
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return transpose(this, x, perm);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return slice(this, x, begin, size);
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    return concat(this, xs, axis);
  }

  pad(x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
    return pad(this, x, paddings, value);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    return gather(this, x, indices, axis);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo {
    return scatterAdd(this, updates, indices, axis, outShape);
  }

  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
    return oneHot(this, indices, depth, onValue, offValue);
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return matMul(this, a, b, transposeA, transposeB);
  }

  fusedMatMul(
    a: TensorInfo,
    b: TensorInfo,
    bias: TensorInfo | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
  ): TensorInfo {
    return fusedMatMul(this, a, b, bias, activation, transposeA, transposeB);
  }

  conv2d(x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return conv2d(this, x, filter, info);
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return conv2dBackpropInput(this, dy, filter, info);
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return conv2dBackpropFilter(this, x, dy, info);
  }

  maxPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return maxPool(this, x, info);
  }

  maxPoolGrad(dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return maxPoolGrad(this, dy, x, info);
  }

  avgPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return avgPool(this, x, info);
  }

  avgPoolGrad(dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return avgPoolGrad(this, dy, info);
  }

  softmax(logits: TensorInfo): TensorInfo {
    return softmax(this, logits);
  }

  logSoftmax(logits: TensorInfo): TensorInfo {
    return logSoftmax(this, logits);
  }

  // ---- plumbing ----

  private store(e: Entry): DataId {
    if (this.disposed) throw new Error('gpujs backend: used after dispose()');
    const id = new GpujsDataId(++this.serial);
    e.bytes = texBytes(e.tex) + (e.host ? e.host.byteLength : 0);
    this.bytes += e.bytes;
    this.buffers.set(id, e);
    return id;
  }

  private get(dataId: DataId, op: string): Entry {
    const e = this.buffers.get(dataId);
    if (!e) {
      const which = dataId instanceof GpujsDataId ? `dataId #${dataId.serial}` : 'a dataId this backend did not create';
      throw new Error(`gpujs backend: ${op}: ${which} is unknown or already disposed`);
    }
    return e;
  }

  private valuesOf(e: Entry): TypedArray {
    if (e.dtype === 'int32') return (e.host ?? new Int32Array(0)).slice();
    if (!e.tex) return e.dtype === 'bool' ? new Uint8Array(0) : new Float32Array(0);
    const values = this.rt.download(e.tex, e.size);
    if (e.dtype === 'float32') return values;
    const out = new Uint8Array(e.size);
    for (let i = 0; i < e.size; i++) out[i] = values[i] !== 0 ? 1 : 0;
    return out;
  }
}

/**
 * What this backend declares (the conformance report prints it). Measured on
 * headless-gl (Mesa llvmpipe) and Chromium (SwiftShader); see the README.
 */
export const GPUJS_NUMERICS: BackendNumerics = {
  flushesSubnormals: true,
  arithmeticUlp: 1,
};

/** gpu.js's CPU mode: kernels run as JavaScript in double precision, each result rounded once to float32. */
export const GPUJS_CPU_NUMERICS: BackendNumerics = {
  flushesSubnormals: false,
  arithmeticUlp: 0,
};

/** A fresh GpujsBackend; throws GpujsUnavailableError (cause and fix) when no GPU context can be made. */
export function createGpujsBackend(options: GpujsBackendOptions = {}): GpujsBackend {
  return new GpujsBackend(options);
}
