import type { DType, TypedArray } from '@polytensor/core';

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

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
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

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Flat index → multi-index. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    idx[i] = d === 0 ? 0 : flat % d;
    flat = d === 0 ? 0 : Math.floor(flat / d);
  }
  return idx;
}

export function ravel(idx: readonly number[], strides: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < idx.length; i++) f += idx[i]! * strides[i]!;
  return f;
}

/** NumPy broadcasting of two shapes; throws when incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`broadcastShapes: [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For an input of `inShape` broadcast to `outShape`: the flat input index of
 * every output element.
 */
export function broadcastMap(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const inStrides = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  for (let o = 0; o < n; o++) {
    const idx = unravel(o, outShape);
    let f = 0;
    for (let i = 0; i < inShape.length; i++) {
      const d = inShape[i]!;
      f += (d === 1 ? 0 : idx[i + offset]!) * inStrides[i]!;
    }
    map[o] = f;
  }
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
