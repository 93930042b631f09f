import { sizeOfShape, type DType, type TypedArray } from '@polytensor/core';
import { isThreadpoolGlobal, runSmallCallsInline, type XnnCallCounts } from './xnn_threadpool.js';

type V = undefined;

/**
 * The parts of the tfjs-backend-wasm Emscripten module this backend calls:
 * the heap views, malloc/free, tensor registration, and the exported C entry
 * points of its kernels. Signatures are those its `dist/kernels/*.js` pass to
 * `cwrap` (version 4.22.0): ids are tfjs tensor ids (`register_tensor`), `*Ptr`
 * arguments are heap addresses of int32 arrays, `dtype` is tfjs's CppDType
 * (float32 0, int32 1, bool 2).
 */
export interface WasmModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): V;
  _register_tensor(id: number, size: number, offset: number): V;
  _dispose_data(id: number): V;
  _get_threads_count(): number;

  // elementwise unary: (x, dtype, out)
  _Abs(x: number, dtype: number, out: number): V;
  _Neg(x: number, dtype: number, out: number): V;
  _Sign(x: number, dtype: number, out: number): V;
  _Exp(x: number, dtype: number, out: number): V;
  _Expm1(x: number, dtype: number, out: number): V;
  _Log(x: number, dtype: number, out: number): V;
  _Log1p(x: number, dtype: number, out: number): V;
  _Sqrt(x: number, dtype: number, out: number): V;
  _Rsqrt(x: number, dtype: number, out: number): V;
  _Square(x: number, dtype: number, out: number): V;
  _Reciprocal(x: number, dtype: number, out: number): V;
  _Relu(x: number, dtype: number, out: number): V;
  _Tanh(x: number, dtype: number, out: number): V;
  _Elu(x: number, dtype: number, out: number): V;
  _Softplus(x: number, dtype: number, out: number): V;
  _Sin(x: number, dtype: number, out: number): V;
  _Cos(x: number, dtype: number, out: number): V;
  _Floor(x: number, dtype: number, out: number): V;
  _Ceil(x: number, dtype: number, out: number): V;
  _Round(x: number, dtype: number, out: number): V;
  _LogicalNot(x: number, dtype: number, out: number): V;
  _IsNan(x: number, dtype: number, out: number): V;
  _IsInf(x: number, dtype: number, out: number): V;
  _IsFinite(x: number, dtype: number, out: number): V;
  /** XNNPACK sigmoid: (x, out). */
  _Sigmoid(x: number, out: number): V;

  // elementwise binary with broadcasting: (a, aShapePtr, aRank, b, bShapePtr, bRank, dtype, out)
  _Add: BinaryFn;
  _Sub: BinaryFn;
  _Multiply: BinaryFn;
  _RealDiv: BinaryFn;
  _Pow: BinaryFn;
  _Maximum: BinaryFn;
  _Minimum: BinaryFn;
  _SquaredDifference: BinaryFn;
  _Equal: BinaryFn;
  _NotEqual: BinaryFn;
  _Less: BinaryFn;
  _LessEqual: BinaryFn;
  _Greater: BinaryFn;
  _GreaterEqual: BinaryFn;
  _LogicalAnd: BinaryFn;
  _LogicalOr: BinaryFn;

  /** condition ? t : e, all of one shape (offset 1). */
  _SelectV2(cond: number, t: number, e: number, offset: number, out: number): V;
  _Tile(x: number, xShapePtr: number, rank: number, outShapePtr: number, outRank: number, dtype: number, out: number): V;
  _Transpose(x: number, xShapePtr: number, rank: number, dtype: number, out: number, permPtr: number, permLen: number): V;
  _Reverse(x: number, axesPtr: number, axesLen: number, shapePtr: number, rank: number, out: number): V;
  _PadV2(x: number, xShapePtr: number, rank: number, dtype: number, prePtr: number, postPtr: number, value: number, out: number): V;
  _Gather(x: number, dtype: number, xStridesPtr: number, stridesLen: number, indices: number, batchSize: number, outStridesPtr: number, out: number): V;
  _ScatterNd(
    indices: number,
    updates: number,
    dtype: number,
    sliceRank: number,
    numUpdates: number,
    sliceSize: number,
    stridesPtr: number,
    outputSize: number,
    out: number,
  ): V;
  _OneHot(indices: number, depth: number, onValue: number, offValue: number, out: number): V;

  // reductions over the innermost `reduceSize` elements
  _Sum(x: number, reduceSize: number, dtype: number, out: number): V;
  _Prod(x: number, reduceSize: number, dtype: number, out: number): V;
  _Max(x: number, dtype: number, reduceSize: number, out: number): V;
  _Min(x: number, dtype: number, reduceSize: number, out: number): V;
  _ArgMax(x: number, dtype: number, outerSize: number, innerSize: number, out: number): V;
  _ArgMin(x: number, dtype: number, outerSize: number, innerSize: number, out: number): V;

  /** XNNPACK fully connected when both batches are 1 and nothing is transposed; a blocked loop otherwise. */
  _BatchMatMul(...args: [...MatMulOperands, out: number]): V;
  __FusedMatMul(...args: [...MatMulOperands, activation: number, bias: number, prelu: number, leakyAlpha: number, out: number]): V;
  /** XNNPACK convolution (NHWC input, HWIO filter). */
  _Conv2D(
    x: number,
    batch: number,
    inH: number,
    inW: number,
    filter: number,
    ...args: [
      ...FilterWindow,
      isSamePad: number,
      dilationH: number,
      dilationW: number,
      strideH: number,
      strideW: number,
      inC: number,
      outC: number,
      out: number,
    ]
  ): V;
  /**
   * XNNPACK convolution with the bias added in its accumulators (tfjs's
   * FusedConv2D); `activation` 0 is linear (the others clamp, see fused_conv2d.ts).
   */
  _FusedConv2D(
    x: number,
    batch: number,
    inH: number,
    inW: number,
    filter: number,
    fh: number,
    fw: number,
    bias: number,
    ...args: [
      padTop: number,
      padRight: number,
      padBottom: number,
      padLeft: number,
      isSamePad: number,
      dilationH: number,
      dilationW: number,
      strideH: number,
      strideW: number,
      inC: number,
      outC: number,
      activation: number,
      prelu: number,
      leakyAlpha: number,
      out: number,
    ]
  ): V;
  /** XNNPACK max pooling; padded cells never win. */
  _MaxPool(
    x: number,
    ...args: [...PoolWindow, dilationH: number, dilationW: number, strideH: number, strideW: number, inC: number, outC: number, out: number]
  ): V;
  /** XNNPACK average pooling over the real cells of each window. */
  _AvgPool(x: number, ...args: [...PoolWindow, strideH: number, strideW: number, channels: number, out: number]): V;
  /** Gradient of average pooling (a scalar loop); divides by fh·fw. */
  _AvgPoolGrad(dy: number, dx: number, ...geometry: AvgPoolGradGeometry): V;
  /** XNNPACK softmax over rows of `channels`. */
  _Softmax(x: number, out: number, channels: number, batch: number): V;
}

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` (its storage of heap buffers)
 * the runtime uses. Declared here rather than imported so this package's
 * published types do not pull in tfjs's, which need @types/emscripten and
 * long's global types to compile.
 */
export interface TfjsWasmStorage {
  /** The Emscripten module (see WasmModule). */
  readonly wasm: unknown;
  /** Allocate (values null) a buffer of `shape` and `dtype`; returns tfjs's dataId. */
  write(values: null, shape: number[], dtype: DType): object;
  readonly dataIdMap: { get(dataId: object): unknown };
  disposeData(dataId: object, force?: boolean): boolean;
  numDataIds(): number;
}

/** The operands of tfjs's BatchMatMul and _FusedMatMul: ids, int32 shape arrays on the heap, transposes as 0/1. */
type MatMulOperands = [a: number, aShapePtr: number, aRank: number, b: number, bShapePtr: number, bRank: number, transposeA: number, transposeB: number];

/** A filter window and its explicit padding, in the order tfjs's Conv2D, MaxPool and AvgPool take them. */
type FilterWindow = [fh: number, fw: number, padTop: number, padRight: number, padBottom: number, padLeft: number];

/** An NHWC pooling window as tfjs's MaxPool and AvgPool take it, after the input. */
export type PoolWindow = [batch: number, inH: number, inW: number, ...FilterWindow];

/** Geometry as tfjs's AvgPoolGrad takes it, after the buffers (eff: the dilated window; fh, fw: the divisor). */
type AvgPoolGradGeometry = [
  batch: number,
  channels: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  strideH: number,
  strideW: number,
  dilationH: number,
  dilationW: number,
  effFh: number,
  effFw: number,
  padTop: number,
  padLeft: number,
  fh: number,
  fw: number,
];

type BinaryFn = (a: number, aShapePtr: number, aRank: number, b: number, bShapePtr: number, bRank: number, dtype: number, out: number) => V;

/** tfjs's CppDType enum. */
export const CDTYPE: Readonly<Record<DType, number>> = { float32: 0, int32: 1, bool: 2 };

export function bytesPer(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/**
 * A buffer on the wasm heap: the DataId this backend hands to core. It keeps
 * the tfjs dataId (the key of BackendWasm's storage) next to the numbers every
 * C call needs, so a kernel never looks anything up.
 */
export class WasmData {
  constructor(
    /** The dataId object BackendWasm minted (key of its `dataIdMap`). */
    readonly tfDataId: object,
    /** The id the C side knows the buffer by (`register_tensor`). */
    readonly id: number,
    /** Byte offset in the wasm heap. */
    readonly offset: number,
    readonly size: number,
    readonly dtype: DType,
  ) {}

  get byteLength(): number {
    return this.size * bytesPer(this.dtype);
  }
}

/** A buffer seen with a shape (reshapes are free: another shape over the same data). */
export interface Tw {
  readonly data: WasmData;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

const SCRATCH_SLOTS = 8;
const SLOT_INTS = 32;

const MiB = 2 ** 20;
/**
 * Largest the heap may grow: 2 GiB, half of the 4 GiB tfjs-backend-wasm 4.22
 * is built for. Its sbrk does not check for 32-bit overflow: once the break
 * is near 4 GiB, a malloc that needs more memory wraps the break around to
 * address 0 and "succeeds" with a block overlapping live tensors and the
 * allocator's own data (what issue 15 saw as tensors overwritten and the
 * module aborting). dlmalloc never asks sbrk for 2 GiB or more at once, so
 * with the break kept at or below 2 GiB no request can wrap, whoever makes it
 * (our buffers, XNNPACK, the C++ runtime); beyond the cap malloc fails
 * cleanly with 0. The cap is enforced on the module's WebAssembly.Memory
 * (`capHeap`).
 */
export const WASM_HEAP_MAX = 2 ** 31;
/**
 * A block of the heap this large is always left free for the C side's small
 * allocations (C++ containers such as tfjs's tensor registry, XNNPACK
 * operator objects): C++ `new` aborts the whole module when malloc fails, and
 * an aborted module never works again. An allocation that would leave no
 * such block is refused; kernels whose XNNPACK operators need large buffers
 * (packed weights, indirection tables) ask for those first (`reserve`).
 */
export const HEAP_HEADROOM = 16 * MiB;
/** Largest single buffer: half the heap. */
export const MAX_BUFFER_BYTES = 2 ** 30;
/**
 * Growth near the cap can fail although the cap is not reached: the glue
 * grows by up to 96 MiB more than asked (then retries with less, never less
 * than 5% of the heap). Below this distance to the cap growth always works.
 */
const GROWTH_SLACK = 97 * MiB;

/**
 * The heap has no room for a buffer (or a kernel's working memory). Named so
 * that core reports it as a MemoryLimitError naming the op; nothing was
 * written and every stored buffer is intact.
 */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError';
}

/**
 * One loaded tfjs wasm module and the BackendWasm that owns its storage,
 * shared by every WasmBackend instance in the process (kernels keep module-level
 * state such as XNNPACK operator caches, so there is one module, not one per
 * backend). Kernels allocate outputs with `empty`, free temporaries with
 * `free`, and pass small int arrays through `ints` (a fixed scratch area on the
 * heap, so no call allocates on the way in).
 */
export class WasmRuntime {
  readonly m: WasmModule;
  private readonly scratch: number;
  /** tfjs id → "K,N" of buffers XNNPACK has cached as fully-connected weights (see `fcWeightsOk`). */
  private readonly fcShapes = new Map<number, string>();
  /** tfjs id → what to run when that buffer is freed (caches derived from it; see `onFree`). */
  private readonly freeHooks = new Map<number, (() => void)[]>();
  private readonly constants = new Map<string, Tw>();
  /** Buffers allocated by the kernel running now and not freed yet (see `transaction`). */
  private pending: Set<WasmData> | null = null;
  /** Elements of every live buffer by tfjs id (what an XNNPACK call's work is estimated from). */
  private readonly sizes = new Map<number, number>();
  /** Whether small XNNPACK calls run without the pool (see xnn_threadpool.ts). */
  readonly smallCallsInline: boolean;
  /** Gated XNNPACK calls so far, by how they ran (zeros when not gated). */
  readonly xnnCalls: XnnCallCounts = { inline: 0, pooled: 0 };

  constructor(
    readonly tf: TfjsWasmStorage,
    /** Which of tfjs-backend-wasm's three builds is running. */
    readonly binary: 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm',
    /** Threads in XNNPACK's pool (1 unless the threaded build runs). */
    readonly threads: number,
    /** Heap address of tfjs's pthreadpool global, where known (the threaded build in Node). */
    threadpoolAddress: number | null = null,
  ) {
    capHeap(tf.wasm as unknown as RawModule);
    this.m = withWorkspaceChecks(tf.wasm as unknown as WasmModule, this);
    this.smallCallsInline = threads > 1 && threadpoolAddress !== null && isThreadpoolGlobal(this.m, threadpoolAddress, threads);
    if (this.smallCallsInline) this.xnnCalls = runSmallCallsInline(this.m, threadpoolAddress!, (id) => this.sizes.get(id) ?? 0);
    this.scratch = this.m._malloc(SCRATCH_SLOTS * SLOT_INTS * 4);
  }

  /** A fresh, uninitialised buffer of `shape` and `dtype`. */
  empty(shape: readonly number[], dtype: DType): Tw {
    return { data: this.alloc(sizeOfShape(shape), dtype), shape, dtype };
  }

  /**
   * A new buffer on the heap. Throws OutOfMemoryError, touching nothing, when
   * it is too large, when malloc fails (tfjs would write at address 0 over
   * live tensors and the allocator's data), or when it would leave no block
   * of HEAP_HEADROOM for the C side's own allocations.
   */
  alloc(size: number, dtype: DType): WasmData {
    const bytes = size * bytesPer(dtype);
    this.assertBlockSize(bytes, 'a buffer');
    const roomy = this.canGrowBy(bytes);
    const tfId = this.tf.write(null, [size], dtype);
    const entry = this.tf.dataIdMap.get(tfId) as { id: number; memoryOffset: number };
    if (entry.memoryOffset === 0) {
      this.tf.disposeData(tfId, true); // frees nothing (address 0) and unregisters the id
      throw this.noRoom('a buffer', bytes);
    }
    if (!roomy && !this.reserveLeft()) {
      this.tf.disposeData(tfId, true);
      throw this.noRoom('a buffer', bytes);
    }
    const d = new WasmData(tfId, entry.id, entry.memoryOffset, size, dtype);
    this.pending?.add(d);
    this.sizes.set(d.id, size);
    return d;
  }

  free(d: WasmData): void {
    this.pending?.delete(d);
    this.fcShapes.delete(d.id);
    this.sizes.delete(d.id);
    const hooks = this.freeHooks.get(d.id);
    if (hooks) {
      this.freeHooks.delete(d.id);
      for (const h of hooks) h();
    }
    this.tf.disposeData(d.tfDataId, true);
  }

  /**
   * Run `hook` when `d` is freed. Buffers are immutable once written (core's
   * contract), so a cache of something derived from a buffer stays valid until
   * then; the hook drops it (ids are reused after a free).
   */
  onFree(d: WasmData, hook: () => void): void {
    const hooks = this.freeHooks.get(d.id);
    if (hooks) hooks.push(hook);
    else this.freeHooks.set(d.id, [hook]);
  }

  /**
   * A raw heap block of `bytes` outside tfjs's buffers (not a data id: for
   * caches that live as long as a buffer they derive from, freed with
   * `freeBlock`). Throws OutOfMemoryError as `alloc` does.
   */
  allocBlock(bytes: number, what: string): number {
    this.reserve(bytes, what);
    const p = this.m._malloc(bytes);
    if (p === 0) throw this.noRoom(what, bytes);
    return p;
  }

  freeBlock(p: number): void {
    this.m._free(p);
  }

  /**
   * Throw OutOfMemoryError unless a block of `bytes` can be allocated with a
   * block of HEAP_HEADROOM left beside it (for what a C call allocates itself).
   * Costs nothing while the heap can still grow by that much; near the cap it
   * asks malloc and frees the blocks at once.
   */
  reserve(bytes: number, what: string): void {
    this.assertBlockSize(bytes, what);
    if (this.canGrowBy(bytes)) return;
    const p = this.m._malloc(bytes);
    const ok = p !== 0 && this.reserveLeft();
    if (p !== 0) this.m._free(p);
    if (!ok) throw this.noRoom(what, bytes);
  }

  /** Larger requests are never made of this allocator (see WASM_HEAP_MAX). */
  private assertBlockSize(bytes: number, what: string): void {
    if (!(bytes <= MAX_BUFFER_BYTES)) {
      throw new OutOfMemoryError(`wasm backend: ${what} of ${mib(bytes)} is larger than the ${mib(MAX_BUFFER_BYTES)} one block of the heap may take`);
    }
  }

  /** The heap can surely still grow by `bytes` and the reserve. */
  private canGrowBy(bytes: number): boolean {
    return WASM_HEAP_MAX - this.m.HEAPU8.byteLength >= bytes + HEAP_HEADROOM + GROWTH_SLACK;
  }

  /** malloc can still give a block of HEAP_HEADROOM (given back at once). */
  private reserveLeft(): boolean {
    const p = this.m._malloc(HEAP_HEADROOM);
    if (p === 0) return false;
    this.m._free(p);
    return true;
  }

  private noRoom(what: string, bytes: number): OutOfMemoryError {
    return new OutOfMemoryError(
      `wasm backend: no room for ${what} of ${mib(bytes)} while keeping a block of ${mib(HEAP_HEADROOM)} free for the C side's own allocations (${this.heapReport()})`,
    );
  }

  /**
   * Run a kernel; if it throws (out of memory part-way, say), free every
   * buffer it allocated and did not free, its output included, so a failed
   * kernel leaves the heap as it found it.
   */
  transaction(kernel: () => Tw): Tw {
    const outer = this.pending;
    const mine = new Set<WasmData>();
    this.pending = mine;
    try {
      return kernel();
    } catch (e) {
      for (const d of mine) this.free(d);
      throw e;
    } finally {
      this.pending = outer;
    }
  }

  private heapReport(): string {
    return `the heap is ${mib(this.m.HEAPU8.byteLength)} of at most ${mib(WASM_HEAP_MAX)}; ${this.tf.numDataIds()} buffers live`;
  }

  dispose(t: Tw): void {
    this.free(t.data);
  }

  /** Write int32 `values` into scratch slot `slot` (0..7) and return its heap address. */
  ints(slot: number, values: readonly number[]): number {
    if (values.length > SLOT_INTS) throw new Error(`wasm backend: internal: ${values.length} ints do not fit a scratch slot`);
    const ptr = this.scratch + slot * SLOT_INTS * 4;
    const heap = this.m.HEAP32;
    const base = ptr >> 2;
    for (let i = 0; i < values.length; i++) heap[base + i] = values[i]!;
    return ptr;
  }

  /** A live view of a buffer (invalid after anything that may grow the heap: take it right before use). */
  view(d: WasmData): TypedArray {
    switch (d.dtype) {
      case 'float32':
        return new Float32Array(this.m.HEAPU8.buffer, d.offset, d.size);
      case 'int32':
        return new Int32Array(this.m.HEAPU8.buffer, d.offset, d.size);
      case 'bool':
        return new Uint8Array(this.m.HEAPU8.buffer, d.offset, d.size);
    }
  }

  f32(d: WasmData): Float32Array {
    return new Float32Array(this.m.HEAPU8.buffer, d.offset, d.size);
  }

  /** Copy `count` elements from `src[srcStart..]` to `dst[dstStart..]` inside the heap (memmove, no JS copy). */
  copy(src: WasmData, srcStart: number, dst: WasmData, dstStart: number, count: number): void {
    const bpe = bytesPer(src.dtype);
    const s = src.offset + srcStart * bpe;
    this.m.HEAPU8.copyWithin(dst.offset + dstStart * bpe, s, s + count * bpe);
  }

  /** A copy of `t` in a new buffer. */
  clone(t: Tw): Tw {
    const out = this.empty(t.shape, t.dtype);
    this.copy(t.data, 0, out.data, 0, t.data.size);
    return out;
  }

  /** A shared scalar constant (never freed; do not dispose). */
  constant(value: number, dtype: DType): Tw {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    let c = this.constants.get(key);
    if (!c) {
      // Kept for good: not part of the kernel that first asked for it.
      const outer = this.pending;
      this.pending = null;
      try {
        c = this.scalar(value, dtype);
      } finally {
        this.pending = outer;
      }
      this.constants.set(key, c);
    }
    return c;
  }

  /** A scalar constant buffer (caller frees). */
  scalar(value: number, dtype: DType): Tw {
    const out = this.empty([], dtype);
    this.view(out.data)[0] = value;
    return out;
  }

  /**
   * XNNPACK caches a fully-connected operator (with the weights packed) per
   * weights buffer id, whatever shape the weights are later seen with. Core's
   * reshape shares buffers, so the same buffer can come back as weights of
   * another shape; this returns whether `b` may be used as weights as `[K, N]`,
   * recording the shape on first use.
   */
  fcWeightsOk(b: WasmData, k: number, n: number): boolean {
    const key = `${k},${n}`;
    const seen = this.fcShapes.get(b.id);
    if (seen === undefined) {
      this.fcShapes.set(b.id, key);
      return true;
    }
    return seen === key;
  }

  /** Buffers BackendWasm holds (ours plus any temporaries; flat across steps when nothing leaks). */
  tfjsDataIds(): number {
    return this.tf.numDataIds();
  }

  heapBytes(): number {
    return this.m.HEAPU8.byteLength;
  }
}

/** 4 B, 1.5 KiB, 256 MiB, 3.97 GiB. */
function mib(bytes: number): string {
  const [unit, scale] = bytes >= 2 ** 30 ? ['GiB', 2 ** 30] : bytes >= MiB ? ['MiB', MiB] : bytes >= 1024 ? ['KiB', 1024] : ['B', 1];
  return `${Number((bytes / scale).toPrecision(3))} ${unit}`;
}

/**
 * The module, seen through an object whose XNNPACK-backed entry points first
 * make sure the heap has room for what the C call allocates itself (packed
 * weights, indirection buffers); everything else (heap views, malloc, other
 * kernels) is read through to the module. The estimates are generous upper
 * bounds: XNNPACK's indirection buffers hold one pointer per output pixel and
 * filter tap (rows padded to a tile), packed weights are the filter padded to
 * channel tiles.
 */
function withWorkspaceChecks(raw: WasmModule, rt: WasmRuntime): WasmModule {
  const m = Object.create(raw) as WasmModule;
  const ptrTable = (batch: number, outH: number, outW: number, fh: number, fw: number): number => 4 * batch * outH * (outW + 16) * fh * fw;
  const outSize = (inSize: number, f: number, stride: number, dilation: number, before: number, after: number): number =>
    Math.max(0, Math.floor((inSize + before + after - ((f - 1) * dilation + 1)) / stride) + 1);
  m._Conv2D = (x, batch, inH, inW, filter, fh, fw, pt, pr, pb, pl, same, dh, dw, sh, sw, inC, outC, out) => {
    const outH = outSize(inH, fh, sh, dh, pt, pb);
    const outW = outSize(inW, fw, sw, dw, pl, pr);
    rt.reserve(4 * fh * fw * (inC + 4) * (outC + 16) * 1.1 + ptrTable(batch, outH, outW, fh, fw), 'XNNPACK convolution memory');
    return raw._Conv2D(x, batch, inH, inW, filter, fh, fw, pt, pr, pb, pl, same, dh, dw, sh, sw, inC, outC, out);
  };
  m._FusedConv2D = (x, batch, inH, inW, filter, fh, fw, bias, pt, pr, pb, pl, same, dh, dw, sh, sw, inC, outC, ...rest) => {
    const outH = outSize(inH, fh, sh, dh, pt, pb);
    const outW = outSize(inW, fw, sw, dw, pl, pr);
    rt.reserve(4 * fh * fw * (inC + 4) * (outC + 16) * 1.1 + ptrTable(batch, outH, outW, fh, fw), 'XNNPACK convolution memory');
    return raw._FusedConv2D(x, batch, inH, inW, filter, fh, fw, bias, pt, pr, pb, pl, same, dh, dw, sh, sw, inC, outC, ...rest);
  };
  m._MaxPool = (x, ...args) => {
    const [batch, inH, inW, fh, fw, pt, pr, pb, pl, dh, dw, sh, sw] = args;
    rt.reserve(ptrTable(batch, outSize(inH, fh, sh, dh, pt, pb), outSize(inW, fw, sw, dw, pl, pr), fh, fw), 'XNNPACK pooling memory');
    return raw._MaxPool(x, ...args);
  };
  m._AvgPool = (x, ...args) => {
    const [batch, inH, inW, fh, fw, pt, pr, pb, pl, sh, sw, channels] = args;
    rt.reserve(ptrTable(batch, outSize(inH, fh, sh, 1, pt, pb), outSize(inW, fw, sw, 1, pl, pr), fh, fw) + 4 * channels, 'XNNPACK pooling memory');
    return raw._AvgPool(x, ...args);
  };
  // Fully connected (both batches 1): XNNPACK packs the [K, N] weights, padded to tiles, plus the bias.
  const packed = (bShapePtr: number, bRank: number): number => {
    const shape = Array.from(raw.HEAP32.subarray(bShapePtr >> 2, (bShapePtr >> 2) + bRank));
    const k = shape[bRank - 2] ?? 1;
    const n = shape[bRank - 1] ?? 1;
    return 4 * (k + 4) * (n + 16) * 1.1 + 4 * (n + 16);
  };
  m._BatchMatMul = (...args) => {
    rt.reserve(packed(args[4], args[5]), 'XNNPACK fully-connected weights');
    return raw._BatchMatMul(...args);
  };
  m.__FusedMatMul = (...args) => {
    rt.reserve(packed(args[4], args[5]), 'XNNPACK fully-connected weights');
    return raw.__FusedMatMul(...args);
  };
  return m;
}

interface RawModule {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

const capped = new WeakSet<WebAssembly.Memory>();

/**
 * Keep the module's memory at or below WASM_HEAP_MAX: its `grow` (which the
 * Emscripten glue calls to enlarge the heap, and turns a throw into a failed
 * malloc) refuses to go past the cap. Set on this one Memory object only.
 */
function capHeap(raw: RawModule): void {
  const memory = raw.asm?.memory ?? raw.wasmMemory;
  if (!memory) throw new Error('wasm backend: internal: the tfjs wasm module does not expose its memory, so its heap cannot be capped');
  if (capped.has(memory)) return;
  if (memory.buffer.byteLength > WASM_HEAP_MAX)
    throw new Error(`wasm backend: internal: the heap is already ${mib(memory.buffer.byteLength)}, above the ${mib(WASM_HEAP_MAX)} cap`);
  const grow = memory.grow.bind(memory);
  Object.defineProperty(memory, 'grow', {
    value: (pages: number): number => {
      if (memory.buffer.byteLength + pages * 65536 > WASM_HEAP_MAX) {
        throw new RangeError(`wasm backend: the heap may not grow past ${mib(WASM_HEAP_MAX)}`);
      }
      return grow(pages);
    },
  });
  capped.add(memory);
}
