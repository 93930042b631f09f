import {
  BufferStorage,
  KERNELS,
  sizeOfShape,
  type BackendMemory,
  type DataId,
  type DType,
  type KernelArgs,
  type KernelContext,
  type Kernels,
  type OptionalKernel,
  type Storage,
  type TensorInfo,
  type TypedArray,
} from '@polytensor/core';
import type { Tw, WasmData, WasmRuntime } from './runtime.js';

/**
 * backend-wasm's storage: the buffers one backend instance owns on the shared
 * wasm heap (a DataStore of WasmData, each a tfjs tensor id with its heap
 * offset), and the runtime its kernels call. Kernels see their inputs as `Tw`
 * (`input`), run on `rt` inside `run`, and hand back a fresh heap buffer the
 * store adopts; temporaries in between never enter the store. A kernel that
 * is faster as core's composite for some shapes runs it with `composite`, on
 * the kernels of the backend the store was bound to.
 */
export class WasmStore extends BufferStorage<WasmData> implements Storage {
  private context: KernelContext | null = null;

  constructor(
    /** The process-wide module (shared by every instance; each store owns its own buffers). */
    readonly rt: WasmRuntime,
  ) {
    super('wasm', (d) => d.byteLength);
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new Error(`wasm backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    const d = this.rt.alloc(size, dtype);
    this.rt.view(d).set(values);
    return this.buffers.add(d);
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.rt.view(this.buffers.get(dataId, 'read')).slice();
  }

  readSync(dataId: DataId): TypedArray {
    return this.rt.view(this.buffers.get(dataId, 'readSync')).slice();
  }

  protected override free(d: WasmData): void {
    this.rt.free(d);
  }

  override memory(): BackendMemory {
    return { ...super.memory(), wasmHeapBytes: this.rt.heapBytes(), tfjsDataIds: this.rt.tfjsDataIds() };
  }

  /** A kernel's input as a heap buffer with its shape; throws naming `op` when the buffer is not this instance's. */
  input(info: TensorInfo, op: string): Tw {
    return { data: this.buffers.get(info.dataId, op), shape: info.shape, dtype: info.dtype };
  }

  /**
   * Run a kernel over heap buffers; its result, a fresh buffer, becomes this
   * instance's. If it throws (out of heap part-way, say), every buffer it
   * allocated and did not free is freed, so a failed kernel leaves the heap as
   * it found it.
   */
  run(kernel: () => Tw): TensorInfo {
    const t = this.rt.transaction(kernel);
    return { dataId: this.buffers.add(t.data), shape: [...t.shape], dtype: t.dtype };
  }

  /** `run` for a kernel with several fresh outputs (the fused optimizer step): all adopted, or all freed if it throws. */
  runMany(kernel: () => Tw[]): TensorInfo[] {
    let outs: Tw[] = [];
    this.rt.transaction(() => {
      outs = kernel();
      return outs[0]!;
    });
    return outs.map((t) => ({ dataId: this.buffers.add(t.data), shape: [...t.shape], dtype: t.dtype }));
  }

  /** Give `composite` the kernels to run on: those of the backend defined on this store (createWasmBackend does it). */
  bind(kernels: Kernels): void {
    const write = (v: TypedArray, shape: readonly number[], dtype: DType): DataId => this.write(v, shape, dtype);
    // adopt is write here: every buffer lives in the wasm heap, so host arrays are always copied in
    this.context = { ...kernels, write, adopt: write, disposeData: (id) => this.disposeData(id) };
  }

  /** Core's composite of kernel `name`, run on the bound backend's kernels (its temporaries live in this store until it returns). */
  composite<K extends OptionalKernel>(name: K, ...args: KernelArgs<K>): TensorInfo {
    if (!this.context) {
      throw new Error(`wasm backend: ${name}: this WasmStore is not bound to a backend; call store.bind(backend.kernels) after defineBackend`);
    }
    return (KERNELS[name].composite as (k: KernelContext, ...a: KernelArgs<K>) => TensorInfo)(this.context, ...args);
  }
}
