// Helpers shared by the unit tests (excluded from the build). Browser-safe: no node imports.
import type { DType, FusedActivation, TensorInfo, TypedArray } from '@polytensor/core';
import { createTsBackend } from './backend.js';

/**
 * A backend plus bookkeeping: inputs written through `input` are disposed by
 * `finish`, outputs read through `out` are disposed on read, and `finish`
 * checks that nothing is left behind.
 */
export class Harness {
  readonly be = createTsBackend();
  private readonly inputs: TensorInfo[] = [];

  input(values: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32'): TensorInfo {
    const arr: TypedArray = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
    const info: TensorInfo = { dataId: this.be.write(arr, shape, dtype), shape: [...shape], dtype };
    this.inputs.push(info);
    return info;
  }

  /** Read an output as a plain array and free it. */
  out(info: TensorInfo): number[] {
    const values = Array.from(this.be.readSync(info.dataId));
    this.be.disposeData(info.dataId);
    return values;
  }

  /** Read an output as a Float32Array and free it. */
  outF32(info: TensorInfo): Float32Array {
    const values = this.be.readSync(info.dataId);
    this.be.disposeData(info.dataId);
    if (!(values instanceof Float32Array)) throw new Error(`expected float32 output, got ${values.constructor.name}`);
    return values;
  }

  /** Dispose the inputs and return the number of buffers still alive (0 when nothing leaked). */
  finish(): number {
    for (const t of this.inputs.splice(0)) this.be.disposeData(t.dataId);
    return this.be.numDataIds();
  }
}

/** Deterministic uniform floats in [lo, hi) rounded to float32 (mulberry32). */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/** The fused epilogue activations in float64 (the definitions fused kernels are checked against). */
export const ACTIVATIONS: Record<FusedActivation, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(x, 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

/** `randomFloats` filling a tensor of `shape`. */
export function randomOfShape(shape: readonly number[], seed: number): Float32Array {
  return randomFloats(
    shape.reduce((a, b) => a * b, 1),
    seed,
  );
}

/** float32 rounding of a list of doubles, as a plain array (for exact comparisons). */
export function f32(values: readonly number[]): number[] {
  return values.map(Math.fround);
}

/**
 * Check that `got` matches the float64 `ref` the way double accumulation
 * promises: within one float32 rounding of the exact value plus a
 * double-precision-sized fraction of Σ|terms|. Returns the first mismatch.
 */
export function firstMismatch(got: ArrayLike<number>, ref: ArrayLike<number>, absTerms: ArrayLike<number>): string | null {
  if (got.length !== ref.length) return `length ${got.length} vs ${ref.length}`;
  for (let i = 0; i < got.length; i++) {
    const bound = 2 ** -24 * Math.abs(ref[i]!) + 1e-12 * absTerms[i]! + Number.MIN_VALUE;
    if (!(Math.abs(got[i]! - ref[i]!) <= bound)) return `index ${i}: got ${got[i]}, reference ${ref[i]} (bound ${bound})`;
  }
  return null;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
