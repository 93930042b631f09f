import type { KernelArgs, KernelName, Kernels, OptimizerCapability } from './kernels.js';
import type { BackendMemory, DataId, DType, TensorInfo, TypedArray } from './types.js';

/**
 * Where a backend keeps tensor buffers. Buffers are immutable once written;
 * core reference-counts them (reshape shares a buffer) and calls `disposeData`
 * exactly once when the last tensor using it goes away.
 */
export interface Storage {
  /** Copy `values` into a new buffer. `values.length` equals the tensor size; its type matches `dtype`. */
  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
  /**
   * Optional: like `write`, but the caller gives `values` up (core's
   * composites call it for an array they have just filled and never touch
   * again), so a storage that keeps host arrays may keep this one instead of
   * copying it. Without it, core calls `write`.
   */
  adopt?(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
  /** Read a buffer back to the host. The returned array is a copy the caller may keep. */
  read(dataId: DataId): Promise<TypedArray>;
  /** Synchronous read; a GPU backend may block. */
  readSync(dataId: DataId): TypedArray;
  /** Free a buffer. Called once per dataId. */
  disposeData(dataId: DataId): void;
  /** Live buffers; core's leak checks compare it before and after each kernel. */
  numDataIds(): number;
  memory(): BackendMemory;
}

export interface BackendNumerics {
  /** Subnormal inputs/outputs are flushed to zero. */
  flushesSubnormals?: boolean;
  /** add/sub/mul/div/sqrt may be off by this many ULP (GPU backends). Default 0. */
  arithmeticUlp?: number;
  /** Per-op ULP bounds this backend declares above the suite's defaults (e.g. { exp: 4 }). */
  transcendentalUlp?: Readonly<Record<string, number>>;
}

/**
 * A backend as core uses it: storage, and every kernel bound and ready to call
 * (the backend's own implementation where it has one, core's composite
 * otherwise). Made by `defineBackend`.
 */
export interface Backend extends Storage {
  /** Name it is registered under ('ts', 'wasm', 'webgl', 'gpujs'...). */
  readonly name: string;
  /**
   * What the backend declares about its float behaviour; the conformance report prints it.
   * Defaults: exact IEEE float32, subnormals kept.
   */
  readonly numerics?: BackendNumerics;
  /** Every kernel, by name. */
  readonly kernels: Kernels;
  /** The kernels this backend implements itself (the primitives and any accelerated optional kernel). */
  readonly implemented: ReadonlySet<KernelName>;
  /** Fused optimizer updates, when the backend has them (core's composite update otherwise). */
  readonly optimizer?: OptimizerCapability;
  /**
   * How much the backend can hold. Core checks every new tensor against it
   * before any kernel or write runs, so a tensor that cannot fit is refused
   * with a clear error instead of failing (or corrupting memory) inside the
   * backend. Optional, and so is each field: what is left out takes
   * DEFAULT_BACKEND_LIMITS (typed-array limits that hold in every JS engine).
   * Called before each allocation: return stored values, do not compute.
   * A backend that still runs out of memory (its heap fragmented, the host
   * short) throws an Error named 'OutOfMemoryError' after freeing whatever it
   * allocated for the call; core reports it as a MemoryLimitError naming the op.
   */
  limits?(): BackendLimits;
  /** Release everything (buffers, contexts, workers). */
  dispose(): void;
}

/** Creates a backend; may be async (wasm compile, GPU context). */
export type BackendFactory = () => Backend | Promise<Backend>;

/** A backend's implementation of kernel K: its storage first, then the kernel's arguments. */
export type KernelImpl<K extends KernelName, S> = (storage: S, ...args: KernelArgs<K>) => TensorInfo;

/** What a backend declares it can hold (see Backend.limits); sizes in bytes as core counts them (bool 1, others 4 per element). */
export interface BackendLimits {
  /** Most elements one tensor may have (e.g. texels of the largest texture a GPU allows). */
  readonly maxTensorElements?: number;
  /** Most bytes one tensor's buffer may take. */
  readonly maxTensorBytes?: number;
  /** Most bytes all of the backend's tensors may take together; Infinity when only the machine bounds it. */
  readonly maxTotalBytes?: number;
  /** Where the numbers come from and how to change them, for error messages (e.g. "the 4 GiB WebAssembly heap"). */
  readonly source?: string;
}
