import { binaryOutputDType, type BinaryOp, type KernelImpl } from '@polytensor/core';
import { broadcastStrides, offsets } from '../program.js';
import type { WebGPUStore } from '../store.js';
import { runPacked } from './packed.js';

const NAN_IN = '(ptIsNaN(a) || ptIsNaN(b))';

/** float32 ops as a WGSL expression of `a`, `b`; comparisons are false on NaN (notEqual true), as IEEE says. */
const FLOAT: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'ptDiv(a, b)',
  pow: 'ptPow(a, b)',
  maximum: `select(select(b, a, a > b), ptNaN(), ${NAN_IN})`,
  minimum: `select(select(b, a, a < b), ptNaN(), ${NAN_IN})`,
  squaredDifference: '(a - b) * (a - b)',
  equal: `i32(!${NAN_IN} && a == b)`,
  notEqual: `i32(${NAN_IN} || a != b)`,
  less: `i32(!${NAN_IN} && a < b)`,
  lessEqual: `i32(!${NAN_IN} && a <= b)`,
  greater: `i32(!${NAN_IN} && a > b)`,
  greaterEqual: `i32(!${NAN_IN} && a >= b)`,
  logicalAnd: 'i32(a != 0.0 && b != 0.0)',
  logicalOr: 'i32(a != 0.0 || b != 0.0)',
};

/** int32 and bool (both i32 in WGSL storage); i32 + − × wrap. */
const INT: Partial<Record<BinaryOp, string>> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
  squaredDifference: '(a - b) * (a - b)',
  equal: 'i32(a == b)',
  notEqual: 'i32(a != b)',
  less: 'i32(a < b)',
  lessEqual: 'i32(a <= b)',
  greater: 'i32(a > b)',
  greaterEqual: 'i32(a >= b)',
  logicalAnd: 'i32(a != 0 && b != 0)',
  logicalOr: 'i32(a != 0 || b != 0)',
};

export const binaryKernel: KernelImpl<'binary', WebGPUStore> = (s, op, a, b, outShape) => {
  const expr = a.dtype === 'float32' ? FLOAT[op] : INT[op];
  if (expr === undefined) throw new Error(`webgpu backend: binary ${op}: no ${a.dtype} implementation (core should have refused it)`);
  const dtype = binaryOutputDType(op, a.dtype);
  const packed = runPacked(
    s,
    op,
    [
      { array: 'A', scalar: 'a', tensor: a },
      { array: 'B', scalar: 'b', tensor: b },
    ],
    outShape,
    dtype,
    expr,
  );
  if (packed) return packed;
  const idx = offsets(outShape, { ia: broadcastStrides(a.shape, outShape), ib: broadcastStrides(b.shape, outShape) });
  return s.run(
    op,
    ['A', 'B'],
    [a, b],
    outShape,
    dtype,
    `${idx}\n  let a = ${s.load('A', 'ia', a.dtype)};\n  let b = ${s.load('B', 'ib', b.dtype)};\n  result[index] = ${expr};`,
  );
};

export const whereKernel: KernelImpl<'where', WebGPUStore> = (s, condition, a, b, outShape) => {
  const idx = offsets(outShape, {
    ic: broadcastStrides(condition.shape, outShape),
    ia: broadcastStrides(a.shape, outShape),
    ib: broadcastStrides(b.shape, outShape),
  });
  return s.run('where', ['C', 'A', 'B'], [condition, a, b], outShape, a.dtype, `${idx}\n  result[index] = select(B[ib], A[ia], C[ic] != 0);`);
};
