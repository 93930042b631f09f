import { sizeOfShape, type ReduceOp, type TensorInfo, type KernelImpl } from '@polytensor/core';
import { axesLastPerm, reduceIntRows, take, transposeMap } from '../host/int32.js';
import type { GpuTexture } from '../gpujs.js';
import type { GpuRuntime, NativeSpec } from '../runtime.js';
import { defineNative } from '../native.js';
import type { GpujsStore } from '../store.js';
import { permuted } from '../util/copy.js';
import { reduceInChunks } from '../util/chunks.js';
import { wideProductRows } from './wide_prod.js';

const COMBINE: Readonly<Record<ReduceOp, string>> = {
  sum: 'return acc + v;',
  prod: 'return acc * v;',
  // NaN propagates: once acc is NaN it stays NaN
  max: 'if (acc != acc || v != v) return acc + v; return v > acc ? v : acc;',
  min: 'if (acc != acc || v != v) return acc + v; return v < acc ? v : acc;',
};

const COMBINE_JS: Readonly<Record<ReduceOp, string>> = {
  sum: 'return acc + v;',
  prod: 'return acc * v;',
  max: 'if (acc !== acc || v !== v) { return acc + v; } if (v > acc) { return v; } return acc;',
  min: 'if (acc !== acc || v !== v) { return acc + v; } if (v < acc) { return v; } return acc;',
};

function combineNative(op: ReduceOp): NativeSpec {
  return defineNative('g', 'acc v', 'float', `  ${COMBINE[op]}`, `  ${COMBINE_JS[op]}`);
}

/** The empty reduction's value: sum 0, prod 1, max −Inf, min +Inf. */
export function identityOf(op: ReduceOp): number {
  return op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
}

/** Reduce each of `rows` contiguous rows of length `r` (r ≥ 1), in chunks (see reduceInChunks). */
export function reduceRows(rt: GpuRuntime, op: ReduceOp, src: GpuTexture, rows: number, r: number): GpuTexture {
  return reduceInChunks(rt, src, rows, r, () => ({
    key: `reduce:${op}`,
    input: 'tex',
    init: 'let acc = init;',
    step: 'acc = g(acc, t);',
    natives: [combineNative(op)],
    uniforms: [['init', identityOf(op)]],
  }));
}

/**
 * Reduce over `axes`: the reduced axes are moved innermost (a strided copy,
 * skipped when they already are), then each output element reduces one
 * contiguous row. Accumulation is plain float32 in row order, chunked for long
 * rows (the contract's bound holds for any order); float32 prod carries a wider
 * exponent (wide_prod.ts). int32 on the host (wraps).
 */
export function reduce(s: GpujsStore, op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const rows = sizeOfShape(outShape);
  const r = axes.reduce((acc, a) => acc * x.shape[a]!, 1);
  if (x.dtype === 'int32') {
    const perm = axesLastPerm(x.shape.length, axes);
    return s.outHost(reduceIntRows(op, take(s.ints(x), transposeMap(x.shape, perm)), rows, r), outShape);
  }
  if (rows === 0) return s.outEmpty(outShape, x.dtype);
  if (r === 0) return s.outTex(s.fill(rows, identityOf(op)), outShape, x.dtype);
  const { tex, owned } = permuted(s, x, axesLastPerm(x.shape.length, axes));
  const out = op === 'prod' ? wideProductRows(s.rt, tex, rows, r) : reduceRows(s.rt, op, tex, rows, r);
  if (owned) tex.delete();
  return s.outTex(out, outShape, x.dtype);
}

/** The contract-level kernel. */
export const reduceKernel: KernelImpl<'reduce', GpujsStore> = reduce;
