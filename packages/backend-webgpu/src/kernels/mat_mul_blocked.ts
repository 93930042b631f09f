import type { FusedActivation, TensorInfo } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';
import { UNARY_F32 } from './unary.js';

/** Output rows × columns each thread computes. */
const BLOCK = 4;

/**
 * WGSL storing act(z + BIAS[biasAt]) at result[outAt], each stage rounded as
 * the separate kernels would: the sum, + bias (both flushed like any add's
 * inputs), the activation (this package's accurate unary) of the flushed sum.
 */
export function writeOutput(s: WebGPUStore, activation: FusedActivation, z: string, biasAt: string | null, outAt: string): string {
  const zb = biasAt === null ? z : `${s.flushed(z, 'float32')} + ${s.flushed(`BIAS[${biasAt}]`, 'float32')}`;
  if (activation === 'linear') return `result[${outAt}] = ${zb};`;
  return `{ let x = ${s.flushed(zb, 'float32')}; result[${outAt}] = ${UNARY_F32[activation]}; }`;
}

/**
 * Batched a·b (+ bias per column), each thread a 4×4 block of the output
 * accumulated in four vec4 registers: per k, four values of a and one vec4
 * of b (one vec4 load where b's rows are contiguous and N is a multiple of
 * 4) feed 16 products. No workgroup memory and no barriers: on SwiftShader,
 * which runs a workgroup's invocations as coroutines on one CPU thread,
 * a barrier is a context switch, while global memory is simply cached.
 * Every output is its K products summed in order, then + bias (rounded once
 * more, as a separate add would).
 */
export function matMulBlocked(
  s: WebGPUStore,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: TensorInfo | null,
  activation: FusedActivation,
  op: string,
): TensorInfo {
  const [ba, a1, a2] = a.shape as [number, number, number];
  const [bb, b1, b2] = b.shape as [number, number, number];
  const M = transposeA ? a2 : a1;
  const K = transposeA ? a1 : a2;
  const N = transposeB ? b1 : b2;
  const B = ba === 1 ? bb : ba;
  const aBatch = ba === 1 ? 0 : a1 * a2;
  const bBatch = bb === 1 ? 0 : b1 * b2;
  const [aM, aK] = transposeA ? [1, a2] : [a2, 1];
  const [bK, bN] = transposeB ? [1, b2] : [b2, 1];
  const MB = Math.ceil(M / BLOCK);
  const NB = Math.ceil(N / BLOCK);
  const threads = B * MB * NB;
  const vecB = !transposeB && N % 4 === 0;
  const rows = [0, 1, 2, 3];
  const bRow = vecB ? `B[(bb + k * ${N} + n0) / 4]` : `vec4<f32>(${rows.map((j) => `B[bb + k * ${bK} + min(n0 + ${j}, ${N - 1}) * ${bN}]`).join(', ')})`;
  const writes = rows.map(
    (i) =>
      `  if (m0 + ${i} < ${M}) {\n${rows
        .map((j) => `    if (n0 + ${j} < ${N}) { ${writeOutput(s, activation, `c${i}[${j}]`, bias ? `n0 + ${j}` : null, `o + ${i * N + j}`)} }`)
        .join('\n')}\n  }`,
  );
  const body = [
    `  if (index >= ${threads}) { return; }`,
    `  let batch = index / ${MB * NB};`,
    `  let r = index - batch * ${MB * NB};`,
    `  let mb = r / ${NB};`,
    `  let m0 = mb * ${BLOCK};`,
    `  let n0 = (r - mb * ${NB}) * ${BLOCK};`,
    `  let ab = batch * ${aBatch};`,
    `  let bb = batch * ${bBatch};`,
    ...rows.map((i) => `  let a${i} = ab + min(m0 + ${i}, ${M - 1}) * ${aM};`),
    ...rows.map((i) => `  var c${i} = vec4<f32>(0.0);`),
    `  for (var k = 0; k < ${K}; k = k + 1) {`,
    `    let bv = ${bRow};`,
    ...rows.map((i) => `    c${i} = c${i} + A[a${i} + k * ${aK}] * bv;`),
    '  }',
    `  let o = batch * ${M * N} + m0 * ${N} + n0;`,
    ...writes,
  ].join('\n');
  const names = bias ? ['A', 'B', 'BIAS'] : ['A', 'B'];
  const inputs = bias ? [a, b, bias] : [a, b];
  const comps: (1 | 4)[] = bias ? [1, vecB ? 4 : 1, 1] : [1, vecB ? 4 : 1];
  return s.run(op, names, inputs, [B, M, N], 'float32', body, '', undefined, { inputComponents: comps, threads });
}
