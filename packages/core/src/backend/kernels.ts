import type { DType, TensorInfo } from './types.js';

/** Elementwise unary kernels. Output dtype follows `unaryOutputDType`. */
export const UNARY_OPS = [
  'neg',
  'abs',
  'sign',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'relu',
  'sigmoid',
  'tanh',
  'elu',
  'softplus',
  'sin',
  'cos',
  'floor',
  'ceil',
  'round',
  'logicalNot',
  'isNaN',
  'isInf',
  'isFinite',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** The binary kernels whose result is bool: comparisons and logical ops. */
export const COMPARISON_OPS = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'logicalAnd', 'logicalOr'] as const;

/** Elementwise binary kernels with NumPy broadcasting. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'squaredDifference', ...COMPARISON_OPS] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export const REDUCE_OPS = ['sum', 'max', 'min', 'prod'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export type ArgReduceOp = 'argMax' | 'argMin';

/** The activations whose gradient is one optional kernel (unaryGrad): the LSTM and GRU gates' nonlinearities. */
export const UNARY_GRAD_OPS = ['sigmoid', 'tanh'] as const;
export type UnaryGradOp = (typeof UNARY_GRAD_OPS)[number];

/**
 * Fully resolved 2-D convolution / pooling geometry (NHWC input, HWIO filter).
 * Core computes it once (`computeConv2DInfo` / `computePool2DInfo`) so every
 * backend sees the same explicit numbers and never re-derives padding.
 */
export interface Conv2DInfo {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  inShape: [number, number, number, number];
  outShape: [number, number, number, number];
  filterShape: [number, number, number, number];
}

/**
 * Where one random op's numbers lie in core's Philox4x32-10 generator
 * (random/philox.ts): the seed's two key words and the op's stream word.
 */
export interface PhiloxKey {
  readonly k0: number;
  readonly k1: number;
  readonly stream: number;
}

/** Inverted dropout's scaled mask: `scale` where the float32 uniform is ≥ `threshold`, else 0 (both float32 values). */
export interface DropoutMaskSpec {
  readonly threshold: number;
  readonly scale: number;
}

/** Activations a fused kernel may apply after its linear part. */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/**
 * Every kernel, by name, with its positional arguments. A backend implements
 * the primitives (`PRIMITIVE_KERNELS` in kernels/table.ts) and may implement
 * any other kernel for speed; core's composite stands in for the rest. Every
 * kernel receives validated inputs (core checked shapes and dtypes) and
 * returns a freshly allocated output that the caller owns; inputs are never
 * modified. Output shapes and dtypes are the table's `output` rules; core
 * checks them.
 */
export interface Kernels {
  /**
   * Elementwise `op(x)`; x.dtype is one of `UNARY_INPUT_DTYPES[op]`.
   * Output dtype: `unaryOutputDType(op, x.dtype)`. Semantics the reference pins:
   * `round` is half-to-even; `sign(±0)` = ±0 and sign(NaN) = NaN; `relu(x)` is x
   * for x > 0, NaN for NaN, +0 otherwise; `abs(-0)` = +0; `neg(+0)` = -0;
   * `elu(x)` = x > 0 ? x : expm1(x); `softplus(x)` = log1p(exp(-|x|)) + max(x, 0).
   */
  unary(op: UnaryOp, x: TensorInfo): TensorInfo;
  /**
   * Elementwise `op(a, b)` with NumPy broadcasting to `outShape`.
   * a and b have the same dtype, one of `BINARY_INPUT_DTYPES[op]`.
   * Output dtype: `binaryOutputDType(op, a.dtype)` (comparisons and logical ops give bool).
   * int32 add/sub/mul wrap modulo 2^32.
   */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo;
  /** `condition ? a : b` elementwise; all three broadcast to `outShape`; condition is bool. */
  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: readonly number[]): TensorInfo;
  /** Convert dtype. float→int truncates toward zero; →bool is `x != 0` (NaN → true). */
  cast(x: TensorInfo, dtype: DType): TensorInfo;

  /**
   * Reduce over `axes` (sorted, unique, non-empty). The output shape is x.shape
   * without those axes (keepDims is a reshape in core). Empty reductions give the
   * identity: sum 0, prod 1, max -Infinity, min +Infinity. max/min propagate NaN
   * (anywhere in a row, however long). A float32 prod must not over- or
   * underflow on the way when the result does not (3e38 · 10 · 1e-30 = 3e9):
   * multiply in double or track the exponent.
   * Output dtype: x.dtype (bool sums are not sent; core casts first).
   */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo;
  /** Index (int32) of the first max/min along `axis`; NaN counts as the extreme. Output drops `axis`. */
  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo;

  /** Permute axes: output dim i is input dim perm[i]. */
  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo;
  /** Contiguous slice: `size[i]` elements from `begin[i]` on every axis. */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo;
  /** Join along `axis`; all inputs share dtype and every other dim. */
  concat(xs: readonly TensorInfo[], axis: number): TensorInfo;
  /** Constant padding: `paddings[i] = [before, after]` for each axis. */
  pad(x: TensorInfo, paddings: ReadonlyArray<readonly [number, number]>, value: number): TensorInfo;
  /**
   * Take slices along `axis` at `indices` (int32, any shape, each in [0, x.shape[axis])).
   * Output shape: x.shape[:axis] + indices.shape + x.shape[axis+1:].
   */
  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo;
  /**
   * The adjoint of gather: zeros of `outShape`, then `updates` slices added at
   * `indices` along `axis` (repeated indices accumulate). updates has the shape
   * gather would produce. Output dtype: updates.dtype.
   */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, outShape: readonly number[]): TensorInfo;
  /** indices (int32, any shape) → float32 of shape [...indices.shape, depth]; out-of-range rows are all `offValue`. */
  oneHot(indices: TensorInfo, depth: number, onValue: number, offValue: number): TensorInfo;

  /**
   * Batched matrix product. a: [B|1, M, K] (or [B|1, K, M] with transposeA),
   * b: [B|1, K, N] (or [B|1, N, K] with transposeB); a batch of 1 broadcasts
   * (NumPy rule, so batches 1 and 0 give 0). Output: [Ba === 1 ? Bb : Ba, M, N], float32.
   */
  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo;

  /** NHWC conv, filter [fh, fw, inC, outC]. Output `info.outShape`. */
  conv2d(x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo;
  /** Gradient w.r.t. the input: dy `info.outShape` → `info.inShape`. */
  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo;
  /** Gradient w.r.t. the filter: (x, dy) → `info.filterShape`. */
  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo;

  /**
   * Pooling windows use `info` with filterShape [fh, fw, C, C]; padded cells are
   * ignored (max over real cells; average divides by the count of real cells).
   * A NaN in a window makes its max NaN; the average follows IEEE sums (NaN, or
   * +Infinity with −Infinity, gives NaN).
   */
  maxPool(x: TensorInfo, info: Conv2DInfo): TensorInfo;
  /** dy routed to the first max of each window (row-major order), summed where windows overlap. */
  maxPoolGrad(dy: TensorInfo, x: TensorInfo, info: Conv2DInfo): TensorInfo;
  avgPool(x: TensorInfo, info: Conv2DInfo): TensorInfo;
  avgPoolGrad(dy: TensorInfo, info: Conv2DInfo): TensorInfo;

  /** Numerically stable softmax over the last axis. */
  softmax(logits: TensorInfo): TensorInfo;
  /**
   * Numerically stable log-softmax over the last axis, accurate relative to
   * outputs near 0 (a dominant max): log S as log1p of the sum without the
   * max's term, not log of a float32 S.
   */
  logSoftmax(logits: TensorInfo): TensorInfo;

  /** act(a·b + bias); a: [M,K], b: [K,N] (transposes as in matMul, rank 2 only), bias: [N]. */
  fusedMatMul(a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, transposeA: boolean, transposeB: boolean): TensorInfo;
  /**
   * act(conv2d(x, filter) + bias): geometry as in `conv2d`, bias [outC] or null.
   * Output `info.outShape`. Same bound as fusedMatMul with K = fh·fw·inC.
   */
  fusedConv2d(x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, info: Conv2DInfo): TensorInfo;
  /**
   * Softmax cross-entropy from logits, per row: logits and labels are float32 of
   * the same shape [..., C] (C ≥ 1; labels one-hot or any soft weights);
   * output [...] (the last axis dropped) = Σ_c labels[c] · −logSoftmax(logits)[c].
   */
  softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo): TensorInfo;
  /**
   * Uniform float32 draws of core's generator, no inputs: element i takes the
   * Philox4x32-10 block of counter (i mod 2^32, 0, key.stream, ⌊i / 2^32⌋)
   * under key (key.k0, key.k1), u = ((w0 >>> 5)·2^26 + (w1 >>> 6)) / 2^53, and
   * f = u rounded to float32 (to nearest, ties to even), with f = 1 replaced by
   * 0. Without `dropout` the element is f; with it, `dropout.scale` where
   * f ≥ `dropout.threshold`, else 0. Output float32 `shape`. Exact: the values
   * are those of the host stream, bit for bit, on every backend (a GPU does
   * the 53-bit → float32 rounding in integers).
   */
  philoxUniform(shape: readonly number[], key: PhiloxKey, dropout: DropoutMaskSpec | null): TensorInfo;
  /**
   * dy · op′(x) for the gradient of unary `op`, from forms that keep their
   * digits where the output saturates: sigmoid′(x) = y·σ(−x) with y = σ(x)
   * the forward's output, tanh′(x) = 4·σ(2x)·σ(−2x) (y unused). x, y and dy are
   * float32 of one shape; output float32 of that shape. One pass where core's
   * composite runs four (sigmoid) or seven (tanh) kernels.
   */
  unaryGrad(op: UnaryGradOp, x: TensorInfo, y: TensorInfo, dy: TensorInfo): TensorInfo;
}

/** A kernel's name. */
export type KernelName = keyof Kernels;
/** A kernel's positional arguments. */
export type KernelArgs<K extends KernelName> = Parameters<Kernels[K]>;

/**
 * The optional optimizer capability: a backend that updates variables in one
 * pass per variable (instead of core's composite of elementwise kernels).
 */
export interface OptimizerCapability {
  /**
   * One optimizer step for one float32 variable: returns the variable's new
   * value, then the new value of each slot in `slots` order (see
   * `OptimizerUpdate`), each freshly allocated with `value`'s shape. `grad` and
   * every slot have `value`'s shape. The result must be bit-identical to core's
   * composite update, in which every operation is one correctly rounded float32
   * op and every hyperparameter a float32 scalar.
   */
  optimizerUpdate(update: OptimizerUpdate, value: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): TensorInfo[];
}

/**
 * A fused optimizer step: the rule and its hyperparameters, each already a
 * float32 value (core rounds them with Math.fround, as the composite's scalar
 * operands are rounded). Each formula below is evaluated op by op, rounding
 * every intermediate to float32 (fr = round to float32; g = grad):
 *
 * - sgd (slots: none): value − fr(g·lr)
 * - momentum (slots: [accum]): a' = fr(fr(accum·momentum) + g);
 *   step = nesterov ? fr(g + fr(a'·momentum)) : a'; value' = fr(value − fr(step·lr))
 * - adam (slots: [m, v]): m' = fr(fr(m·beta1) + fr(g·oneMinusBeta1));
 *   v' = fr(fr(v·beta2) + fr(fr(g·g)·oneMinusBeta2));
 *   value' = fr(value − fr(fr(m' / fr(fr(√v') + epsilon))·alpha))
 * - rmsprop (slots: [rms, mg if centered, mom if momentum > 0]):
 *   rms' = fr(fr(rms·rho) + fr(fr(g·g)·oneMinusRho)); mg' = fr(fr(mg·rho) + fr(g·oneMinusRho));
 *   denom = fr((centered ? fr(rms' − fr(mg'·mg')) : rms') + epsilon);
 *   inc = fr(fr(g / fr(√denom))·lr); mom' = fr(fr(mom·momentum) + inc);
 *   value' = fr(value − (momentum > 0 ? mom' : inc))
 * - adagrad (slots: [accumulator]): acc' = fr(acc + fr(g·g));
 *   value' = fr(value − fr(fr(g / fr(√fr(acc' + epsilon)))·lr))
 */
export type OptimizerUpdate =
  | { readonly kind: 'sgd'; readonly lr: number }
  | { readonly kind: 'momentum'; readonly lr: number; readonly momentum: number; readonly nesterov: boolean }
  | {
      readonly kind: 'adam';
      readonly alpha: number;
      readonly beta1: number;
      readonly oneMinusBeta1: number;
      readonly beta2: number;
      readonly oneMinusBeta2: number;
      readonly epsilon: number;
    }
  | {
      readonly kind: 'rmsprop';
      readonly lr: number;
      readonly rho: number;
      readonly oneMinusRho: number;
      readonly momentum: number;
      readonly epsilon: number;
      readonly centered: boolean;
    }
  | { readonly kind: 'adagrad'; readonly lr: number; readonly epsilon: number };

export function unaryOutputDType(op: UnaryOp, dtype: DType): DType {
  switch (op) {
    case 'logicalNot':
    case 'isNaN':
    case 'isInf':
    case 'isFinite':
      return 'bool';
    default:
      return dtype;
  }
}

const COMPARISONS: ReadonlySet<BinaryOp> = new Set(COMPARISON_OPS);

export function binaryOutputDType(op: BinaryOp, dtype: DType): DType {
  return COMPARISONS.has(op) ? 'bool' : dtype;
}

const F: readonly DType[] = ['float32'];
const FI: readonly DType[] = ['float32', 'int32'];
const ANY: readonly DType[] = ['float32', 'int32', 'bool'];
const B: readonly DType[] = ['bool'];

/** Input dtypes each unary kernel accepts. Core casts or rejects anything else before a backend sees it. */
export const UNARY_INPUT_DTYPES: Readonly<Record<UnaryOp, readonly DType[]>> = {
  neg: FI,
  abs: FI,
  sign: FI,
  square: FI,
  relu: FI,
  exp: F,
  expm1: F,
  log: F,
  log1p: F,
  sqrt: F,
  rsqrt: F,
  reciprocal: F,
  sigmoid: F,
  tanh: F,
  elu: F,
  softplus: F,
  sin: F,
  cos: F,
  floor: F,
  ceil: F,
  round: F,
  isNaN: F,
  isInf: F,
  isFinite: F,
  logicalNot: B,
};

/** Input dtypes each binary kernel accepts (both operands share one dtype). */
export const BINARY_INPUT_DTYPES: Readonly<Record<BinaryOp, readonly DType[]>> = {
  add: FI,
  sub: FI,
  mul: FI,
  div: F,
  pow: F,
  maximum: FI,
  minimum: FI,
  squaredDifference: FI,
  equal: ANY,
  notEqual: ANY,
  less: ANY,
  lessEqual: ANY,
  greater: ANY,
  greaterEqual: ANY,
  logicalAnd: B,
  logicalOr: B,
};

/** Input dtypes each reduction accepts. */
export const REDUCE_INPUT_DTYPES: Readonly<Record<ReduceOp, readonly DType[]>> = { sum: FI, prod: FI, max: FI, min: FI };
