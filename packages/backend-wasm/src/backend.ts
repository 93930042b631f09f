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
import { argReduce } from './kernels/arg_reduce.js';
import { avgPool } from './kernels/avg_pool.js';
import { avgPoolGrad } from './kernels/avg_pool_grad.js';
import { binary } from './kernels/binary.js';
import { cast } from './kernels/cast.js';
import { concat } from './kernels/concat.js';
import { conv2d } from './kernels/conv2d.js';
import { conv2dBackpropFilter } from './kernels/conv2d_backprop_filter.js';
import { conv2dBackpropInput } from './kernels/conv2d_backprop_input.js';
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
import { loadRuntime } from './load.js';
import { MAX_BUFFER_BYTES, WASM_HEAP_MAX, WasmData, type Tw, type WasmRuntime } from './runtime.js';
import { sizeOfShape } from './util/shape.js';

/** What the backend declares about its float behaviour (measured with @polytensor/conformance; see README). */
export const WASM_NUMERICS: BackendNumerics = Object.freeze({
  flushesSubnormals: false,
  arithmeticUlp: 0,
  // tfjs's Softplus kernel: worst 7.32 ULP (near x = −13.94) over 4M-sample sweeps of [−1e4, 1e4]; the suite's default is 3.
  transcendentalUlp: Object.freeze({ softplus: 8 }),
});

/**
 * What the heap can hold: one buffer up to 1 GiB; all of them up to the
 * 2 GiB heap (see WASM_HEAP_MAX for why not 4) less 256 MiB: the last 97 MiB
 * before the cap the heap may be unable to grow into, the block kept free
 * for the C side (HEAP_HEADROOM), and the module's static data, stack,
 * allocator overhead and XNNPACK's cached operators. Core refuses tensors
 * beyond these up front; the runtime also checks every allocation against
 * what the heap really has left (temporaries and XNNPACK's caches live there
 * too).
 */
export const WASM_LIMITS: BackendLimits = Object.freeze({
  maxTensorBytes: MAX_BUFFER_BYTES,
  maxTotalBytes: WASM_HEAP_MAX - 256 * 2 ** 20,
  source: "the wasm backend's 2 GiB heap less 256 MiB kept for the kernels and the module; fixed (past 2 GiB the allocator of the tfjs build can corrupt memory)",
});

/** Which build of the tfjs wasm module is running. */
export interface WasmBackendInfo {
  /** The file loaded: `tfjs-backend-wasm-simd.wasm` where WebAssembly SIMD is supported, the threaded SIMD build in cross-origin isolated pages. */
  readonly binary: string;
  /** A SIMD build is running. */
  readonly simd: boolean;
  /** Threads in XNNPACK's pool: 1 unless the threaded build runs (then half the logical cores, at most 8: tfjs's choice). */
  readonly threads: number;
}

/**
 * polytensor's WebAssembly backend: the kernels of @tensorflow/tfjs-backend-wasm
 * (XNNPACK, SIMD) called directly through their exported C entry points, with
 * buffers in its heap under BackendWasm's data ids, plus the kernels it lacks
 * (conv2d's filter gradient, log-softmax, scatter-add …) built from the fast
 * ones. Kernels live in src/kernels/*, one per file; this class owns the
 * bookkeeping of which buffers this instance holds.
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly numerics: BackendNumerics = WASM_NUMERICS;
  readonly info: WasmBackendInfo;

  /** The heap's limits (WASM_LIMITS), the same for every instance: they share one module. */
  limits(): BackendLimits {
    return WASM_LIMITS;
  }

  private readonly buffers = new Set<WasmData>();
  private bytes = 0;
  private disposed = false;

  constructor(private readonly rt: WasmRuntime) {
    this.info = { binary: rt.binary, simd: rt.binary !== 'tfjs-backend-wasm.wasm', threads: rt.threads };
  }

  // ---- storage ----

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new Error(`wasm backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    const t = this.rt.empty(shape, dtype);
    this.rt.view(t.data).set(values);
    return this.adopt(t.data);
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return this.rt.view(this.get(dataId, 'readSync')).slice();
  }

  disposeData(dataId: DataId): void {
    const d = this.get(dataId, 'disposeData');
    this.buffers.delete(d);
    this.bytes -= d.byteLength;
    this.rt.free(d);
  }

  numDataIds(): number {
    return this.buffers.size;
  }

  memory(): BackendMemory {
    return {
      numDataIds: this.buffers.size,
      numBytes: this.bytes,
      wasmHeapBytes: this.rt.heapBytes(),
      tfjsDataIds: this.rt.tfjsDataIds(),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    for (const d of this.buffers) this.rt.free(d);
    this.buffers.clear();
    this.bytes = 0;
    this.disposed = true;
  }

  // ---- kernels ----

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    return this.out(() => unary(this.rt, op, this.t(x, 'unary')));
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return this.out(() => binary(this.rt, op, this.t(a, 'binary'), this.t(b, 'binary'), outShape));
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo {
    return this.out(() => where(this.rt, this.t(condition, 'where'), this.t(a, 'where'), this.t(b, 'where'), outShape));
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return this.out(() => cast(this.rt, this.t(x, 'cast'), dtype));
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    return this.out(() => reduce(this.rt, op, this.t(x, 'reduce'), axes));
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    return this.out(() => argReduce(this.rt, op, this.t(x, 'argReduce'), axis));
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return this.out(() => transpose(this.rt, this.t(x, 'transpose'), perm));
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return this.out(() => slice(this.rt, this.t(x, 'slice'), begin, size));
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    return this.out(() => concat(this.rt, xs.map((x) => this.t(x, 'concat')), axis));
  }

  pad(x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo {
    return this.out(() => pad(this.rt, this.t(x, 'pad'), paddings, value));
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    return this.out(() => gather(this.rt, this.t(x, 'gather'), this.t(indices, 'gather'), axis));
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo {
    return this.out(() => scatterAdd(this.rt, this.t(updates, 'scatterAdd'), this.t(indices, 'scatterAdd'), axis, outShape));
  }

  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo {
    return this.out(() => oneHot(this.rt, this.t(indices, 'oneHot'), depth, onValue, offValue));
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return this.out(() => matMul(this.rt, this.t(a, 'matMul'), this.t(b, 'matMul'), transposeA, transposeB));
  }

  fusedMatMul(
    a: TensorInfo,
    b: TensorInfo,
    bias: TensorInfo | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
  ): TensorInfo {
    const op = 'fusedMatMul';
    return this.out(() =>
      fusedMatMul(this.rt, this.t(a, op), this.t(b, op), bias ? this.t(bias, op) : null, activation, transposeA, transposeB),
    );
  }

  conv2d(x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.out(() => conv2d(this.rt, this.t(x, 'conv2d'), this.t(filter, 'conv2d'), info));
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    const op = 'conv2dBackpropInput';
    return this.out(() => conv2dBackpropInput(this.rt, this.t(dy, op), this.t(filter, op), info));
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    const op = 'conv2dBackpropFilter';
    return this.out(() => conv2dBackpropFilter(this.rt, this.t(x, op), this.t(dy, op), info));
  }

  maxPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.out(() => maxPool(this.rt, this.t(x, 'maxPool'), info));
  }

  maxPoolGrad(dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.out(() => maxPoolGrad(this.rt, this.t(dy, 'maxPoolGrad'), this.t(x, 'maxPoolGrad'), info));
  }

  avgPool(x: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.out(() => avgPool(this.rt, this.t(x, 'avgPool'), info));
  }

  avgPoolGrad(dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    return this.out(() => avgPoolGrad(this.rt, this.t(dy, 'avgPoolGrad'), info));
  }

  softmax(logits: TensorInfo): TensorInfo {
    return this.out(() => softmax(this.rt, this.t(logits, 'softmax')));
  }

  logSoftmax(logits: TensorInfo): TensorInfo {
    return this.out(() => logSoftmax(this.rt, this.t(logits, 'logSoftmax')));
  }

  // ---- plumbing ----

  private adopt(d: WasmData): WasmData {
    this.buffers.add(d);
    this.bytes += d.byteLength;
    return d;
  }

  /** Run a kernel (freeing what it allocated if it throws); its result becomes a buffer this instance owns. */
  private out(kernel: () => Tw): TensorInfo {
    const t = this.rt.transaction(kernel);
    return { dataId: this.adopt(t.data), shape: [...t.shape], dtype: t.dtype };
  }

  private get(dataId: DataId, op: string): WasmData {
    if (dataId instanceof WasmData && this.buffers.has(dataId)) return dataId;
    if (this.disposed) throw new Error(`wasm backend: ${op}: this backend instance was disposed`);
    const which = dataId instanceof WasmData ? `buffer #${dataId.id}` : 'a dataId this backend did not create';
    throw new Error(`wasm backend: ${op}: ${which} is unknown or already disposed`);
  }

  private t(info: TensorInfo, op: string): Tw {
    return { data: this.get(info.dataId, op), shape: info.shape, dtype: info.dtype };
  }
}

/** A fresh WasmBackend (loads the wasm module on first use; later instances share it). */
export async function createWasmBackend(): Promise<WasmBackend> {
  return new WasmBackend(await loadRuntime());
}
