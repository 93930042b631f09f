import type { FusedKernels, Kernels } from './kernels.js';
import type { BackendMemory, DataId, DType, TypedArray } from './types.js';

/**
 * Where a backend keeps tensor buffers. Buffers are immutable once written;
 * core reference-counts them (reshape shares a buffer) and calls `disposeData`
 * exactly once when the last tensor using it goes away.
 */
export interface Storage {
  /** Copy `values` into a new buffer. `values.length` equals the tensor size; its type matches `dtype`. */
  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
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

/**
 * The whole contract: storage plus kernels, plus any fused kernels the backend
 * chooses to provide. A backend package exports a factory producing one of these
 * and registers it with `registerBackend`.
 */
export interface Backend extends Storage, Kernels, FusedKernels {
  /** Name it is registered under ('ts', 'wasm', 'webgl', 'gpujs'...). */
  readonly name: string;
  /**
   * What the backend declares about its float behaviour; the conformance report prints it.
   * Defaults: exact IEEE float32, subnormals kept.
   */
  readonly numerics?: BackendNumerics;
  /** Release everything (buffers, contexts, workers). */
  dispose(): void;
}

export interface BackendNumerics {
  /** Subnormal inputs/outputs are flushed to zero. */
  flushesSubnormals?: boolean;
  /** add/sub/mul/div/sqrt may be off by this many ULP (GPU backends). Default 0. */
  arithmeticUlp?: number;
  /** Per-op ULP bounds this backend declares above the suite's defaults (e.g. { exp: 4 }). */
  transcendentalUlp?: Readonly<Record<string, number>>;
}

/** Creates a backend; may be async (wasm compile, GPU context). */
export type BackendFactory = () => Backend | Promise<Backend>;
