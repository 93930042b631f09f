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
import { GpujsLimitError } from './errors.js';
import type { GpuTexture } from './gpujs.js';
import { fillTexture, uploadTexture } from './kernels/fill.js';
import { CpuTexture, MAX_ELEMENTS, type GpuRuntime } from './runtime.js';
import { uploadRowsWidth } from './util/layout.js';

/**
 * float32 / bool tensors of at most this many elements that come from the host
 * keep their values there too and are uploaded once, when a GPU kernel first
 * reads them (a tensor read back keeps its values for the next read). Kernels
 * still run on the GPU: computing small ops in JavaScript, as tfjs webgl's
 * CPU handoff does, would make an op's bits depend on where its inputs live and
 * leave the conformance suite's small cases testing JavaScript instead of the
 * shaders (docs/decisions.md, "GPU backends against tfjs webgl").
 *
 * Larger tensors written from the host are uploaded lazily too (as tfjs webgl
 * does): `write` keeps a copy on the host, a read before any kernel returns it,
 * and the first kernel that reads the tensor uploads it, after which the host
 * copy is dropped (only the small ones keep theirs).
 */
export const HOST_MAX_ELEMENTS = 128;

/** What the store keeps per buffer. */
interface Entry {
  readonly dtype: DType;
  readonly size: number;
  /** float32 / bool values on the GPU (null when empty, int32, or small and not yet uploaded). */
  tex: GpuTexture | null;
  /**
   * float32 / bool values on the host (bool as 0/1): a tensor of at most HOST_MAX_ELEMENTS written or read
   * back; a larger one written from the host until a kernel uploads it; null otherwise.
   */
  small: Float32Array | null;
  /** `small` is a host draw's array from `hostArrays` (see `adoptDrawn`): back to the pool once no longer held. */
  drawn: boolean;
  /** int32 values on the host. */
  readonly host: Int32Array | null;
  /** int32 values as floats on the GPU, made when a kernel reads them as indices. */
  hostTex: GpuTexture | null;
  /** Values held in another layout until a kernel reads them (a product's 2×2 blocks: see `Deferred`). */
  deferred: Deferred | null;
  /** Textures derived from the values (packed matMul operands), by key; freed with the buffer. */
  derived: Map<string, { readonly tex: GpuTexture }> | null;
  /** Bytes when made, and gained after (uploads, index textures, host copies). */
  readonly made: number;
  later: number;
}

/**
 * A float32 tensor's values in a texture of another layout (a matMul's 2×2
 * blocks), kept so: a read downloads that texture as it is (4 values per
 * texel, reordered on the host), and the first kernel that reads the tensor
 * converts it to one value per texel (`toTexture`), which replaces it.
 */
export interface Deferred {
  readonly tex: GpuTexture;
  /** The values one per texel, row-major, as every kernel reads them (a new texture; `tex` is left alone). */
  toTexture(): GpuTexture;
  /** The values row-major on the host. */
  download(): Float32Array;
}

/** Bytes a buffer holds when made (what it gains later is counted apart, see `later`). */
function madeBytes(e: Omit<Entry, 'derived' | 'deferred' | 'made' | 'later' | 'drawn'> & { deferred?: Deferred | null }): number {
  return texBytes(e.tex) + texBytes(e.deferred?.tex ?? null) + (e.host ? e.host.byteLength : 0) + (e.small ? e.small.byteLength : 0);
}

function texBytes(tex: GpuTexture | null): number {
  if (!tex) return 0;
  if (tex instanceof CpuTexture) return tex.values.byteLength;
  return tex.size[0]! * tex.size[1]! * 16;
}

/**
 * backend-gpujs's storage, and what its kernels see of it (every kernel
 * receives it first: see backend.ts).
 *
 * - float32 and bool tensors live on the GPU as float textures, one value per
 *   texel in row-major order (bool as exactly 0 or 1), immutable once made
 *   (gpu.js pipeline mode), read back only by read/readSync.
 * - int32 tensors live on the host (Int32Array): float32 cannot hold every
 *   int32, and the contract's int32 add/sub/mul wrap modulo 2^32. A GPU kernel
 *   that reads int32 indices (gather, oneHot, scatterAdd) gets them as a float
 *   texture made once per buffer (indices are far below 2^24).
 */
export class GpujsStore extends BufferStorage<Entry> implements Storage {
  /** Bytes of what a buffer gains after it is made (index textures of int32 buffers, uploads and host copies of small ones), counted apart. */
  private laterBytes = 0;
  private disposed = false;
  /** @internal Arrays of host draws no tensor holds any more, for the next draws (kernels/philox_uniform.ts). */
  readonly hostArrays = new HostArrayPool();

  constructor(readonly rt: GpuRuntime) {
    super('gpujs', (e) => e.made);
  }

  // ---- Storage ----

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new Error(`gpujs backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    if (dtype === 'int32') return this.add({ dtype, size, tex: null, small: null, host: Int32Array.from(values), hostTex: null });
    if (size === 0) return this.add({ dtype, size, tex: null, small: null, host: null, hostTex: null });
    // kept on the host until a kernel reads it (a copy: the caller may reuse its array)
    const small = values instanceof Float32Array ? values.slice() : Float32Array.from(values);
    return this.add({ dtype, size, tex: null, small, host: null, hostTex: null });
  }

  /** write without the copy of a float32 array: the caller gives `values` up (core's composites' fresh arrays). */
  adopt(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    if (!(values instanceof Float32Array) || dtype !== 'float32' || values.length === 0 || values.length !== sizeOfShape(shape))
      return this.write(values, shape, dtype);
    return this.add({ dtype, size: values.length, tex: null, small: values, host: null, hostTex: null });
  }

  /**
   * Adopt a host draw's float32 array, taken from `hostArrays` (or new), as a
   * new buffer kept on the host like a write: a read copies it, the first
   * kernel that reads it uploads it. Once no buffer holds it (uploaded, or
   * the buffer freed) it goes back to the pool, so nobody else may keep it.
   */
  adoptDrawn(values: Float32Array, shape: readonly number[]): DataId {
    if (values.length === 0) return this.write(values, shape, 'float32');
    return this.add({ dtype: 'float32', size: values.length, tex: null, small: values, host: null, hostTex: null, drawn: true });
  }

  async read(dataId: DataId): Promise<TypedArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): TypedArray {
    return this.valuesOf(this.entry(dataId, 'readSync'));
  }

  protected override free(e: Entry): void {
    this.laterBytes -= e.later;
    if (e.drawn && e.small && !this.disposed) this.hostArrays.give(e.small);
    e.tex?.delete();
    e.deferred?.tex.delete();
    e.hostTex?.delete();
    if (e.derived) for (const d of e.derived.values()) d.tex.delete();
  }

  /** Core's counts plus the WebGL textures in use, those pooled for reuse, and the compiled gpu.js kernels. */
  override memory(): BackendMemory {
    const base = super.memory();
    return {
      ...base,
      numBytes: base.numBytes + this.laterBytes,
      textures: this.rt.textures.live,
      pooledTextures: this.rt.textures.pooled,
      kernels: this.rt.numKernels,
      pooledHostArrays: this.hostArrays.size.arrays,
    };
  }

  /** Free every buffer, then the runtime (kernels, context); later use throws. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
    this.hostArrays.clear();
    this.rt.dispose();
  }

  // ---- what kernels use ----

  /** The texture of a non-empty float32 or bool tensor (an int32 one: its index texture). A small host tensor is uploaded now, once. */
  tex(x: TensorInfo): GpuTexture {
    const e = this.entry(x.dataId, 'kernel input');
    if (e.tex) return e.tex;
    if (e.deferred) {
      const d = e.deferred;
      e.tex = d.toTexture();
      e.deferred = null;
      this.gained(e, texBytes(e.tex) - texBytes(d.tex));
      d.tex.delete();
      return e.tex;
    }
    if (e.small) {
      // in rows of its last dimension when it has them: the layout a 2-D kernel's output has
      e.tex = this.upload(e.small, uploadRowsWidth(this.rt, x.shape));
      this.gained(e, texBytes(e.tex));
      if (e.size > HOST_MAX_ELEMENTS) {
        // a large tensor lives on the GPU from now on (a read downloads it)
        this.gained(e, -e.small.byteLength);
        // the upload copied the values: a draw's array serves the next draw
        if (e.drawn) this.hostArrays.give(e.small);
        e.small = null;
      }
      return e.tex;
    }
    if (e.host) return this.intTex(x);
    throw new Error(`gpujs backend: a kernel read an empty ${e.dtype} buffer`);
  }

  /** The host values of an int32 tensor (not a copy: do not modify). */
  ints(x: TensorInfo): Int32Array {
    const e = this.entry(x.dataId, 'kernel input');
    if (!e.host) throw new Error(`gpujs backend: expected an int32 buffer, got ${e.dtype}`);
    return e.host;
  }

  /** An int32 tensor's values as a float texture (cached with the buffer; do not delete). */
  intTex(x: TensorInfo): GpuTexture {
    const e = this.entry(x.dataId, 'kernel input');
    if (e.tex) return e.tex;
    if (!e.host || e.size === 0) throw new Error('gpujs backend: no int32 values to upload');
    if (!e.hostTex) {
      e.hostTex = this.upload(Float32Array.from(e.host));
      this.gained(e, texBytes(e.hostTex));
    }
    return e.hostTex;
  }

  /**
   * A texture derived from `x`'s values (a packed matMul operand), made by
   * `make` the first time `key` is asked for and kept with the buffer (buffers
   * are immutable): a weight or an input multiplied again is not packed again.
   * Freed with the buffer; do not delete it.
   */
  derived<T extends { readonly tex: GpuTexture }>(x: TensorInfo, key: string, make: () => T): T {
    const e = this.entry(x.dataId, 'kernel input');
    const got = e.derived?.get(key);
    if (got) return got as T;
    const made = make();
    (e.derived ??= new Map()).set(key, made);
    this.gained(e, texBytes(made.tex));
    return made;
  }

  /** A small float32 / bool tensor's values when the host holds them (not a copy: do not modify), else null. */
  smallValues(x: TensorInfo): Float32Array | null {
    const e = this.entry(x.dataId, 'kernel input');
    return e.size <= HOST_MAX_ELEMENTS ? e.small : null;
  }

  /** Adopt float values computed on the host (at most HOST_MAX_ELEMENTS; bool as 0/1) as a new buffer. */
  outSmall(values: Float32Array, shape: readonly number[], dtype: 'float32' | 'bool'): TensorInfo {
    return { dataId: this.add({ dtype, size: values.length, tex: null, small: values, host: null, hostTex: null }), shape: [...shape], dtype };
  }

  /** Any tensor's values on the host (downloads GPU data; a copy). */
  hostValues(x: TensorInfo): TypedArray {
    return this.valuesOf(this.entry(x.dataId, 'kernel input'));
  }

  /** Adopt a kernel's output texture as a new buffer (an int32 result is read back to the host). */
  outTex(tex: GpuTexture, shape: readonly number[], dtype: DType): TensorInfo {
    const size = sizeOfShape(shape);
    if (dtype === 'int32') {
      const values = this.rt.download(tex, size);
      tex.delete();
      const ints = new Int32Array(size);
      for (let i = 0; i < size; i++) ints[i] = values[i]!;
      return this.outHost(ints, shape);
    }
    return { dataId: this.add({ dtype, size, tex, small: null, host: null, hostTex: null }), shape: [...shape], dtype };
  }

  /** The values' other layout (see `Deferred`) while no kernel has converted them, else null: for kernels that read that layout themselves. */
  deferredOf(x: TensorInfo): Deferred | null {
    const e = this.entry(x.dataId, 'kernel input');
    return e.tex ? null : e.deferred;
  }

  /** Adopt float32 values held in another layout (see `Deferred`) as a new buffer. */
  outDeferred(d: Deferred, shape: readonly number[]): TensorInfo {
    return {
      dataId: this.add({ dtype: 'float32', size: sizeOfShape(shape), tex: null, deferred: d, small: null, host: null, hostTex: null }),
      shape: [...shape],
      dtype: 'float32',
    };
  }

  /** Adopt host values as a new buffer: int32 stays on the host, float32/bool are uploaded. */
  outHost(values: TypedArray, shape: readonly number[]): TensorInfo {
    const size = sizeOfShape(shape);
    const dtype: DType = values instanceof Int32Array ? 'int32' : values instanceof Uint8Array ? 'bool' : 'float32';
    if (dtype === 'int32') {
      return { dataId: this.add({ dtype, size, tex: null, small: null, host: values as Int32Array, hostTex: null }), shape: [...shape], dtype };
    }
    if (size === 0) return this.outEmpty(shape, dtype);
    const f = values instanceof Float32Array ? values : Float32Array.from(values);
    if (size <= HOST_MAX_ELEMENTS) return this.outSmall(f, shape, dtype);
    return { dataId: this.add({ dtype, size, tex: this.upload(f), small: null, host: null, hostTex: null }), shape: [...shape], dtype };
  }

  /** A new buffer of size 0. */
  outEmpty(shape: readonly number[], dtype: DType): TensorInfo {
    const host = dtype === 'int32' ? new Int32Array(0) : null;
    return { dataId: this.add({ dtype, size: 0, tex: null, small: null, host, hostTex: null }), shape: [...shape], dtype };
  }

  /** A new texture holding `values`, `rowWidth` texels wide when given (else flat); the caller deletes it. */
  upload(values: Float32Array, rowWidth: number | null = null): GpuTexture {
    if (values.length > MAX_ELEMENTS) {
      throw new GpujsLimitError(`gpujs backend: ${values.length} elements exceed the 2^24 this backend indexes exactly`);
    }
    return uploadTexture(this.rt, values, rowWidth);
  }

  /** A new texture of n copies of `value` (the caller deletes it). */
  fill(n: number, value: number): GpuTexture {
    return fillTexture(this.rt, n, value);
  }

  /** Count `bytes` a buffer gained after it was made (freed with it). */
  private gained(e: Entry, bytes: number): void {
    e.later += bytes;
    this.laterBytes += bytes;
  }

  private add(e: Omit<Entry, 'derived' | 'deferred' | 'made' | 'later' | 'drawn'> & { deferred?: Deferred; drawn?: boolean }): DataId {
    if (this.disposed) throw new Error('gpujs backend: used after dispose()');
    // one object shape for every entry (no spread): this runs once per kernel output
    return this.buffers.add({
      dtype: e.dtype,
      size: e.size,
      tex: e.tex,
      deferred: e.deferred ?? null,
      small: e.small,
      drawn: e.drawn ?? false,
      host: e.host,
      hostTex: e.hostTex,
      derived: null,
      made: madeBytes(e),
      later: 0,
    });
  }

  private entry(id: DataId, op: string): Entry {
    if (this.disposed) throw new Error(`gpujs backend: ${op}: used after dispose()`);
    return this.buffers.get(id, op);
  }

  private valuesOf(e: Entry): TypedArray {
    if (e.dtype === 'int32') return (e.host ?? new Int32Array(0)).slice();
    if (e.small) return e.dtype === 'float32' ? e.small.slice() : Uint8Array.from(e.small);
    if (!e.tex && !e.deferred) return e.dtype === 'bool' ? new Uint8Array(0) : new Float32Array(0);
    const values = e.tex ? this.rt.download(e.tex, e.size) : e.deferred!.download();
    // a small tensor read once stays readable without another download
    if (e.size <= HOST_MAX_ELEMENTS) {
      e.small = values.slice();
      this.gained(e, e.small.byteLength);
    }
    if (e.dtype === 'float32') return values;
    const out = new Uint8Array(e.size);
    for (let i = 0; i < e.size; i++) out[i] = values[i] !== 0 ? 1 : 0;
    return out;
  }
}
