import { sizeOfShape, unaryOutputDType, type TensorInfo, type UnaryOp, type KernelImpl } from '@polytensor/core';
import { unaryInt } from '../host/int32.js';
import type { NativeSpec } from '../runtime.js';
import { defineNative, indicator } from '../native.js';
import type { GpujsStore } from '../store.js';
import { sharedRowsDims } from '../util/layout.js';

/**
 * GLSL body of f(a, K) per op (K = (1, +Inf, NaN, 0)). Semantics the contract
 * pins: round half to even, sign(±0) = ±0, sign(NaN) = NaN, relu(−0) = +0 and
 * relu(NaN) = NaN, abs(−0) = +0, neg(+0) = −0; elu = expm1 below 0; softplus
 * = log1p(exp(−|x|)) + max(x, 0). Transcendentals are gpu-common's float32 math
 * library (MATH_GLSL), pulled in by the runtime (see glsl.ts).
 */
export const UNARY_GLSL: Readonly<Record<UnaryOp, string>> = {
  neg: 'return -a;',
  abs: 'return abs(a);',
  // a · 0 (K.w, opaque to the compiler) keeps ±0 and NaN, and turns a flushed subnormal into ±0
  sign: 'if (a > 0.0) return 1.0; if (a < 0.0) return -1.0; return a * K.w;',
  exp: 'return ptExp(a);',
  expm1: 'return ptExpm1(a);',
  log: 'return ptLog(a);',
  log1p: 'return ptLog1p(a);',
  sqrt: 'if (a < 0.0) return K.z; return sqrt(a);',
  rsqrt: 'if (a < 0.0) return K.z; return 1.0 / sqrt(a);',
  square: 'return a * a;',
  reciprocal: 'return 1.0 / a;',
  relu: 'if (a > 0.0) return a; if (a != a) return a; return 0.0;',
  sigmoid: 'return ptSigmoid(a);',
  tanh: 'return ptTanh(a);',
  elu: 'if (a > 0.0) return a; return ptExpm1(a);',
  softplus: 'return ptSoftplus(a);',
  sin: 'return ptSin(a);',
  cos: 'return ptCos(a);',
  floor: 'return floor(a);',
  ceil: 'return ceil(a);',
  round: 'return ptRoundEven(a);',
  logicalNot: 'return 1.0 - a;',
  isNaN: indicator.glsl('a != a'),
  isInf: indicator.glsl('ptIsInf(a)'),
  isFinite: indicator.glsl('(a == a && !ptIsInf(a))'),
};

/** The same per op in JavaScript (gpu.js CPU mode): double precision, rounded once when stored. K = [1, +Inf, NaN, 0]. */
export const UNARY_JS: Readonly<Record<UnaryOp, string>> = {
  neg: 'return -a;',
  abs: 'return Math.abs(a);',
  sign: 'if (a > 0) { return 1; } if (a < 0) { return -1; } return a;',
  exp: 'return Math.exp(a);',
  expm1: 'return Math.expm1(a);',
  log: 'return Math.log(a);',
  log1p: 'return Math.log1p(a);',
  sqrt: 'return Math.sqrt(a);',
  rsqrt: 'return 1 / Math.sqrt(a);',
  square: 'return a * a;',
  reciprocal: 'return 1 / a;',
  relu: 'if (a > 0) { return a; } if (a !== a) { return a; } return 0;',
  sigmoid: 'if (a >= 0) { return 1 / (1 + Math.exp(-a)); } const e = Math.exp(a); return e / (1 + e);',
  tanh: 'return Math.tanh(a);',
  elu: 'if (a > 0) { return a; } return Math.expm1(a);',
  softplus: 'return Math.log1p(Math.exp(-Math.abs(a))) + Math.max(a, 0);',
  sin: 'return Math.sin(a);',
  cos: 'return Math.cos(a);',
  floor: 'return Math.floor(a);',
  ceil: 'return Math.ceil(a);',
  round:
    'if (!(Math.abs(a) < 8388608)) { return a; } const fl = Math.floor(a); const d = a - fl; if (d > 0.5) { return fl + 1; } if (d < 0.5) { return fl; } if (fl % 2 === 0) { return fl; } return fl + 1;',
  logicalNot: 'return 1 - a;',
  isNaN: indicator.js('a !== a'),
  isInf: indicator.js('a === K[1] || a === -K[1]'),
  isFinite: indicator.js('a === a && a !== K[1] && a !== -K[1]'),
};

/** The native f(a, K) computing `op`, for kernels that apply it (unary, fused epilogues). */
export function unaryNative(op: UnaryOp, name = 'f'): NativeSpec {
  return defineNative(name, 'a K:vec4', 'float', `  ${UNARY_GLSL[op]}`, `  ${UNARY_JS[op]}`);
}

/** Elementwise op(x): a flat 1-D kernel, one texel in, one out. int32 runs on the host. */
export function unary(s: GpujsStore, op: UnaryOp, x: TensorInfo): TensorInfo {
  const dtype = unaryOutputDType(op, x.dtype);
  if (x.dtype === 'int32') return s.outHost(unaryInt(op, s.ints(x)), x.shape);
  const n = sizeOfShape(x.shape);
  if (n === 0) return s.outEmpty(x.shape, dtype);
  const xt = s.tex(x);
  // read at the fragment's own texel when x is laid out like the output (no index arithmetic)
  // (or in x's rows, when x is a texture as wide as its rows: the output keeps them)
  const rows = xt.size[0] === s.rt.texWidth([n]) ? [n] : sharedRowsDims(s.rt, n, [xt]);
  const here = rows !== null;
  const tex = s.rt.run(
    {
      key: `unary:${op}${here ? ':h' : ''}`,
      params: [['x', 'tex']],
      body: `return f(${here ? 'rdh(x)' : 'rd(x, this.thread.x * 1.0)'}, kc);`,
      natives: [unaryNative(op)],
    },
    rows ?? [n],
    [xt],
  );
  return s.outTex(tex, x.shape, dtype);
}

/** The contract-level kernel. */
export const unaryKernel: KernelImpl<'unary', GpujsStore> = unary;
