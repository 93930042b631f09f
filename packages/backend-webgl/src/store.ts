import {
  BufferStorage,
  HostArrayPool,
  sizeOfShape,
  type Backend,
  type BackendMemory,
  type DataId,
  type DType,
  type Kernels,
  type Storage,
  type TensorInfo,
  type TypedArray,
} from '@polytensor/core';
import { createTsBackend } from '@polytensor/backend-ts';
import { MATH_GLSL, PT_ENV, type WebGLVersion } from '@polytensor/gpu-common';
import type { ContextWatch } from './context.js';
import { WebGLBackendError } from './errors.js';
import { ProgramDispatch } from './dispatch.js';
import { canReadTexture, downloadTexture, ReadScratch, readTexture } from './readback.js';
import { FlatProgram, helpers, PackedProgram, type Uniform } from './programs.js';
import {
  compiledPrograms,
  getPackedTextureShape,
  isPackedReshapeFree,
  packedReshape,
  textureStats,
  tfKernel,
  type NamedAttrMap,
  type TfTensorInfo,
  type TfWebGL,
} from './tfjs.js';

/** Integers up to this magnitude are exact in float32 (and so in float textures). */
export const EXACT_INT = 2 ** 24;

/**
 * Elementwise ops over at least this many values run packed when their
 * inputs allow (WebGLStore.packable): below it the fragment count does not
 * matter and the flat program's uniform upload of tiny inputs is cheaper.
 */
export const PACKED_MIN_SIZE = 1024;

/** Ids of program sources (never reused, so a dispatch layout key never names two sources). */
let nextSourceId = 0;

/** Program sources kept by body (bodies differ by op, rank and loop bound: a few hundred at most in practice). */
const SOURCE_CACHE_SIZE = 1024;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * What the store keeps per buffer. A tensor lives in one of two places:
 * - on the GPU, as an entry of tfjs's texture store (`tf` is tfjs's dataId;
 *   before its first use by a shader tfjs may still hold it as CPU values);
 * - on the host (`host`), only for int32 tensors holding a value float32
 *   cannot represent exactly (|v| > 2^24 and not a float32): float textures
 *   cannot store them, so their kernels run on the host (see README).
 * int32 tensors on the GPU carry `bound`, an upper bound on |value|: kernels
 * whose integer result could leave the exactly representable range
 * (|v| > 2^24) take the exact host path instead of rounding silently.
 */
export interface GLData {
  tf: object | null;
  host: Int32Array | null;
  readonly dtype: DType;
  readonly size: number;
  readonly bound: number;
  /** A host draw's array, adopted into tfjs's cache: back to `hostArrays` once tfjs lets go of it. */
  drawn?: Float32Array;
}

function bytesPer(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** Largest |v| of an int array, and whether every value is exact in float32. */
function intRange(values: ArrayLike<number>): { bound: number; exact: boolean } {
  let bound = 0;
  let exact = true;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > bound) bound = a;
    if (a > EXACT_INT && Math.fround(a) !== a) exact = false;
  }
  return { bound, exact };
}

export function typedFor(dtype: DType, n: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : new Uint8Array(n);
}

/** A copy of `values` as the typed array of `dtype` (int32/bool from float textures are exact integers). */
function convert(values: ArrayLike<number>, dtype: DType, n: number): TypedArray {
  const out = typedFor(dtype, n);
  if (dtype === 'float32' && values instanceof Float32Array) {
    out.set(values.length === n ? values : values.subarray(0, n));
  } else if (dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = values[i]!;
  } else {
    for (let i = 0; i < n; i++) out[i] = Math.round(values[i]!);
  }
  return out;
}

/**
 * backend-webgl's storage and what its kernels run on: the buffers (a
 * DataStore of GLData), tfjs's backend object (textures, shader cache), this
 * package's flat programs, and the exact host path for wide int32 values.
 * Every kernel receives it first (see backend.ts).
 */
export class WebGLStore extends BufferStorage<GLData> implements Storage {
  private hostBackend: Backend | null = null;
  private prelude: string;
  /** Reads in flight per tfjs data id (see `handOver`). */
  private readonly reading = new Map<object, number>();
  /** @internal readPixels' array, kept between reads of up to 16 MB (readback.ts) */
  readonly readScratch = new ReadScratch(4 * 2 ** 20);
  /** tfjs data ids freed while being read: disposed when the last read ends. */
  private readonly freeAfterRead = new Set<object>();
  /** Program sources by body (see `source`). */
  private readonly sources = new Map<string, { code: string; env: boolean; id: number }>();
  /** @internal this package's own dispatch of its programs (see dispatch.ts) */
  readonly dispatch: ProgramDispatch;
  private disposed = false;
  /** @internal Arrays of disposed host draws, for the next ones (core's HostArrayPool). */
  readonly hostArrays = new HostArrayPool();

  /** @internal Elementwise ops over fewer values run flat (tests raise it to Infinity to compare both paths). */
  packedMinSize = PACKED_MIN_SIZE;

  /** @internal Rows of at least this many terms are reduced in windows (reduce max/min, softmax's row statistics); tests raise it to compare. */
  windowMinTerms = 256;

  /** @internal tfjs's backend object (texture manager, shader cache) */
  readonly tf: TfWebGL;
  /** @internal */
  readonly watch: ContextWatch;
  /** @internal the WebGL version (which GLSL the math library is written in) */
  readonly version: WebGLVersion;

  /** @internal */
  constructor(tf: TfWebGL, watch: ContextWatch, version: WebGLVersion) {
    super('webgl', (g) => g.size * bytesPer(g.dtype));
    this.tf = tf;
    this.watch = watch;
    this.version = version;
    this.prelude = helpers(false);
    this.dispatch = new ProgramDispatch(tf);
  }

  /** @internal Subnormals flush on this device: selections must flush them too (see `ptFlush`). */
  setFlushesSubnormals(flushes: boolean): void {
    this.prelude = helpers(flushes);
    this.sources.clear();
  }

  /** @internal The store, once it is known to be usable: not disposed, context not lost. Every kernel starts here. */
  enter(op: string): this {
    if (this.disposed) throw new WebGLBackendError(`webgl backend: ${op}: the backend was disposed`);
    this.watch.check(op);
    return this;
  }

  // ---- Storage ----

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOfShape(shape);
    if (values.length !== size) {
      throw new Error(`webgl backend: write: ${values.length} values do not fill shape [${shape.join(',')}] (${size} elements)`);
    }
    this.enter('write');
    return this.fromValues(values, shape, dtype).dataId;
  }

  readSync(id: DataId): TypedArray {
    const g = this.data(id, 'readSync');
    if (g.host) return g.host.slice();
    if (g.size === 0) return typedFor(g.dtype, 0);
    this.watch.check('readSync');
    // WebGL 2: the texture as it is (readback.ts); tfjs's readSync decodes it in a pass first
    if (this.version === 2 && canReadTexture(this.tf, g.tf!)) {
      const own = downloadTexture(this.tf, g.tf!, this.readScratch);
      this.watch.check('readSync');
      if (own) return g.dtype === 'float32' && own.length === g.size ? own : convert(own, g.dtype, g.size);
    }
    const values = this.tf.readSync(g.tf!) as ArrayLike<number>;
    this.watch.check('readSync');
    return convert(values, g.dtype, g.size);
  }

  async read(id: DataId): Promise<TypedArray> {
    const g = this.data(id, 'read');
    if (g.host) return g.host.slice();
    // a host draw still in tfjs's cache: copied now, before any await (its array may go back to the pool on dispose)
    if (g.drawn && this.tf.texData.get(g.tf!)?.values === g.drawn) return g.drawn.slice();
    if (g.size === 0) return typedFor(g.dtype, 0);
    this.watch.check('read');
    const lost = this.watch.lost.then(() => {
      this.watch.check('read');
      return null;
    });
    const tfId = g.tf!;
    this.reading.set(tfId, (this.reading.get(tfId) ?? 0) + 1);
    let values: ArrayLike<number> | null = null;
    let alone: boolean;
    try {
      // WebGL 2: the texture as it is, after a fence (readback.ts); tfjs's read decodes it in a pass first
      if (this.version === 2 && canReadTexture(this.tf, tfId)) {
        const own = await Promise.race([readTexture(this.tf, tfId, this.readScratch), lost]);
        this.watch.check('read');
        if (own) return g.dtype === 'float32' && own.length === g.size ? own : convert(own, g.dtype, g.size);
      }
      values = (await Promise.race([this.tf.read(tfId), lost])) as ArrayLike<number>;
    } finally {
      const n = this.reading.get(tfId)!;
      alone = n === 1;
      if (alone) {
        this.reading.delete(tfId);
        if (this.freeAfterRead.delete(tfId)) this.tf.disposeData(tfId);
      } else this.reading.set(tfId, n - 1);
    }
    this.watch.check('read');
    return this.handOver(tfId, values, g, alone) ?? convert(values, g.dtype, g.size);
  }

  /**
   * The array tfjs downloaded, given to the caller without a copy when nobody
   * else holds it: tfjs caches it as the tensor's CPU values (and resolves
   * concurrent reads of the texture with the same array), so it is taken out
   * of that cache, the texture staying the tensor's data (a later read
   * downloads again, as a first one). Saves a copy of every float32 result read
   * (a 1000×1000 result: 4 MB) and tfjs's cached copy of it. Null: copy instead.
   */
  private handOver(tfId: object, values: ArrayLike<number>, g: GLData, alone: boolean): TypedArray | null {
    if (!alone || g.dtype !== 'float32' || !(values instanceof Float32Array) || values.length !== g.size) return null;
    // disposed while it was read (`has` first: tfjs's `get` of a deleted id asks its engine to move the data back)
    if (!this.tf.texData.has(tfId)) return null;
    const td = this.tf.texData.get(tfId);
    if (td === undefined || td.texture == null || td.values !== values) return null;
    td.values = undefined;
    return values;
  }

  protected override free(g: GLData): void {
    if (g.tf) {
      // a texture being read stays until the read has it (tfjs defers its own reads' disposals the same way)
      if (this.reading.has(g.tf)) this.freeAfterRead.add(g.tf);
      else this.tf.disposeData(g.tf);
      // tfjs drops its cached values on upload and its entry on disposal; an entry still holding
      // the array (a data id shared by another tensor) keeps it out of the pool. (`has` first:
      // tfjs's `get` of a deleted id asks its engine to move the data back.)
      if (g.drawn && !this.disposed && (!this.tf.texData.has(g.tf) || this.tf.texData.get(g.tf)!.values !== g.drawn)) this.hostArrays.give(g.drawn);
    }
    g.tf = null;
    g.host = null;
    g.drawn = undefined;
  }

  /** Core's counts plus tfjs's texture bookkeeping and the compiled-program count. */
  override memory(): BackendMemory {
    const t = textureStats(this.tf);
    return {
      ...super.memory(),
      tfjsDataIds: t.tfjsDataIds,
      texturesInUse: t.texturesInUse,
      texturesFree: t.texturesFree,
      gpuBytesAllocated: t.gpuBytesAllocated,
      compiledPrograms: compiledPrograms(this.tf),
    };
  }

  /** @internal Free every buffer (their textures too unless the context is gone) and the host backend; later kernels throw. */
  disposeAll(): void {
    try {
      if (!this.watch.contextLost) for (const g of this.buffers.values()) if (g.tf) this.tf.disposeData(g.tf);
    } catch {
      // the context went away meanwhile: the textures went with it
    }
    this.buffers.clear();
    this.hostArrays.clear();
    this.readScratch.clear();
    this.dispatch.clear();
    this.hostBackend?.dispose();
    this.hostBackend = null;
    this.disposed = true;
  }

  // ---- buffers ----

  /** @internal */
  data(id: DataId, op: string): GLData {
    return this.buffers.get(id, op);
  }

  private track(tf: object | null, host: Int32Array | null, dtype: DType, shape: readonly number[], bound: number): TensorInfo {
    const dataId = this.buffers.add({ tf, host, dtype, size: sizeOfShape(shape), bound });
    return { dataId, shape: [...shape], dtype };
  }

  /** @internal A tfjs output becomes a polytensor tensor of `shape` (its size must match). */
  wrap(out: TfTensorInfo, shape: readonly number[], dtype: DType, bound = 0): TensorInfo {
    return this.track(out.dataId, null, dtype, shape, dtype === 'int32' ? bound : 0);
  }

  /** @internal New tensor from host values (copied). int32 values float32 cannot hold exactly stay on the host. */
  fromValues(values: TypedArray, shape: readonly number[], dtype: DType): TensorInfo {
    if (dtype === 'int32') {
      const { bound, exact } = intRange(values);
      if (!exact) return this.track(null, Int32Array.from(values), dtype, shape, bound);
      return this.track(this.tf.write(Int32Array.from(values), [...shape], 'int32'), null, dtype, shape, bound);
    }
    const copy = dtype === 'float32' ? Float32Array.from(values) : Uint8Array.from(values);
    return this.track(this.tf.write(copy, [...shape], dtype), null, dtype, shape, 0);
  }

  /** @internal Dispose a temporary this package created inside a kernel. */
  disposeTemp(t: TensorInfo): void {
    this.disposeData(t.dataId);
  }

  /**
   * @internal The value of a one-value tensor tfjs still holds on the CPU (never
   * uploaded: a constant just written), else null. Exact as a float uniform:
   * float32 values, and int32 ones on the GPU path (|v| ≤ 2^24 or float-exact).
   */
  hostScalar(t: TensorInfo): number | null {
    const g = this.data(t.dataId, 'kernel');
    if (g.size !== 1 || !g.tf) return null;
    const td = this.tf.texData.get(g.tf);
    if (td.texture != null || td.values == null) return null;
    return Number((td.values as ArrayLike<number>)[0]);
  }

  /** @internal True if the tensor's values are only on the host (wide int32). */
  onHostOnly(t: TensorInfo): boolean {
    return this.data(t.dataId, 'kernel').host !== null;
  }

  /** @internal */
  bound(t: TensorInfo): number {
    return this.data(t.dataId, 'kernel').bound;
  }

  // ---- GPU execution ----

  /** @internal tfjs's view of a GPU-resident tensor. */
  tfInfo(t: TensorInfo, op: string): TfTensorInfo {
    const g = this.data(t.dataId, op);
    if (!g.tf) throw new Error(`webgl backend: ${op}: internal error: a host-resident int32 tensor reached a GPU kernel`);
    return { dataId: g.tf, shape: [...t.shape], dtype: t.dtype };
  }

  /**
   * Run a tfjs-backend-webgl kernel function directly on our tensors (named
   * inputs, or an array for kernels like Concat that take a list).
   * @internal
   */
  kernel(name: string, inputs: Record<string, TensorInfo> | readonly TensorInfo[], attrs: NamedAttrMap = {}): TfTensorInfo {
    this.watch.check(name);
    const tfInputs = Array.isArray(inputs)
      ? inputs.map((v) => this.tfInfo(v, name))
      : Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, this.tfInfo(v as TensorInfo, name)]));
    const out = tfKernel(name)({ inputs: tfInputs as Record<string, TfTensorInfo>, backend: this.tf, attrs });
    if (Array.isArray(out)) throw new Error(`webgl backend: tfjs kernel ${name} returned ${out.length} outputs`);
    return out;
  }

  /**
   * Unpacked programs read flat textures. A tensor tfjs left packed (2×2
   * texels, e.g. a matMul output) is unpacked once, in place: the entry then
   * points at the unpacked texture, so later readers do not unpack again.
   */
  private unpacked(t: TensorInfo, op: string): TfTensorInfo {
    const g = this.data(t.dataId, op);
    if (!g.tf) throw new Error(`webgl backend: ${op}: internal error: a host-resident int32 tensor reached a GPU kernel`);
    const td = this.tf.texData.get(g.tf);
    if (td.isPacked && td.texture != null) {
      const u = this.tf.unpackTensor({ dataId: g.tf, shape: [...td.shape], dtype: td.dtype });
      this.tf.disposeData(g.tf);
      g.tf = u.dataId;
    }
    return { dataId: g.tf, shape: [Math.max(1, g.size)], dtype: t.dtype };
  }

  /**
   * Run a flat custom program: inputs as 1-D, output of `size` values.
   * `uniforms` are the values of the program's custom uniforms, in order.
   * The body may call the shared math library (gpu-common's MATH_GLSL): the
   * functions it calls are prepended, and `ptEnv` is passed when they need it.
   * @internal
   */
  flat(
    op: string,
    names: readonly string[],
    inputs: readonly TensorInfo[],
    size: number,
    dtype: DType,
    body: string,
    uniforms: readonly Uniform[] = [],
    values: readonly (readonly number[])[] = [],
  ): TfTensorInfo {
    this.watch.check(op);
    const { code, id, us, vs } = this.source(body, uniforms, values);
    const tfInputs = inputs.map((t) => this.unpacked(t, op));
    return this.dispatch.run(id, false, [size], () => new FlatProgram(names, size, code, us), tfInputs, dtype, vs);
  }

  /**
   * The program source: helpers, the math library functions `body` calls, `body`; plus `ptEnv` when they need it.
   * Memoized by body (kernels rebuild the same bodies on every call): one lookup per dispatch instead
   * of the library's key, the concatenation and a scan of the whole source.
   */
  private source(
    body: string,
    uniforms: readonly Uniform[],
    values: readonly (readonly number[])[],
  ): { code: string; id: number; us: Uniform[]; vs: number[][] } {
    let hit = this.sources.get(body);
    if (hit === undefined) {
      const code = this.prelude + MATH_GLSL.definitions(body, this.version) + body;
      hit = { code, env: code.includes('ptEnv'), id: nextSourceId++ };
      if (this.sources.size >= SOURCE_CACHE_SIZE) this.sources.clear();
      this.sources.set(body, hit);
    }
    const code = hit.code;
    const us = [...uniforms];
    const vs = values.map((v) => [...v]);
    if (hit.env) {
      // (1, +Inf, NaN, 0), opaque to the shader compiler (see gpu-common's math library)
      us.push({ name: 'ptEnv', type: 'vec4' });
      vs.push([...PT_ENV]);
    }
    return { code, id: hit.id, us, vs };
  }

  /**
   * Whether an elementwise op over `shape` can run as a PackedProgram with no
   * layout pass per call. Each input is either a single value (broadcast;
   * tfjs packs a one-value texture if it must, one texel) or has a shape
   * broadcastable to `shape` and is packed already with that logical shape
   * (e.g. a matMul output, or an earlier packed elementwise result; a view
   * whose packed layout is the texture's, as [m, n] of a [1, m, n] product;
   * a view in another packed layout is repacked once, see `relayout`) or still
   * on the CPU (tfjs then uploads it packed and keeps it so). tfjs's packed
   * samplers broadcast the rest (a bias row, a [rows, 1] column). An input
   * left unpacked by a flat program would need a temporary pack per call (tfjs
   * does not keep it), so those take the flat path, which unpacks packed
   * inputs once, in place. Tiny outputs stay flat too: tfjs passes inputs of
   * ≤ 4 values as uniforms to unpacked programs only.
   * @internal
   */
  packable(inputs: readonly TensorInfo[], shape: readonly number[]): boolean {
    if (shape.length === 0 || shape.length > 4 || sizeOfShape(shape) < this.packedMinSize) return false;
    for (const t of inputs) {
      const g = this.data(t.dataId, 'kernel');
      if (!g.tf) return false;
      if (g.size === 1) continue;
      if (t.shape.length > shape.length) return false;
      const td = this.tf.texData.get(g.tf);
      if (td.texture == null) {
        if (td.values == null) return false;
        continue;
      }
      // packed in another layout (a [b, 1, n] slice seen as [b, n]): `packed` repacks it once, in place
      if (!td.isPacked) return false;
    }
    // two views of one tensor whose packed layouts differ ([1, n] and [n, 1]: an outer sum) would each
    // repack the one texture in turn; the flat path reads both from the one flat texture
    for (let i = 0; i < inputs.length; i++)
      for (let j = i + 1; j < inputs.length; j++) {
        const [p, q] = [inputs[i]!, inputs[j]!];
        if (p.dataId === q.dataId && !sameShape(p.shape, q.shape) && !isPackedReshapeFree(p.shape, q.shape)) return false;
      }
    return true;
  }

  /**
   * An unpacked tensor on the GPU is packed once, in place, as its own shape:
   * for tfjs kernels that read packed inputs (its Slice of a non-contiguous
   * region) and would otherwise pack the whole input into a temporary on every
   * call (an LSTM's 50 time steps sliced from a flat [32, 50, 128] gradient: 50
   * packs of all of it per step). The entry then points at the packed texture,
   * as `unpacked` does the other way.
   * @internal
   */
  packInPlace(t: TensorInfo, op: string): void {
    const g = this.data(t.dataId, op);
    if (!g.tf || g.size <= 1) return;
    const td = this.tf.texData.get(g.tf);
    if (td.texture == null || td.isPacked) return;
    // the unpacked texture is row-major whatever its logical shape: pack it as the shape it is read as
    const p = this.tf.packTensor({ dataId: g.tf, shape: [...t.shape], dtype: t.dtype });
    this.tf.disposeData(g.tf);
    g.tf = p.dataId;
  }

  /**
   * @internal Whether a PackedProgram can read `t` with no layout pass: packed on the GPU, or
   * still on the CPU (tfjs uploads it packed and keeps it so). Unpacked textures cannot.
   */
  readsPacked(t: TensorInfo): boolean {
    const g = this.data(t.dataId, 'kernel');
    if (!g.tf) return false;
    const td = this.tf.texData.get(g.tf);
    return td.texture == null ? td.values != null : td.isPacked === true;
  }

  /**
   * Prepare `t` for a packed program that addresses its texture itself (its
   * own texture coordinates, not tfjs's sampler): an unpacked texture is packed
   * in place, a packed one in another layout repacked in place (`relayout`).
   * Returns the [rows, columns] of texels of the packed texture `t` will be
   * read from (tfjs lays texel i of the row-major 2×2 blocks at (i mod
   * columns, i div columns)), or null for a host-resident int32 tensor.
   * @internal
   */
  packedTexels(t: TensorInfo, op: string): [number, number] | null {
    const g = this.data(t.dataId, op);
    if (!g.tf) return null;
    this.packInPlace(t, op);
    this.relayout(t, t.shape, op);
    const td = this.tf.texData.get(g.tf);
    // on the CPU still (or a one-value texture left unpacked): runWebGLProgram uploads (packs) it as the shape the program reads
    const texShape = td.texture == null || !td.isPacked ? getPackedTextureShape(t.shape) : td.texShape;
    return texShape == null ? null : [Math.ceil(texShape[0]! / 2), Math.ceil(texShape[1]! / 2)];
  }

  /**
   * A packed tensor whose texture has another packed layout than `shape`
   * (e.g. a [32, 1, 128] slice seen as [32, 128]: one row per texel pair
   * there, two here) is repacked to `shape` once, in place: tfjs would repack
   * it into a temporary on every program that reads it, and the flat path
   * would unpack it, after which everything computed from it runs flat.
   */
  private relayout(t: TensorInfo, shape: readonly number[], op: string): void {
    const g = this.data(t.dataId, op);
    if (!g.tf || g.size <= 1) return;
    const td = this.tf.texData.get(g.tf);
    if (td.texture == null || !td.isPacked || sameShape(td.shape, shape) || isPackedReshapeFree(td.shape, shape)) return;
    const r = packedReshape(this.tf, { dataId: g.tf, shape: [...td.shape], dtype: t.dtype }, shape);
    this.tf.disposeData(g.tf);
    g.tf = r.dataId;
  }

  /**
   * Run an elementwise PackedProgram (see `packable`, which must hold): the
   * output has logical shape `shape`, each input its own (broadcastable to
   * it); `body`'s main reads `get<Name>AtOutCoords()` (vec4, broadcast by
   * tfjs's sampler) and calls ptSetOutput(vec4). `inputShapes[k]`, when given,
   * is the shape input k is seen as (same size; e.g. [rows, 1] along a
   * [rows, n] output). `uniforms` and `values` as in `flat`.
   * @internal
   */
  packed(
    op: string,
    names: readonly string[],
    inputs: readonly TensorInfo[],
    shape: readonly number[],
    dtype: DType,
    body: string,
    inputShapes: readonly (readonly number[])[] = [],
    uniforms: readonly Uniform[] = [],
    values: readonly (readonly number[])[] = [],
  ): TfTensorInfo {
    this.watch.check(op);
    const { code, id, us, vs } = this.source(body, uniforms, values);
    const tfInputs = inputs.map((t, k) => {
      const seen = inputShapes[k];
      this.relayout(t, seen ?? t.shape, op);
      const info = this.tfInfo(t, op);
      return seen ? { ...info, shape: [...seen] } : info;
    });
    return this.dispatch.run(id, true, shape, () => new PackedProgram(names, shape, code, us), tfInputs, dtype, vs);
  }

  /** @internal A tensor of `shape` filled with `value` (a uniform: NaN, ±Inf and −0 are kept). */
  fill(shape: readonly number[], dtype: DType, value: number, bound = 0): TensorInfo {
    const size = sizeOfShape(shape);
    if (size === 0) return this.fromValues(typedFor(dtype, 0), shape, dtype);
    if (dtype === 'int32' && Math.abs(value) > EXACT_INT && Math.fround(value) !== value) {
      return this.fromValues(new Int32Array(size).fill(value), shape, dtype);
    }
    const out = this.flat('fill', [], [], size, dtype, 'void main() { setOutput(ptValue); }', [{ name: 'ptValue', type: 'float' }], [[value]]);
    return this.wrap(out, shape, dtype, bound);
  }

  /** @internal A fresh copy of `x` (optionally seen as another shape of the same size). */
  copy(x: TensorInfo, shape: readonly number[] = x.shape): TensorInfo {
    const g = this.data(x.dataId, 'copy');
    if (g.host) return this.fromValues(g.host, shape, x.dtype);
    if (g.size === 0) return this.fromValues(typedFor(x.dtype, 0), shape, x.dtype);
    const out = this.flat('copy', ['x'], [x], g.size, x.dtype, 'void main() { setOutput(getX(getOutputCoords())); }');
    return this.wrap(out, shape, x.dtype, g.bound);
  }

  // ---- host path (wide int32) ----

  /**
   * Run `fn` on backend-ts's kernels with copies of `inputs`, and bring the
   * result back (to the GPU if float32 can hold it). Used only where int32
   * values exceed what float textures hold exactly.
   * @internal
   */
  onHost(inputs: readonly TensorInfo[], fn: (ts: Kernels, xs: TensorInfo[]) => TensorInfo): TensorInfo {
    const ts = (this.hostBackend ??= createTsBackend({ name: 'webgl-host' }));
    const ids: DataId[] = [];
    try {
      const xs = inputs.map((t) => {
        const id = ts.write(this.readSync(t.dataId), t.shape, t.dtype);
        ids.push(id);
        return { dataId: id, shape: t.shape, dtype: t.dtype };
      });
      const out = fn(ts.kernels, xs);
      ids.push(out.dataId);
      return this.fromValues(ts.readSync(out.dataId), out.shape, out.dtype);
    } finally {
      for (const id of ids) ts.disposeData(id);
    }
  }
}
