import type { DType, TypedArray } from '@polytensor/core';
import { broadcastShapes as coreBroadcastShapes, broadcastStrides, ravel, sizeOfShape, stridesOf, unravel } from '@polytensor/core';

// Shape and stride helpers: core's, one copy for every package.
export { ravel, stridesOf, unravel };
/** Number of elements of `shape` (1 for rank 0). */
export const sizeOf = sizeOfShape;

/**
 * A tensor on the host, in float64: what the reference computes on. `values`
 * are row-major. For int32/bool tensors the values are integers (bool: 0/1).
 */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly values: Float64Array;
  readonly dtype: DType;
}

/** What callers may hand the reference: any array-like of numbers. */
export interface HostArray {
  readonly shape: readonly number[];
  readonly values: Float64Array | readonly number[] | ArrayLike<number>;
  readonly dtype: DType;
}

/**
 * Build a host tensor: values are copied into a Float64Array and rounded to
 * what `dtype` stores (float32 → Math.fround), so the reference sees exactly
 * the values a backend receives.
 */
export function host(shape: readonly number[], values: ArrayLike<number>, dtype: DType = 'float32'): HostTensor {
  const n = sizeOf(shape);
  if (values.length !== n) {
    throw new Error(`host: shape [${shape.join(', ')}] needs ${n} values, got ${values.length}`);
  }
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = roundTo(values[i]!, dtype);
  return { shape: [...shape], values: v, dtype };
}

export function toHost(x: HostArray): HostTensor {
  return host(x.shape, x.values, x.dtype);
}

export function zerosHost(shape: readonly number[], dtype: DType = 'float32'): HostTensor {
  return { shape: [...shape], values: new Float64Array(sizeOf(shape)), dtype };
}

/** NumPy broadcasting of two shapes (core's rule); throws when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  return coreBroadcastShapes('conformance', a, b);
}

/**
 * For an input of `inShape` broadcast to `outShape`: the flat input index of
 * every output element.
 */
export function broadcastMap(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const strides = broadcastStrides(inShape, outShape);
  const map = new Int32Array(sizeOf(outShape));
  for (let o = 0; o < map.length; o++) map[o] = ravel(unravel(o, outShape), strides);
  return map;
}

/** Round a float64 value to what a tensor of `dtype` stores. */
export function roundTo(v: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(v);
    case 'int32':
      return v | 0;
    case 'bool':
      return v !== 0 ? 1 : 0; // NaN → 1, as `x != 0`
  }
}

/** The host tensor with every value rounded to its dtype's storage. */
export function rounded(x: HostTensor): HostTensor {
  const v = new Float64Array(x.values.length);
  for (let i = 0; i < v.length; i++) v[i] = roundTo(x.values[i]!, x.dtype);
  return { shape: x.shape, values: v, dtype: x.dtype };
}

/** Host tensor → the typed array a backend stores (values rounded to the dtype). */
export function toTyped(x: HostTensor): TypedArray {
  const n = x.values.length;
  switch (x.dtype) {
    case 'float32': {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = x.values[i]!;
      return a;
    }
    case 'int32': {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = x.values[i]! | 0;
      return a;
    }
    case 'bool': {
      const a = new Uint8Array(n);
      for (let i = 0; i < n; i++) a[i] = roundTo(x.values[i]!, 'bool');
      return a;
    }
  }
}

export function fromTyped(values: ArrayLike<number>, shape: readonly number[], dtype: DType): HostTensor {
  return { shape: [...shape], values: Float64Array.from(values), dtype };
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
