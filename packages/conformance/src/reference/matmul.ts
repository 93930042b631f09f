import { batchedMatMulDims, type FusedActivation } from '@polytensor/core';
import type { HostTensor } from '../host.js';
import type { Accumulated } from './accumulate.js';
import { unaryScalar } from './elementwise.js';

/**
 * Batched matrix product of rank-3 operands: a [Ba, M, K] (or [Ba, K, M] with
 * transposeA), b [Bb, K, N] (or [Bb, N, K] with transposeB); a batch of 1 broadcasts.
 */
export function matMul(a: HostTensor, b: HostTensor, transposeA: boolean, transposeB: boolean): Accumulated {
  const { ba, a1, a2, bb, b1, b2, batch: B, m: M, k: K, n: N } = batchedMatMulDims(a.shape, b.shape, transposeA, transposeB);
  const out = new Float64Array(B * M * N);
  const absSum = new Float64Array(B * M * N);
  const terms = new Float64Array(B * M * N).fill(K);
  const A = (bi: number, i: number, k: number): number => a.values[(ba === 1 ? 0 : bi) * a1 * a2 + (transposeA ? k * a2 + i : i * a2 + k)]!;
  const Bv = (bi: number, k: number, j: number): number => b.values[(bb === 1 ? 0 : bi) * b1 * b2 + (transposeB ? j * b2 + k : k * b2 + j)]!;
  for (let bi = 0; bi < B; bi++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          const t = A(bi, i, k) * Bv(bi, k, j);
          s += t;
          abs += Math.abs(t);
        }
        const o = (bi * M + i) * N + j;
        out[o] = s;
        absSum[o] = abs;
      }
    }
  }
  return { out: { shape: [B, M, N], values: out, dtype: 'float32' }, terms, absSum };
}

/** A fused activation: the unary op of that name (linear is the identity). */
export function activate(act: FusedActivation, x: number): number {
  return act === 'linear' ? x : unaryScalar(act, x, 'float32');
}

/**
 * act(a·b + bias) for rank-2 a and b. Besides the output, returns the linear
 * part's terms/Σ|term| (bias counts as one term) and the pre-activation values.
 */
export function fusedMatMul(
  a: HostTensor,
  b: HostTensor,
  bias: HostTensor | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
): Accumulated & { linear: Float64Array } {
  const mm = matMul({ ...a, shape: [1, ...a.shape] }, { ...b, shape: [1, ...b.shape] }, transposeA, transposeB);
  const [, M, N] = mm.out.shape as [number, number, number];
  const linear = new Float64Array(M * N);
  const out = new Float64Array(M * N);
  const terms = new Float64Array(M * N);
  const absSum = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const o = i * N + j;
      const bv = bias ? bias.values[j]! : 0;
      linear[o] = mm.out.values[o]! + bv;
      out[o] = activate(activation, linear[o]!);
      terms[o] = mm.terms[o]! + (bias ? 1 : 0);
      absSum[o] = mm.absSum[o]! + Math.abs(bv);
    }
  }
  return { out: { shape: [M, N], values: out, dtype: 'float32' }, terms, absSum, linear };
}
