import { unaryOutputDType, type KernelImpl, type UnaryOp } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { runPacked } from './packed.js';

/** float32 unary ops as a WGSL expression of `x` (math from MATH_WGSL, never WGSL's own exp/log/…). */
export const UNARY_F32: Readonly<Record<UnaryOp, string>> = {
  neg: '-x',
  abs: 'bitcast<f32>(bitcast<u32>(x) & 0x7fffffffu)',
  sign: 'select(select(x, -1.0, x < 0.0), 1.0, x > 0.0)',
  exp: 'ptExp(x)',
  expm1: 'ptExpm1(x)',
  log: 'ptLog(x)',
  log1p: 'ptLog1p(x)',
  sqrt: 'ptSqrt(x)',
  rsqrt: 'ptRsqrt(x)',
  square: 'x * x',
  reciprocal: 'ptDiv(1.0, x)',
  relu: 'select(select(0.0, x, ptIsNaN(x)), x, x > 0.0)',
  sigmoid: 'ptSigmoid(x)',
  tanh: 'ptTanh(x)',
  elu: 'select(ptExpm1(x), x, x > 0.0)',
  softplus: 'ptSoftplus(x)',
  sin: 'ptSin(x)',
  cos: 'ptCos(x)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'ptRoundEven(x)',
  logicalNot: 'i32(x == 0.0)',
  isNaN: 'i32(ptIsNaN(x))',
  isInf: 'i32(ptIsInf(x))',
  isFinite: 'i32(!ptIsNaN(x) && !ptIsInf(x))',
};

/** int32 (and bool, for logicalNot) ops; i32 arithmetic wraps as the contract says. */
const INT: Partial<Record<UnaryOp, string>> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'select(select(0, -1, x < 0), 1, x > 0)',
  square: 'x * x',
  relu: 'max(x, 0)',
  logicalNot: 'i32(x == 0)',
};

export const unaryKernel: KernelImpl<'unary', WebGPUStore> = (s, op, x) => {
  const expr = x.dtype === 'float32' ? UNARY_F32[op] : INT[op];
  if (expr === undefined) throw new Error(`webgpu backend: unary ${op}: no ${x.dtype} implementation (core should have refused it)`);
  const dtype = unaryOutputDType(op, x.dtype);
  const packed = runPacked(s, op, [{ array: 'A', scalar: 'x', tensor: x }], x.shape, dtype, expr);
  if (packed) return packed;
  return s.run(op, ['A'], [x], x.shape, dtype, `  let x = ${s.load('A', 'index', x.dtype)};\n  result[index] = ${expr};`);
};
