import { batchedMatMulDims, type FusedActivation, type KernelImpl, type TensorInfo } from '@polytensor/core';
import type { GpujsStore } from '../store.js';
import { deferredBlocks, epilogueOnly, multiply22, packRows, release, unpack22 } from '../util/gemm.js';

/** Shapes of a batched product: a [Ba, M, K] (or [Ba, K, M] transposed), b [Bb, K, N] (or [Bb, N, K]). */
export function productGeometry(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean) {
  const { ba, a1, a2, bb, b1, b2, batch, m, k, n } = batchedMatMulDims(a.shape, b.shape, transposeA, transposeB);
  return {
    batch,
    m,
    k,
    n,
    ba,
    bb,
    // element (batch, row, k) of A and (batch, k, col) of B, as strides
    aStrides: { sb: a1 * a2, sr: transposeA ? 1 : a2, sc: transposeA ? a2 : 1 },
    bStrides: { sb: b1 * b2, sr: transposeB ? 1 : b2, sc: transposeB ? b2 : 1 },
  };
}

/**
 * act(a·b + bias) through the 2×2-block engine (util/gemm.ts): pack A and Bᵀ
 * along K, multiply in 2×2 blocks, unpack with the epilogue. Returns the
 * output [batch, M, N] (or [M, N] for 2-D inputs).
 */
export function product(
  s: GpujsStore,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: TensorInfo | null,
  act: FusedActivation,
  outShape: readonly number[],
): TensorInfo {
  const g = productGeometry(a, b, transposeA, transposeB);
  if (g.batch * g.m * g.n === 0) return s.outEmpty(outShape, 'float32');
  if (g.k === 0) {
    // no terms: every product is 0, then the epilogue
    const zeros = s.fill(g.batch * g.m * g.n, 0);
    const out = act === 'linear' && !bias ? zeros : epilogueOnly(s, zeros, g.batch * g.m, g.n, bias, act);
    if (out !== zeros) zeros.delete();
    return s.outTex(out, outShape, 'float32');
  }
  // packed once per buffer and layout, kept with it: weights and inputs multiplied again are not packed again
  const pa = s.derived(a, `A2:${g.ba}:${g.m}:${g.k}:${transposeA}`, () => ({ ...packRows(s, { tex: s.tex(a), ...g.aStrides }, g.ba, g.m, g.k), kept: true }));
  // Bᵀ: B's columns as rows, each packed along k
  const bt = { sb: g.bStrides.sb, sr: g.bStrides.sc, sc: g.bStrides.sr };
  const pb = s.derived(b, `BT2:${g.bb}:${g.k}:${g.n}:${transposeB}`, () => ({ ...packRows(s, { tex: s.tex(b), ...bt }, g.bb, g.n, g.k), kept: true }));
  const biasArg = bias && bias.shape.reduce((x, y) => x * y, 1) > 0 ? { tex: s.tex(bias), size: bias.shape.reduce((x, y) => x * y, 1) } : null;
  const pc = multiply22(s, pa, pb, g.batch, g.m, g.k, g.n, g.ba > 1, g.bb > 1);
  // a plain product stays in its blocks until a kernel reads it: read back as it is, it needs no unpacking pass
  if (!biasArg && act === 'linear' && !s.rt.isCpu) return s.outDeferred(deferredBlocks(s, pc, g.batch, g.m, g.n), outShape);
  const out = unpack22(s, pc, g.batch, g.m, g.n, biasArg, act);
  release(pc);
  return s.outTex(out, outShape, 'float32');
}

/** Batched a·b with transposes and batch-1 broadcasting. */
export function matMul(s: GpujsStore, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const g = productGeometry(a, b, transposeA, transposeB);
  return product(s, a, b, transposeA, transposeB, null, 'linear', [g.batch, g.m, g.n]);
}

/** The contract-level kernel. */
export const matMulKernel: KernelImpl<'matMul', GpujsStore> = matMul;
