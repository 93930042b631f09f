import type { TsStore } from '../store.js';
import type { FusedActivation, KernelImpl } from '@polytensor/core';
import { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH } from '../util/gemm.js';
import { matMulGeometry, matMulInto } from './mat_mul.js';

/** Epilogue code of each fused activation. */
export const ACT_CODES: Readonly<Record<FusedActivation, number>> = { linear: ACT_LINEAR, relu: ACT_RELU, sigmoid: ACT_SIGMOID, tanh: ACT_TANH };

/**
 * act(a·b + bias) in one pass: the GEMM tile adds the bias and applies the
 * activation to its float64 sums before the single rounding to float32 (the
 * composite rounds after each step; this is at least as accurate).
 * bias: [N], or a single value broadcast to every column.
 */
export function fusedMatMul(
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  bias: Float32Array | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
): { values: Float32Array; shape: number[] } {
  const g = matMulGeometry(aShape, bShape, transposeA, transposeB);
  let biasRow = bias;
  if (bias && bias.length === 1 && g.n !== 1) biasRow = new Float32Array(g.n).fill(bias[0]!);
  const out = new Float32Array(g.batch * g.m * g.n);
  matMulInto(a, b, transposeA, transposeB, g, out, biasRow, ACT_CODES[activation]);
  return { values: out, shape: g.outShape };
}

/** The contract-level kernel: storage in, storage out. */
export const fusedMatMulKernel: KernelImpl<'fusedMatMul', TsStore> = (s, a, b, bias, activation, transposeA, transposeB) => {
  const op = 'fusedMatMul';
  const { values, shape } = fusedMatMul(s.f32(a, op), a.shape, s.f32(b, op), b.shape, bias ? s.f32(bias, op) : null, activation, transposeA, transposeB);
  return s.output(values, shape);
};
