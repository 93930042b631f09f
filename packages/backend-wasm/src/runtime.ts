import { sizeOfShape, type DType, type TypedArray } from '@polytensor/core';

type V = void;

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
    indices: number, updates: number, dtype: number, sliceRank: number, numUpdates: number, sliceSize: number,
    stridesPtr: number, outputSize: number, out: number,
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
  _BatchMatMul(
    a: number, aShapePtr: number, aRank: number, b: number, bShapePtr: number, bRank: number,
    transposeA: number, transposeB: number, out: number,
  ): V;
  __FusedMatMul(
    a: number, aShapePtr: number, aRank: number, b: number, bShapePtr: number, bRank: number,
    transposeA: number, transposeB: number, activation: number, bias: number, prelu: number, leakyAlpha: number, out: number,
  ): V;
  /** XNNPACK convolution (NHWC input, HWIO filter). */
  _Conv2D(
    x: number, batch: number, inH: number, inW: number, filter: number, fh: number, fw: number,
    padTop: number, padRight: number, padBottom: number, padLeft: number, isSamePad: number,
    dilationH: number, dilationW: number, strideH: number, strideW: number, inC: number, outC: number, out: number,
  ): V;
  _MaxPool(
    x: number, batch: number, inH: number, inW: number, fh: number, fw: number,
    padTop: number, padRight: number, padBottom: number, padLeft: number,
    dilationH: number, dilationW: number, strideH: number, strideW: number, inC: number, outC: number, out: number,
  ): V;
  _AvgPool(
    x: number, batch: number, inH: number, inW: number, fh: number, fw: number,
    padTop: number, padRight: number, padBottom: number, padLeft: number, strideH: number, strideW: number, channels: number, out: number,
  ): V;
  _MaxPoolGrad(
    x: number, dy: number, dx: number, batch: number, channels: number, inH: number, inW: number, outH: number, outW: number,
    strideH: number, strideW: number, dilationH: number, dilationW: number, effFh: number, effFw: number, padTop: number, padLeft: number,
  ): V;
  _AvgPoolGrad(
    dy: number, dx: number, batch: number, channels: number, inH: number, inW: number, outH: number, outW: number,
    strideH: number, strideW: number, dilationH: number, dilationW: number, effFh: number, effFw: number, padTop: number, padLeft: number,
    fh: number, fw: number,
  ): V;
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
  private readonly constants = new Map<string, Tw>();

  constructor(
    readonly tf: TfjsWasmStorage,
    /** Which of tfjs-backend-wasm's three builds is running. */
    readonly binary: 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm',
    /** Threads in XNNPACK's pool (1 unless the threaded build runs). */
    readonly threads: number,
  ) {
    this.m = tf.wasm as unknown as WasmModule;
    this.scratch = this.m._malloc(SCRATCH_SLOTS * SLOT_INTS * 4);
  }

  /** A fresh, uninitialised buffer of `shape` and `dtype`. */
  empty(shape: readonly number[], dtype: DType): Tw {
    return { data: this.alloc(sizeOfShape(shape), dtype), shape, dtype };
  }

  alloc(size: number, dtype: DType): WasmData {
    const tfId = this.tf.write(null, [size], dtype);
    const entry = this.tf.dataIdMap.get(tfId) as { id: number; memoryOffset: number };
    return new WasmData(tfId, entry.id, entry.memoryOffset, size, dtype);
  }

  free(d: WasmData): void {
    this.fcShapes.delete(d.id);
    this.tf.disposeData(d.tfDataId, true);
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
      c = this.scalar(value, dtype);
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
