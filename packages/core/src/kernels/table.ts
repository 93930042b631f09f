/**
 * The kernel table: every kernel core can dispatch, with its kind (a primitive
 * every backend implements, or optional with a composite in core), what it
 * does, the output rule the engine checks results against, the name errors
 * and the tape use, and the conformance tolerance of each of its ops. The
 * backend contract (defineBackend's types), the engine's dispatch, the
 * conformance suite (a type error for a kernel without cases) and the
 * generated reference (docs/kernels.md) all come from here. Gradients are keyed
 * by the same names in ../grad/rules.ts.
 */
import type { ArgReduceOp, BinaryOp, KernelArgs, KernelName, ReduceOp, UnaryOp } from '../backend/kernels.js';
import { binaryOutputDType, unaryOutputDType } from '../backend/kernels.js';
import type { DType, TensorInfo } from '../backend/types.js';
import { argReduce } from './composites/arg_reduce.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './composites/conv2d.js';
import { fusedConv2d, fusedMatMul, softmaxCrossEntropy } from './composites/fused.js';
import { oneHot } from './composites/one_hot.js';
import { pad } from './composites/pad.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './composites/pool.js';
import { philoxUniform } from './composites/philox_uniform.js';
import { logSoftmax, softmax } from './composites/softmax.js';
import { unaryGrad } from './composites/unary_grad.js';
import type { KernelContext } from './temps.js';
import { accumulation, correctlyRounded, exact, product, softmaxClass, ulp, type Tolerance } from './tolerance.js';

/** The kernels every backend implements; every other kernel has a composite of these. */
export const PRIMITIVE_KERNELS = [
  'unary',
  'binary',
  'where',
  'cast',
  'reduce',
  'transpose',
  'slice',
  'concat',
  'gather',
  'scatterAdd',
  'matMul',
] as const satisfies readonly KernelName[];
export type PrimitiveKernel = (typeof PRIMITIVE_KERNELS)[number];
export type OptionalKernel = Exclude<KernelName, PrimitiveKernel>;

/** The tolerance of each op a kernel computes: per sub-op for the op-parameterised kernels. */
export type KernelTolerance<K extends KernelName> = K extends 'unary'
  ? Readonly<Record<UnaryOp, Tolerance>>
  : K extends 'binary'
    ? Readonly<Record<BinaryOp, Tolerance>>
    : K extends 'reduce'
      ? Readonly<Record<ReduceOp, Tolerance>>
      : K extends 'argReduce'
        ? Readonly<Record<ArgReduceOp, Tolerance>>
        : Tolerance;

interface SpecBase<K extends KernelName> {
  /** One line: what the kernel computes. */
  readonly doc: string;
  /** Output shape and dtype of a call with (validated) arguments. */
  readonly output: (...args: KernelArgs<K>) => { readonly shape: readonly number[]; readonly dtype: DType };
  /** The op name errors and the tape report ('exp' for unary('exp', x)); the kernel's name by default. */
  readonly label?: (...args: KernelArgs<K>) => string;
  readonly tolerance: KernelTolerance<K>;
}

export interface PrimitiveSpec<K extends KernelName> extends SpecBase<K> {
  readonly kind: 'primitive';
}

export interface OptionalSpec<K extends KernelName> extends SpecBase<K> {
  readonly kind: 'optional';
  /** Core's implementation from other kernels, used when a backend has none. */
  readonly composite: (k: KernelContext, ...args: KernelArgs<K>) => TensorInfo;
}

export type KernelSpec<K extends KernelName> = K extends PrimitiveKernel ? PrimitiveSpec<K> : OptionalSpec<K>;

const same = (x: TensorInfo, dtype: DType = x.dtype) => ({ shape: x.shape, dtype });
const f32 = (shape: readonly number[]) => ({ shape, dtype: 'float32' as const });
const firstArg = (op: string): string => op;
const trig = (name: string) => ulp(3, '[-32, 32]', 2 ** -14, `${name} is ill-conditioned near its zeros: below 2^-14 measured in ULPs of 2^-14`);

export const KERNELS: { readonly [K in KernelName]: KernelSpec<K> } = {
  unary: {
    kind: 'primitive',
    doc: 'Elementwise op(x): neg, abs, sign, exp, expm1, log, log1p, sqrt, rsqrt, square, reciprocal, relu, sigmoid, tanh, elu, softplus, sin, cos, floor, ceil, round, logicalNot, isNaN, isInf, isFinite.',
    output: (op, x) => same(x, unaryOutputDType(op, x.dtype)),
    label: firstArg,
    tolerance: {
      neg: exact(true, 'neg(+0) = -0'),
      abs: exact(true, 'abs(-0) = +0'),
      sign: exact(true, 'sign(±0) = ±0, sign(NaN) = NaN'),
      relu: exact(true, 'relu(-0) = +0, relu(NaN) = NaN'),
      floor: exact(),
      ceil: exact(),
      round: exact(false, 'half to even'),
      logicalNot: exact(),
      isNaN: exact(),
      isInf: exact(),
      isFinite: exact(),
      sqrt: correctlyRounded,
      square: correctlyRounded,
      reciprocal: correctlyRounded,
      exp: ulp(2, '[-87, 88] and ±Inf, NaN'),
      expm1: ulp(2, '[-87, 88], tiny |x|'),
      log: ulp(2, '(0, FLT_MAX], subnormals, 0, <0'),
      log1p: ulp(2, '(-1, 1e30], tiny |x|'),
      rsqrt: ulp(2, '(0, FLT_MAX]'),
      sigmoid: ulp(3, '[-80, 80]'),
      tanh: ulp(3, '[-20, 20], tiny |x|'),
      elu: ulp(3, '[-30, 30]'),
      softplus: ulp(3, '[-80, 80]'),
      sin: trig('sin'),
      cos: trig('cos'),
    },
  },
  binary: {
    kind: 'primitive',
    doc: 'Elementwise op(a, b) with NumPy broadcasting: add, sub, mul, div, pow, maximum, minimum, squaredDifference, comparisons, logicalAnd/Or.',
    output: (op, a, _b, outShape) => ({ shape: outShape, dtype: binaryOutputDType(op, a.dtype) }),
    label: firstArg,
    tolerance: {
      add: correctlyRounded,
      sub: correctlyRounded,
      mul: correctlyRounded,
      div: correctlyRounded,
      pow: ulp(4, 'x in [2^-4, 16], y in [-6, 6]; results normal'),
      squaredDifference: ulp(3, 'float32: ±[2^-8, 2^8]', 2 ** -126, 'two roundings (a−b, then square) allowed; int32 exact'),
      maximum: exact(false, 'NaN propagates'),
      minimum: exact(false, 'NaN propagates'),
      equal: exact(),
      notEqual: exact(),
      less: exact(),
      lessEqual: exact(),
      greater: exact(),
      greaterEqual: exact(),
      logicalAnd: exact(),
      logicalOr: exact(),
    },
  },
  where: {
    kind: 'primitive',
    doc: 'condition ? a : b elementwise, all three broadcast to outShape; condition is bool.',
    output: (_c, a, _b, outShape) => ({ shape: outShape, dtype: a.dtype }),
    tolerance: exact(true),
  },
  cast: {
    kind: 'primitive',
    doc: 'Convert dtype: float→int truncates toward zero; →bool is x != 0 (NaN → true).',
    output: (x, dtype) => same(x, dtype),
    tolerance: exact(true, 'float→int truncates; →bool is x != 0'),
  },
  reduce: {
    kind: 'primitive',
    doc: 'sum, prod, max or min over sorted, unique axes (dropped from the shape); empty reductions give the identity; max/min propagate NaN.',
    output: (_op, x, axes) => ({ shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype }),
    label: firstArg,
    tolerance: {
      sum: accumulation('int32 exact (wraps)'),
      prod: product('relative: γ_n·|ref|; int32 exact (wraps)'),
      max: exact(false, 'NaN propagates'),
      min: exact(false, 'NaN propagates'),
    },
  },
  argReduce: {
    kind: 'optional',
    doc: 'Index (int32) of the first max/min along an axis; NaN counts as the extreme.',
    output: (_op, x, axis) => ({ shape: x.shape.filter((_, i) => i !== axis), dtype: 'int32' }),
    label: firstArg,
    composite: argReduce,
    tolerance: { argMax: exact(false, 'first index; NaN is the max'), argMin: exact(false, 'first index; NaN is the min') },
  },
  transpose: {
    kind: 'primitive',
    doc: 'Permute axes: output dim i is input dim perm[i].',
    output: (x, perm) => ({ shape: perm.map((p) => x.shape[p]!), dtype: x.dtype }),
    tolerance: exact(true),
  },
  slice: {
    kind: 'primitive',
    doc: 'Contiguous slice: size[i] elements from begin[i] on every axis.',
    output: (x, _begin, size) => ({ shape: size, dtype: x.dtype }),
    tolerance: exact(true),
  },
  concat: {
    kind: 'primitive',
    doc: 'Join along an axis; all inputs share the dtype and every other dim.',
    output: (xs, axis) => ({ shape: xs[0]!.shape.map((d, i) => (i === axis ? xs.reduce((s, x) => s + x.shape[axis]!, 0) : d)), dtype: xs[0]!.dtype }),
    tolerance: exact(true),
  },
  pad: {
    kind: 'optional',
    doc: 'Constant padding: paddings[i] = [before, after] for each axis.',
    output: (x, paddings) => ({ shape: x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]), dtype: x.dtype }),
    composite: pad,
    tolerance: exact(true),
  },
  gather: {
    kind: 'primitive',
    doc: 'Slices along an axis at int32 indices: x.shape[:axis] + indices.shape + x.shape[axis+1:].',
    output: (x, indices, axis) => ({ shape: [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], dtype: x.dtype }),
    tolerance: exact(true),
  },
  scatterAdd: {
    kind: 'primitive',
    doc: "The adjoint of gather: zeros of outShape with the updates' slices added at the indices (repeats accumulate).",
    output: (updates, _indices, _axis, outShape) => ({ shape: outShape, dtype: updates.dtype }),
    tolerance: accumulation('int32 exact (wraps)'),
  },
  oneHot: {
    kind: 'optional',
    doc: 'int32 indices → float32 [..., depth]: onValue at the index, offValue elsewhere; out-of-range rows all offValue.',
    output: (indices, depth) => f32([...indices.shape, depth]),
    composite: oneHot,
    tolerance: exact(true, 'out-of-range rows are all offValue'),
  },
  matMul: {
    kind: 'primitive',
    doc: 'Batched matrix product of rank-3 operands [B|1, M, K]·[B|1, K, N] (transposes on the last two axes); a batch of 1 broadcasts.',
    output: (a, b, tA, tB) => f32([a.shape[0] === 1 ? b.shape[0]! : a.shape[0]!, tA ? a.shape[2]! : a.shape[1]!, tB ? b.shape[1]! : b.shape[2]!]),
    tolerance: accumulation(),
  },
  conv2d: {
    kind: 'optional',
    doc: 'NHWC 2-D convolution with an HWIO filter; geometry (strides, dilations, explicit pads) resolved by core.',
    output: (_x, _f, info) => f32(info.outShape),
    composite: conv2d,
    tolerance: accumulation(),
  },
  conv2dBackpropInput: {
    kind: 'optional',
    doc: "conv2d's gradient with respect to its input: dy → dx.",
    output: (_dy, _f, info) => f32(info.inShape),
    composite: conv2dBackpropInput,
    tolerance: accumulation(),
  },
  conv2dBackpropFilter: {
    kind: 'optional',
    doc: "conv2d's gradient with respect to its filter: (x, dy) → dW.",
    output: (_x, _dy, info) => f32(info.filterShape),
    composite: conv2dBackpropFilter,
    tolerance: accumulation(),
  },
  maxPool: {
    kind: 'optional',
    doc: 'Max over each pooling window; padded cells are ignored.',
    output: (_x, info) => f32(info.outShape),
    composite: maxPool,
    tolerance: exact(false, 'padding ignored'),
  },
  maxPoolGrad: {
    kind: 'optional',
    doc: "maxPool's gradient: dy routed to the first max of each window (row-major), summed where windows overlap.",
    output: (_dy, _x, info) => f32(info.inShape),
    composite: maxPoolGrad,
    tolerance: accumulation('routed to the first max'),
  },
  avgPool: {
    kind: 'optional',
    doc: 'Mean over each pooling window: divides by the count of real (unpadded) cells.',
    output: (_x, info) => f32(info.outShape),
    composite: avgPool,
    tolerance: accumulation('divides by the count of real cells; n+1 terms'),
  },
  avgPoolGrad: {
    kind: 'optional',
    doc: "avgPool's gradient: each window's dy over its count, spread back and summed.",
    output: (_dy, info) => f32(info.inShape),
    composite: avgPoolGrad,
    tolerance: accumulation('n+1 terms'),
  },
  softmax: {
    kind: 'optional',
    doc: 'Numerically stable softmax over the last axis.',
    output: (logits) => f32(logits.shape),
    composite: softmax,
    tolerance: softmaxClass(),
  },
  logSoftmax: {
    kind: 'optional',
    doc: 'Numerically stable log-softmax over the last axis.',
    output: (logits) => f32(logits.shape),
    composite: logSoftmax,
    tolerance: softmaxClass(),
  },
  fusedMatMul: {
    kind: 'optional',
    doc: 'act(a·b + bias) for rank-2 a and b (transposes as in matMul), bias [N] or null; act linear, relu, sigmoid or tanh.',
    output: (a, b, _bias, _act, tA, tB) => f32([tA ? a.shape[1]! : a.shape[0]!, tB ? b.shape[0]! : b.shape[1]!]),
    composite: fusedMatMul,
    tolerance: accumulation('bound propagated through the activation (+ its ULP bound)'),
  },
  fusedConv2d: {
    kind: 'optional',
    doc: 'act(conv2d(x, filter) + bias), bias [outC] or null.',
    output: (_x, _f, _bias, _act, info) => f32(info.outShape),
    composite: fusedConv2d,
    tolerance: accumulation('bound propagated through the activation (+ its ULP bound)'),
  },
  softmaxCrossEntropy: {
    kind: 'optional',
    doc: 'Per row of [..., C] logits and labels: Σ_c labels[c]·−logSoftmax(logits)[c] (the last axis dropped).',
    output: (logits) => f32(logits.shape.slice(0, -1)),
    composite: softmaxCrossEntropy,
    tolerance: accumulation('C terms, each within the logSoftmax bound'),
  },
  philoxUniform: {
    kind: 'optional',
    doc: "float32 uniforms in [0, 1) (or dropout's scaled mask) of core's Philox stream: element i is counter (i, 0, stream, ⌊i/2^32⌋), 53 bits rounded to float32.",
    output: (shape) => f32(shape),
    composite: philoxUniform,
    tolerance: exact(false, 'bit-identical to the host stream: the generator is the spec'),
  },
  unaryGrad: {
    kind: 'optional',
    doc: "dy·op′(x) for op sigmoid (y·σ(−x), y the forward's output) or tanh (4·σ(2x)·σ(−2x)): an activation's gradient in one pass.",
    output: (_op, x) => f32(x.shape),
    label: (op) => `${op}Grad`,
    composite: unaryGrad,
    tolerance: ulp(
      8,
      'sigmoid [-87, 87], tanh [-43, 43]',
      undefined,
      'two sigmoids within 3 ULP each and two products; beyond, an intermediate σ is subnormal',
    ),
  },
};

/** Every kernel name, in the table's order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

export const isPrimitive = (name: KernelName): name is PrimitiveKernel => (PRIMITIVE_KERNELS as readonly string[]).includes(name);

/** The op a call reports (errors, the tape): 'exp' for unary('exp', x), the kernel's name otherwise. */
export function kernelLabel<K extends KernelName>(name: K, args: KernelArgs<K>): string {
  const label = KERNELS[name].label as ((...a: KernelArgs<K>) => string) | undefined;
  return label ? label(...args) : name;
}

/** The tolerance of one op: a sub-op of unary/binary/reduce/argReduce, or a kernel. */
export function toleranceOf(op: string): Tolerance | undefined {
  for (const name of KERNEL_NAMES) {
    const t = KERNELS[name].tolerance as Tolerance | Record<string, Tolerance>;
    if (name === op && 'class' in t) return t as Tolerance;
    if (!('class' in t) && op in t) return (t as Record<string, Tolerance>)[op];
  }
  return undefined;
}
