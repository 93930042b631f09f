import { unaryOutputDType, type UnaryOp, type KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmModule, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';

type UnaryEntry = {
  [K in keyof WasmModule]: WasmModule[K] extends (x: number, dtype: number, out: number) => void ? K : never;
}[keyof WasmModule];

/** The tfjs C kernel behind each op. */
const C_UNARY: Readonly<Record<Exclude<UnaryOp, 'sigmoid'>, UnaryEntry>> = {
  neg: '_Neg',
  abs: '_Abs',
  sign: '_Sign',
  exp: '_Exp',
  expm1: '_Expm1',
  log: '_Log',
  log1p: '_Log1p',
  sqrt: '_Sqrt',
  rsqrt: '_Rsqrt',
  square: '_Square',
  reciprocal: '_Reciprocal',
  relu: '_Relu',
  tanh: '_Tanh',
  elu: '_Elu',
  softplus: '_Softplus',
  sin: '_Sin',
  cos: '_Cos',
  floor: '_Floor',
  ceil: '_Ceil',
  round: '_Round',
  logicalNot: '_LogicalNot',
  isNaN: '_IsNan',
  isInf: '_IsInf',
  isFinite: '_IsFinite',
};

/**
 * Float ops whose tfjs kernel misses the contract, computed elementwise over
 * views of the wasm heap in double precision, rounded once (the data never
 * leaves wasm memory):
 * - sign: tfjs's Sign maps NaN and |x| < ~1e-7 to 0; the contract keeps NaN and ±0.
 * - log1p: tfjs's Log1p is log(1 + x), which loses everything below 2^-24.
 * - sin, cos: tfjs's are a fast approximation off by up to ~4.5e4 ULP near their zeros
 *   (absolute error ~2e-7, so sin(x) for |x| < 1e-4 is off by up to 0.5 %).
 */
const HEAP_F32: Partial<Record<UnaryOp, (v: number) => number>> = {
  sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : v),
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
};

/** Elementwise `op(x)` by the tfjs wasm kernel of the same name (see HEAP_F32, sigmoid and the int32 cases for the exceptions). */
export function unary(rt: WasmRuntime, op: UnaryOp, x: Tw): Tw {
  if (op === 'sigmoid') return sigmoid(rt, x);
  const out = rt.empty(x.shape, unaryOutputDType(op, x.dtype));
  const n = x.data.size;
  if (n === 0) return out;
  const fix = x.dtype === 'float32' ? HEAP_F32[op] : undefined;
  if (fix) {
    const src = rt.f32(x.data);
    const dst = rt.f32(out.data);
    for (let i = 0; i < n; i++) dst[i] = fix(src[i]!);
    return out;
  }
  if (x.dtype === 'int32' && (op === 'neg' || op === 'abs')) {
    intNegAbs(rt, op, x, out);
    return out;
  }
  rt.m[C_UNARY[op]](x.data.id, CDTYPE[x.dtype], out.data.id);
  return out;
}

function kernel1(rt: WasmRuntime, fn: UnaryEntry, x: Tw, dtype = x.dtype): Tw {
  const out = rt.empty(x.shape, dtype);
  rt.m[fn](x.data.id, CDTYPE[x.dtype], out.data.id);
  return out;
}

function kernel2(rt: WasmRuntime, fn: '_Add' | '_RealDiv' | '_GreaterEqual', a: Tw, b: Tw, dtype: Tw['dtype'] = 'float32'): Tw {
  const shape = a.shape.length >= b.shape.length ? a.shape : b.shape;
  const out = rt.empty(shape, dtype);
  rt.m[fn](a.data.id, rt.ints(0, a.shape), a.shape.length, b.data.id, rt.ints(1, b.shape), b.shape.length, CDTYPE[a.dtype], out.data.id);
  return out;
}

/**
 * sigmoid from tfjs's Exp (correctly rounded, subnormals kept) rather than
 * XNNPACK's sigmoid, whose approximation is off by 3.4 ULP and returns 0 where
 * the result is subnormal (x < −87.3): with e = exp(−|x|),
 * sigmoid = (x ≥ 0 ? 1 : e) / (1 + e), ≤ ~1.5 ULP (Abs, Neg, Exp, Add, two
 * RealDiv, GreaterEqual, SelectV2 — all tfjs wasm kernels).
 */
function sigmoid(rt: WasmRuntime, x: Tw): Tw {
  const n = x.data.size;
  if (n === 0) return rt.empty(x.shape, 'float32');
  const flat: Tw = { ...x, shape: [n] };
  const one = rt.constant(1, 'float32');
  const zero = rt.constant(0, 'float32');
  const temps: Tw[] = [];
  try {
    const a = kernel1(rt, '_Abs', flat);
    temps.push(a);
    const na = kernel1(rt, '_Neg', a);
    temps.push(na);
    const e = kernel1(rt, '_Exp', na);
    temps.push(e);
    const d = kernel2(rt, '_Add', e, one);
    temps.push(d);
    const pos = kernel2(rt, '_RealDiv', one, d);
    temps.push(pos);
    const neg = kernel2(rt, '_RealDiv', e, d);
    temps.push(neg);
    const c = kernel2(rt, '_GreaterEqual', flat, zero, 'bool');
    temps.push(c);
    const out = rt.empty(x.shape, 'float32');
    rt.m._SelectV2(c.data.id, pos.data.id, neg.data.id, 1, out.data.id);
    return out;
  } finally {
    for (const t of temps) rt.dispose(t);
  }
}

/**
 * tfjs's Neg and Abs go through float for int32 (losing bits above 2^24): use
 * its int32 Sub (0 − x, wrapping) and Maximum (|x| = max(x, −x), so −2^31 stays −2^31).
 */
function intNegAbs(rt: WasmRuntime, op: 'neg' | 'abs', x: Tw, out: Tw): void {
  const zero = rt.constant(0, 'int32');
  const flat = rt.ints(0, [x.data.size]);
  const none = rt.ints(1, []);
  const dt = CDTYPE.int32;
  if (op === 'neg') {
    rt.m._Sub(zero.data.id, none, 0, x.data.id, flat, 1, dt, out.data.id);
    return;
  }
  const neg = rt.empty(x.shape, 'int32');
  try {
    rt.m._Sub(zero.data.id, none, 0, x.data.id, flat, 1, dt, neg.data.id);
    rt.m._Maximum(x.data.id, flat, 1, neg.data.id, flat, 1, dt, out.data.id);
  } finally {
    rt.dispose(neg);
  }
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const unaryKernel: KernelImpl<'unary', WasmStore> = (s, op, x) => s.run(() => unary(s.rt, op, s.input(x, 'unary')));
