import type { BinaryOp } from '@polytensor/core';
import type { Tw, WasmRuntime } from '../runtime.js';
import { sameShape } from './broadcast_to.js';
import { ELEMENTWISE_SIMD_WASM, ELEMENTWISE_SIMD_WASM_SHARED } from './elementwise_simd_module.js';
import { onHeap } from './heap_simd.js';
import { type HeapFn, runParts } from './heap_threads.js';

/** The module's exports: (src, dst, blocks of 16, address of the scalar). */
interface ElementwiseFns {
  gt: HeapFn;
  ge: HeapFn;
  lt: HeapFn;
  le: HeapFn;
  b2f: HeapFn;
  colsum16: HeapFn;
  colsum4: HeapFn;
}

const FN = { greater: 'gt', greaterEqual: 'ge', less: 'lt', lessEqual: 'le' } as const;
type CompareOp = keyof typeof FN;
/** `s ⋈ x` as `x ⋈' s`. */
const FLIPPED: Record<CompareOp, CompareOp> = { greater: 'less', greaterEqual: 'lessEqual', less: 'greater', lessEqual: 'greaterEqual' };

/**
 * Work per element against SPLIT_MIN_WORK's multiply-adds: these passes are
 * bound by memory (~0.4 ms for relu's 2.5M-element mask on one thread), so
 * they split from 2M elements (the seed CNN's 28×28×64 activations, batch
 * 50): a worker's wake-up, tens of µs, is paid back from there.
 */
const ELEMENTWISE_WORK = 1;

/** Elements per part: a fixed cut (never the thread count), so parts are the same everywhere. */
const PART_ELEMENTS = 1 << 16;

function fns(rt: WasmRuntime): ElementwiseFns | null {
  return onHeap<ElementwiseFns>(rt, ELEMENTWISE_SIMD_WASM, ELEMENTWISE_SIMD_WASM_SHARED);
}

/** `fn` over n elements in parts of PART_ELEMENTS, `srcBytes`/`dstBytes` per element; the last n mod 16 elements are left to the caller. */
function blocks(rt: WasmRuntime, fn: HeapFn, src: number, dst: number, n: number, srcBytes: number, dstBytes: number, s: number): void {
  const whole = n >> 4;
  const parts = Math.ceil(whole / (PART_ELEMENTS >> 4));
  runParts(rt, parts, n * ELEMENTWISE_WORK, (p, emit) => {
    const first = p * (PART_ELEMENTS >> 4);
    const count = Math.min(whole - first, PART_ELEMENTS >> 4);
    emit(fn, src + first * 16 * srcBytes, dst + first * 16 * dstBytes, count, s);
  });
}

/**
 * A float32 comparison (greater, greaterEqual, less, lessEqual) of a tensor
 * with a scalar, e.g. relu's gradient mask `x > 0`, by the SIMD module (16
 * elements per step, split over the heap workers): null where it does not
 * apply (other ops or dtypes, both operands full, no SIMD), so the tfjs kernel
 * runs. IEEE comparisons: NaN compares false, as in tfjs's kernels.
 */
export function compareWithScalar(rt: WasmRuntime, op: BinaryOp, a: Tw, b: Tw, outShape: readonly number[]): Tw | null {
  if (!(op in FN) || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  let cmp = op as CompareOp;
  let x = a;
  let s = b;
  if (!(b.data.size === 1 && sameShape(a.shape, outShape))) {
    if (!(a.data.size === 1 && sameShape(b.shape, outShape))) return null;
    [x, s, cmp] = [b, a, FLIPPED[cmp]];
  }
  const f = fns(rt);
  if (!f) return null;
  const out = rt.empty(outShape, 'bool');
  const n = out.data.size;
  blocks(rt, f[FN[cmp]], x.data.offset, out.data.offset, n, 4, 1, s.data.offset);
  const rest = n & 15;
  if (rest > 0) {
    const xs = rt.f32(x.data);
    const sv = rt.f32(s.data)[0]!;
    const o = rt.view(out.data);
    for (let i = n - rest; i < n; i++) {
      const v = xs[i]!;
      o[i] = (cmp === 'greater' ? v > sv : cmp === 'greaterEqual' ? v >= sv : cmp === 'less' ? v < sv : v <= sv) ? 1 : 0;
    }
  }
  return out;
}

/** bool → float32 (0 or 1) by the SIMD module, split over the heap workers; null without SIMD. */
export function boolToFloat32(rt: WasmRuntime, x: Tw): Tw | null {
  const f = fns(rt);
  if (!f) return null;
  const out = rt.empty(x.shape, 'float32');
  const n = out.data.size;
  blocks(rt, f.b2f, x.data.offset, out.data.offset, n, 1, 4, 0);
  const rest = n & 15;
  if (rest > 0) rt.f32(out.data).set(rt.view(x.data).subarray(n - rest, n), n - rest);
  return out;
}

/**
 * Sums over every axis but the last of a float32 tensor with a multiple of 4
 * elements per row, `x` seen as [rows, cols] (a bias gradient): per column, in
 * float32, row by row (the order of tfjs's Sum over a transposed copy, without
 * the copy), 16 columns per pass, parts of 16 columns split over the heap
 * workers past 2M elements. null where it does not apply (no SIMD, cols not
 * a multiple of 4).
 */
export function columnSums(rt: WasmRuntime, x: Tw, rows: number, cols: number, outShape: readonly number[]): Tw | null {
  if (x.dtype !== 'float32' || cols % 4 !== 0 || rows < 1) return null;
  const f = fns(rt);
  if (!f) return null;
  const out = rt.empty(outShape, 'float32');
  const groups = Math.ceil(cols / 16);
  runParts(rt, groups, rows * cols * ELEMENTWISE_WORK, (g, emit) => {
    const src = x.data.offset + g * 64;
    const dst = out.data.offset + g * 64;
    const left = cols - g * 16;
    if (left >= 16) emit(f.colsum16, src, dst, rows, cols * 4);
    else for (let v = 0; v < left / 4; v++) emit(f.colsum4, src + v * 16, dst + v * 16, rows, cols * 4);
  });
  return out;
}
