import {
  BufferStorage,
  HostArrayPool,
  sizeOfShape,
  type BackendMemory,
  type DataId,
  type DType,
  type Storage,
  type TensorInfo,
  type TypedArray,
} from '@polytensor/core';
import type { DeviceWatch } from './device.js';
import { WebGPUBackendError } from './errors.js';
import { f32Literal as literal, FlatProgram, type ProgramLayout } from './program.js';
import { SyncReader } from './read_sync.js';
import { ProgramRunner } from './runner.js';
import { bufferStats, tfKernel, type NamedAttrMap, type TfTensorInfo, type TfWebGPU } from './tfjs.js';

/**
 * What the store keeps per buffer: tfjs's data id (tfjs keeps the values on
 * the host until a program first reads them, then in a GPU storage buffer;
 * bool is stored as i32 there), the dtype and the element count.
 */
export interface GPUData {
  tf: object | null;
  readonly dtype: DType;
  readonly size: number;
  /** A host draw's array, adopted into tfjs's cache: back to the pool once tfjs lets go of it. */
  host?: Float32Array;
}

/** Bytes of one element on the GPU: 4 for every dtype (bool is i32 in WGSL storage). */
const GPU_BYTES = 4;

export function typedFor(dtype: DType, n: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
}

/** A copy of tfjs's values as the typed array of `dtype` (tfjs keeps its array cached: never hand it out). */
function copyAs(values: ArrayLike<number>, dtype: DType, n: number): TypedArray {
  if (ArrayBuffer.isView(values)) {
    // a typed array: the constructors copy (and convert i32 → u8 for bool) natively, several times faster than a loop
    const src = (values as unknown as Float32Array).subarray(0, n);
    return dtype === 'float32' ? new Float32Array(src) : dtype === 'int32' ? new Int32Array(src) : new Uint8Array(src);
  }
  const out = typedFor(dtype, n);
  for (let i = 0; i < n; i++) out[i] = values[i]!;
  return out;
}

/**
 * backend-webgpu's storage and what its kernels run on: the buffers (a
 * DataStore of GPUData) and tfjs's WebGPU backend object (buffer manager,
 * pipeline cache, command encoder). Every kernel receives it first.
 */
export class WebGPUStore extends BufferStorage<GPUData> implements Storage {
  private disposed = false;
  /** @internal */
  readonly tf: TfWebGPU;
  /** @internal */
  readonly watch: DeviceWatch;
  /**
   * @internal The device flushes subnormals in arithmetic (measured at start-up), but
   * selections and copies pass their bits through: float elementwise kernels flush
   * their inputs first (`load`), so every op sees what the arithmetic sees.
   */
  flushesSubnormals = false;
  /** @internal Kernel philoxUniform runs its WGSL program (else core's host draw): option `random`. */
  randomOnGpu = true;
  /** @internal Largest buffer the device allows, in bytes. */
  readonly maxBufferBytes: number;
  /** @internal Records this package's programs on tfjs's encoder with cached pipelines, uniforms and bind groups. */
  readonly runner: ProgramRunner;
  /** @internal Arrays of disposed host draws, for the next ones (core's HostArrayPool). */
  readonly hostArrays = new HostArrayPool();

  /** @internal */
  constructor(tf: TfWebGPU, watch: DeviceWatch, maxBufferBytes: number) {
    super('webgpu', (g) => g.size * (g.dtype === 'bool' ? 1 : 4));
    this.tf = tf;
    this.watch = watch;
    this.maxBufferBytes = maxBufferBytes;
    this.runner = new ProgramRunner(tf);
  }

  /** @internal The store, once it is known to be usable: not disposed, device not lost. Every kernel starts here. */
  enter(op: string): this {
    if (this.disposed) throw new WebGPUBackendError(`webgpu backend: ${op}: the backend was disposed`);
    this.watch.check(op);
    return this;
  }

  /** @internal WGSL reading element `at` of input array `name` of `dtype`, flushed like the arithmetic when the device flushes. */
  load(name: string, at: string, dtype: DType): string {
    return this.flushed(`${name}[${at}]`, dtype);
  }

  /** @internal WGSL of a value `expr` of `dtype`, flushed like the arithmetic when the device flushes. */
  flushed(expr: string, dtype: DType): string {
    return dtype === 'float32' && this.flushesSubnormals ? `ptFlush(${expr})` : expr;
  }

  // ---- Storage ----

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new WebGPUBackendError(`webgpu backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    this.enter('write');
    return this.fromValues(values, shape, dtype).dataId;
  }

  /**
   * Synchronous read through a canvas (read_sync.ts): blocks the page until
   * the GPU has finished everything queued, then costs a draw and a
   * getImageData per 32,768 values. Prefer `read` (`await tensor.data()`).
   */
  readSync(id: DataId): TypedArray {
    const g = this.buffers.get(id, 'readSync');
    if (g.size === 0) return typedFor(g.dtype, 0);
    this.enter('readSync');
    let values: ArrayLike<number>;
    try {
      values = this.syncRead(g);
    } catch (e) {
      this.watch.check('readSync');
      throw new WebGPUBackendError(
        `webgpu backend: readSync (dataSync, arraySync) failed: ${e instanceof Error ? e.message : String(e)}. ` +
          'Synchronous reads need OffscreenCanvas with a WebGPU context; use the async read (await tensor.data()) instead.',
      );
    }
    this.watch.check('readSync');
    return copyAs(values, g.dtype, g.size);
  }

  private syncReader: SyncReader | null = null;

  /** The values of a buffer, synchronously (SyncReader; tfjs's own path where there is no OffscreenCanvas). */
  private syncRead(g: GPUData): ArrayLike<number> {
    const cached = (this.tf.tensorMap.get(g.tf!) as unknown as { values: ArrayLike<number> | null }).values;
    if (cached != null || !SyncReader.available()) return this.tf.readSync(g.tf!) as ArrayLike<number>;
    this.syncReader ??= new SyncReader(this.tf);
    const words = this.syncReader.read({ dataId: g.tf!, shape: [g.size], dtype: g.dtype }, g.size);
    return g.dtype === 'float32' ? new Float32Array(words.buffer) : new Int32Array(words.buffer);
  }

  async read(id: DataId): Promise<TypedArray> {
    const g = this.buffers.get(id, 'read');
    if (g.size === 0) return typedFor(g.dtype, 0);
    this.enter('read');
    const lost = this.watch.lost.then(() => {
      this.watch.check('read');
      return null;
    });
    const reading = this.readFresh(g);
    reading.catch(() => undefined); // when the loss wins the race, the mapping's rejection is expected
    let values: TypedArray;
    try {
      values = (await Promise.race([reading, lost]))!;
    } catch (e) {
      if (e instanceof WebGPUBackendError) throw e;
      // a device loss aborts the mapping before device.lost settles: give it a moment to say so
      await Promise.race([this.watch.lost, new Promise((r) => setTimeout(r, 1000))]);
      this.watch.check('read');
      throw new WebGPUBackendError(`webgpu backend: read failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.watch.check('read');
    return values;
  }

  /**
   * A new array of the buffer's values. A GPU-resident buffer is copied into
   * a staging buffer and mapped (tfjs's getBufferData, which slices the mapping
   * into a fresh ArrayBuffer): the float32/int32 view of it is the caller's,
   * no further copy, and nothing is cached on the host (tfjs's `read` would keep
   * the array, so it would have to be copied again). Values that never left
   * the host (written, never used by a program) are copied from tfjs's cache.
   */
  private async readFresh(g: GPUData): Promise<TypedArray> {
    const data = this.tf.tensorMap.get(g.tf!) as unknown as { values: ArrayLike<number> | null; resource: unknown };
    // copied now, before any await: a host draw's array may go back to the pool when its tensor is disposed
    if (data.values != null) return copyAs(data.values, g.dtype, g.size);
    if (typeof (data.resource as GPUBuffer | null)?.mapAsync !== 'function') return copyAs((await this.tf.read(g.tf!)) as ArrayLike<number>, g.dtype, g.size);
    const bytes = await this.tf.getBufferData(data.resource as GPUBuffer);
    if (g.dtype === 'float32') return new Float32Array(bytes, 0, g.size);
    const ints = new Int32Array(bytes, 0, g.size);
    return g.dtype === 'int32' ? ints : new Uint8Array(ints);
  }

  protected override free(g: GPUData): void {
    if (g.tf && !this.disposed) {
      this.tf.disposeData(g.tf);
      // tfjs drops its cached values on upload and its entry on disposal; an entry still
      // holding the array (another reference to the same data id) keeps it out of the pool
      // (tfjs's `get` of a deleted id asks its engine to move the data back: `has` first)
      if (g.host && (!this.tf.tensorMap.has(g.tf) || (this.tf.tensorMap.get(g.tf) as unknown as { values: unknown }).values !== g.host)) {
        this.hostArrays.give(g.host);
      }
    }
    g.tf = null;
    g.host = undefined;
  }

  /** Core's counts plus tfjs's buffer bookkeeping and the compiled-pipeline count. */
  override memory(): BackendMemory {
    const t = bufferStats(this.tf);
    return {
      ...super.memory(),
      tfjsDataIds: t.tfjsDataIds,
      buffersInUse: t.buffersInUse,
      buffersFree: t.buffersFree,
      gpuBytesAllocated: t.gpuBytesAllocated,
      compiledPipelines: t.compiledPipelines,
    };
  }

  /** @internal Free every buffer and tfjs's backend; later kernels throw. */
  disposeAll(): void {
    try {
      for (const g of this.buffers.values()) if (g.tf) this.tf.disposeData(g.tf);
      this.tf.dispose();
    } catch {
      // the device went away meanwhile: the buffers went with it
    }
    this.buffers.clear();
    this.hostArrays.clear();
    this.disposed = true;
  }

  // ---- buffers ----

  /** @internal */
  data(id: DataId, op: string): GPUData {
    return this.buffers.get(id, op);
  }

  /** @internal A tfjs output becomes a polytensor tensor of `shape` (its size must match). */
  wrap(out: TfTensorInfo, shape: readonly number[], dtype: DType): TensorInfo {
    const dataId = this.buffers.add({ tf: out.dataId, dtype, size: sizeOfShape(shape) });
    return { dataId, shape: [...shape], dtype };
  }

  /** @internal New tensor from host values (copied). */
  fromValues(values: ArrayLike<number>, shape: readonly number[], dtype: DType): TensorInfo {
    const size = sizeOfShape(shape);
    this.checkSize('write', size);
    // the typed-array constructors copy another typed array natively (`.from` walks an iterator: several ms per million values)
    const src = values as ArrayLike<number> & Iterable<number>;
    const copy = dtype === 'float32' ? new Float32Array(src) : dtype === 'int32' ? new Int32Array(src) : new Uint8Array(src);
    const tf = this.tf.write(copy, [size], dtype);
    const dataId = this.buffers.add({ tf, dtype, size });
    return { dataId, shape: [...shape], dtype };
  }

  /**
   * @internal A new buffer that takes `values` over without copying them: only for
   * an array nobody else holds or changes afterwards (a 4 MB copy is ~1.3 ms on
   * the host route of a million random values).
   */
  adoptValues(values: Float32Array, shape: readonly number[]): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) throw new Error(`webgpu backend: adoptValues: ${values.length} values for shape [${shape.join(',')}]`);
    this.enter('write');
    this.checkSize('write', size);
    return this.buffers.add({ tf: this.tf.write(values, [size], 'float32'), dtype: 'float32', size, host: values });
  }

  /** @internal An empty tensor (some axis 0): no GPU buffer (WebGPU cannot bind one of size 0). */
  empty(shape: readonly number[], dtype: DType): TensorInfo {
    return this.fromValues(typedFor(dtype, 0), shape, dtype);
  }

  /** @internal Dispose a temporary this package created inside a kernel. */
  disposeTemp(t: TensorInfo): void {
    this.disposeData(t.dataId);
  }

  /** A buffer of `size` elements must fit the device's largest buffer (core checks too; this names the device limit). */
  private checkSize(op: string, size: number): void {
    if (size * GPU_BYTES > this.maxBufferBytes) {
      throw new WebGPUBackendError(
        `webgpu backend: ${op}: a tensor of ${size} elements needs a ${size * GPU_BYTES}-byte GPU buffer, over this ` +
          `adapter's limit of ${this.maxBufferBytes} bytes (maxStorageBufferBindingSize/maxBufferSize). Split the tensor ` +
          '(smaller batches) or use a backend with more memory per tensor (wasm).',
      );
    }
  }

  // ---- GPU execution ----

  /** @internal tfjs's view of a tensor, as the flat array this package's programs read. */
  flatInfo(t: TensorInfo, op: string): TfTensorInfo {
    const g = this.data(t.dataId, op);
    if (!g.tf) throw new Error(`webgpu backend: ${op}: internal error: a freed buffer reached a kernel`);
    return { dataId: g.tf, shape: [g.size], dtype: t.dtype };
  }

  /**
   * Run one of this package's flat programs (see FlatProgram): inputs by
   * name (`names[k]` is `inputs[k]` in WGSL), `size` outputs of `dtype`,
   * returned as a tensor of `shape`. With `into`, the program writes into
   * that existing tensor instead (concat writes its pieces into one output).
   * @internal
   */
  run(
    op: string,
    names: readonly string[],
    inputs: readonly TensorInfo[],
    shape: readonly number[],
    dtype: DType,
    body: string,
    helpers = '',
    into?: TensorInfo,
    layout?: ProgramLayout,
  ): TensorInfo {
    this.enter(op);
    const size = sizeOfShape(shape);
    if (size === 0) return this.empty(shape, dtype);
    this.checkSize(op, size);
    const program = new FlatProgram(names, size, body, helpers, layout);
    // WebGPU cannot bind an empty buffer: an empty input (never read then) is bound as a one-element stand-in
    const tfInputs = inputs.map((t) => (this.data(t.dataId, op).size === 0 ? this.standIn(t.dtype) : this.flatInfo(t, op)));
    const out = this.runner.run(program, tfInputs, dtype, into ? this.flatInfo(into, op) : undefined);
    if (into) return into;
    return this.wrap(out, shape, dtype);
  }

  private readonly standIns = new Map<DType, TfTensorInfo>();

  /** One zero of `dtype` in tfjs's store (not a polytensor buffer), made once per backend. */
  private standIn(dtype: DType): TfTensorInfo {
    let t = this.standIns.get(dtype);
    if (!t) {
      t = { dataId: this.tf.write(typedFor(dtype, 1), [1], dtype), shape: [1], dtype };
      this.standIns.set(dtype, t);
    }
    return t;
  }

  /** @internal A tensor of `shape` filled with `value` (NaN, ±Inf and −0 kept). */
  fill(shape: readonly number[], dtype: DType, value: number): TensorInfo {
    const v = dtype === 'float32' ? `${literal(value)}` : `${value | 0}`;
    return this.run('fill', [], [], shape, dtype, `  result[index] = ${v};`);
  }

  /**
   * Run a tfjs-backend-webgpu kernel function directly on our tensors (named
   * inputs, or an array for kernels like Concat that take a list).
   * @internal
   */
  kernel(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TfTensorInfo {
    this.enter(name);
    const tfInputs = Object.fromEntries(
      Object.entries(inputs).map(([k, v]) => {
        const g = this.data(v.dataId, name);
        return [k, { dataId: g.tf!, shape: [...v.shape], dtype: v.dtype }];
      }),
    );
    const out = tfKernel(name)({ inputs: tfInputs as Record<string, TfTensorInfo>, backend: this.tf, attrs });
    if (Array.isArray(out)) throw new Error(`webgpu backend: tfjs kernel ${name} returned ${out.length} outputs`);
    return out;
  }
}
