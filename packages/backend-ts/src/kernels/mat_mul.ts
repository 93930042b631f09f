import type { KernelImpl } from '@polytensor/core';
import type { TsStore } from '../store.js';
import { gemm, strided } from '../parallel/gemm.js';
import { ACT_LINEAR } from '../util/gemm.js';
import { prod } from '../util/strides.js';

export interface MatMulGeometry {
  batch: number;
  m: number;
  n: number;
  k: number;
  outShape: number[];
}

/** Sizes of a batched product; leading axes are batch axes, and a batch of 1 broadcasts. */
export function matMulGeometry(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): MatMulGeometry {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = aShape[transposeA ? ra - 1 : ra - 2]!;
  const k = aShape[transposeA ? ra - 2 : ra - 1]!;
  const n = bShape[transposeB ? rb - 2 : rb - 1]!;
  const batchA = prod(aShape, 0, ra - 2);
  const batchB = prod(bShape, 0, rb - 2);
  // A batch of 1 broadcasts to the other operand's batch (also to 0).
  const lead = batchA === 1 ? bShape.slice(0, rb - 2) : aShape.slice(0, ra - 2);
  return { batch: batchA === 1 ? batchB : batchA, m, n, k, outShape: [...lead, m, n] };
}

/**
 * Batched act(a·b + bias) straight into the float32 output. Transposes are
 * strides; an operand with batch 1 is reused for every output batch.
 */
export function matMulInto(
  a: Float32Array,
  b: Float32Array,
  transposeA: boolean,
  transposeB: boolean,
  g: MatMulGeometry,
  out: Float32Array,
  bias: Float32Array | null = null,
  act = ACT_LINEAR,
): void {
  const { m, n, k } = g;
  const aBatch = a.length === m * k ? 0 : m * k;
  const bBatch = b.length === k * n ? 0 : k * n;
  const aRs = transposeA ? 1 : k;
  const aCs = transposeA ? m : 1;
  const bRs = transposeB ? 1 : n;
  const bCs = transposeB ? k : 1;
  for (let t = 0; t < g.batch; t++) {
    gemm({ m, n, k, a: strided(a, t * aBatch, aRs, aCs), b: strided(b, t * bBatch, bRs, bCs), out, oOff: t * m * n, ldo: n, bias, act });
  }
}

/** a: [B|1, M, K] (or [B|1, K, M]), b: [B|1, K, N] (or [B|1, N, K]) → float32 [B, M, N] (a batch of 1 broadcasts, also to 0). */
export function matMul(
  a: Float32Array,
  aShape: readonly number[],
  b: Float32Array,
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): { values: Float32Array; shape: number[] } {
  const g = matMulGeometry(aShape, bShape, transposeA, transposeB);
  const out = new Float32Array(g.batch * g.m * g.n);
  matMulInto(a, b, transposeA, transposeB, g, out);
  return { values: out, shape: g.outShape };
}

/** The contract-level kernel: storage in, storage out. */
export const matMulKernel: KernelImpl<'matMul', TsStore> = (s, a, b, transposeA, transposeB) => {
  const { values, shape } = matMul(s.f32(a, 'matMul'), a.shape, s.f32(b, 'matMul'), b.shape, transposeA, transposeB);
  return s.output(values, shape);
};
