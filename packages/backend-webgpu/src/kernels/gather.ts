import { sizeOfShape, type KernelImpl } from '@polytensor/core';
import type { WebGPUStore } from '../store.js';

function prod(shape: readonly number[], from: number, to = shape.length): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= shape[i]!;
  return p;
}

/**
 * Slices of x along `axis` at int32 indices (core has checked them against
 * x.shape[axis]): the output is [outer, k, inner] flat, x is [outer, n, inner].
 */
export const gatherKernel: KernelImpl<'gather', WebGPUStore> = (s, x, indices, axis) => {
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const n = x.shape[axis]!;
  const inner = prod(x.shape, axis + 1);
  const k = sizeOfShape(indices.shape);
  const body = [
    `  let o = index / ${k * inner};`,
    `  let r = index - o * ${k * inner};`,
    `  let j = r / ${inner};`,
    `  let i = r - j * ${inner};`,
    `  let src = clamp(I[j], 0, ${n - 1});`,
    `  result[index] = A[(o * ${n} + src) * ${inner} + i];`,
  ].join('\n');
  return s.run('gather', ['A', 'I'], [x, indices], outShape, x.dtype, body);
};

/**
 * The adjoint of gather, without atomics (WGSL has no float atomics): each
 * output value [o, t, i] sums, in index order, the updates [o, j, i] whose
 * index j points at t. Deterministic; O(k) per output value.
 */
export const scatterAddKernel: KernelImpl<'scatterAdd', WebGPUStore> = (s, updates, indices, axis, outShape) => {
  const n = outShape[axis]!;
  const inner = prod(outShape, axis + 1);
  const k = sizeOfShape(indices.shape);
  if (k === 0 || sizeOfShape(updates.shape) === 0) return s.fill(outShape, updates.dtype, 0);
  const zero = updates.dtype === 'float32' ? '0.0' : '0';
  const body = [
    `  let o = index / ${n * inner};`,
    `  let r = index - o * ${n * inner};`,
    `  let t = r / ${inner};`,
    `  let i = r - t * ${inner};`,
    `  var acc = ${zero};`,
    `  for (var j = 0; j < ${k}; j = j + 1) {`,
    `    if (I[j] == t) { acc = acc + U[(o * ${k} + j) * ${inner} + i]; }`,
    '  }',
    '  result[index] = acc;',
  ].join('\n');
  return s.run('scatterAdd', ['U', 'I'], [updates, indices], outShape, updates.dtype, body);
};
