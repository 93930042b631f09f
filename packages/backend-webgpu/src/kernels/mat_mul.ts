import type { KernelImpl } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';

/**
 * Batched a·b, one thread per output value, the K terms summed in order
 * (within the accumulation bound). Transposes and the broadcast batch of 1
 * are strides baked into the program.
 */
export const matMulKernel: KernelImpl<'matMul', WebGPUStore> = (s, a, b, transposeA, transposeB) => {
  const [ba, a1, a2] = a.shape as [number, number, number];
  const [bb, b1, b2] = b.shape as [number, number, number];
  const M = transposeA ? a2 : a1;
  const K = transposeA ? a1 : a2;
  const N = transposeB ? b1 : b2;
  const B = ba === 1 ? bb : ba;
  const outShape = [B, M, N];
  if (K === 0) return s.fill(outShape, 'float32', 0);
  // element (batch, m, k) of a and (batch, k, n) of b
  const aBatch = ba === 1 ? 0 : a1 * a2;
  const bBatch = bb === 1 ? 0 : b1 * b2;
  const [aM, aK] = transposeA ? [1, a2] : [a2, 1];
  const [bK, bN] = transposeB ? [1, b2] : [b2, 1];
  const body = [
    `  let batch = index / ${M * N};`,
    `  let r = index - batch * ${M * N};`,
    `  let m = r / ${N};`,
    `  let n = r - m * ${N};`,
    `  let a0 = batch * ${aBatch} + m * ${aM};`,
    `  let b0 = batch * ${bBatch} + n * ${bN};`,
    '  var acc = 0.0;',
    `  for (var k = 0; k < ${K}; k = k + 1) { acc = acc + A[a0 + k * ${aK}] * B[b0 + k * ${bK}]; }`,
    '  result[index] = acc;',
  ].join('\n');
  return s.run('matMul', ['A', 'B'], [a, b], outShape, 'float32', body);
};
