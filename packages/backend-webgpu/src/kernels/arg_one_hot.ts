import { sizeOfShape, type KernelImpl } from '@polytensor/core';
import { f32Literal } from '../program.js';
import type { WebGPUStore } from '../store.js';

/**
 * Index of the first max/min along `axis` (x seen as [outer, n, inner]), NaN
 * counting as the extreme: the first NaN wins outright. An empty axis gives
 * int32's max, as core's composite (a min over no candidates) does.
 */
export const argReduceKernel: KernelImpl<'argReduce', WebGPUStore> = (s, op, x, axis) => {
  const outShape = x.shape.filter((_, i) => i !== axis);
  const n = x.shape[axis]!;
  if (n === 0) return s.fill(outShape, 'int32', 2147483647);
  const inner = sizeOfShape(x.shape.slice(axis + 1));
  const cmp = op === 'argMax' ? '>' : '<';
  const nan = x.dtype === 'float32' ? 'if (ptIsNaN(v)) { arg = j; break; }' : '';
  const body = [
    `  let o = index / ${inner};`,
    `  let i = index - o * ${inner};`,
    `  let base = o * ${n * inner} + i;`,
    `  var best = ${s.load('A', 'base', x.dtype)};`,
    '  var arg = 0;',
    x.dtype === 'float32' ? '  if (!ptIsNaN(best)) {' : '  {',
    `    for (var j = 1; j < ${n}; j = j + 1) {`,
    `      let v = ${s.load('A', `base + j * ${inner}`, x.dtype)};`,
    `      ${nan} if (v ${cmp} best) { best = v; arg = j; }`,
    '    }',
    '  }',
    '  result[index] = arg;',
  ].join('\n');
  return s.run(op, ['A'], [x], outShape, 'int32', body);
};

/** int32 indices → float32 [..., depth]: onValue where the index equals the position, offValue elsewhere (out-of-range rows all off). */
export const oneHotKernel: KernelImpl<'oneHot', WebGPUStore> = (s, indices, depth, onValue, offValue) => {
  const outShape = [...indices.shape, depth];
  const body = `  result[index] = select(${f32Literal(offValue)}, ${f32Literal(onValue)}, I[index / ${depth}] == index % ${depth});`;
  return s.run('oneHot', ['I'], [indices], outShape, 'float32', body);
};
