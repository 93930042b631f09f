/**
 * TensorBuffer: a mutable host array with a shape, filled element by element
 * and turned into a tensor once (tfjs's `buffer()`), for building inputs
 * index by index without an op per element.
 */
import { typedArrayFor, type DType, type TypedArray } from './backend/types.js';
import { PolytensorError } from './errors.js';
import { tensor } from './ops/convert.js';
import type { Tensor } from './tensor.js';
import { sizeOfShape, stridesOf } from './backend/shape_utils.js';
import { assertValidShape, fmt } from './util/shape.js';

export class TensorBuffer {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: TypedArray;
  readonly size: number;
  private readonly strides: readonly number[];

  constructor(shape: readonly number[], dtype: DType, values?: TypedArray) {
    assertValidShape('buffer', shape);
    this.shape = [...shape];
    this.dtype = dtype;
    this.size = sizeOfShape(shape);
    this.strides = stridesOf(shape);
    if (values !== undefined && values.length !== this.size) {
      throw new PolytensorError(`buffer: shape ${fmt(shape)} holds ${this.size} values but ${values.length} were given`);
    }
    this.values = values ?? typedArrayFor(dtype, this.size);
  }

  /** The flat index of `locs` (one index per axis), checked. */
  locToIndex(locs: readonly number[]): number {
    if (locs.length !== this.shape.length) {
      throw new PolytensorError(`buffer: ${fmt(this.shape)} needs ${this.shape.length} indices, got [${locs.join(', ')}]`);
    }
    let index = 0;
    for (let i = 0; i < locs.length; i++) {
      const l = locs[i]!;
      if (!Number.isInteger(l) || l < 0 || l >= this.shape[i]!) {
        throw new PolytensorError(`buffer: index [${locs.join(', ')}] is outside ${fmt(this.shape)} (axis ${i} takes 0..${this.shape[i]! - 1})`);
      }
      index += l * this.strides[i]!;
    }
    return index;
  }

  /** The indices of flat element `index`. */
  indexToLoc(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new PolytensorError(`buffer: flat index ${index} is outside 0..${this.size - 1}`);
    }
    return this.strides.map((s, i) => Math.floor(index / s) % this.shape[i]!);
  }

  /** Set the element at `locs` (booleans store 0/1). */
  set(value: number | boolean, ...locs: number[]): void {
    this.values[this.locToIndex(locs)] = Number(value);
  }

  get(...locs: number[]): number {
    return this.values[this.locToIndex(locs)]!;
  }

  /** A tensor with a copy of the values (the buffer stays yours to keep filling). */
  toTensor(): Tensor {
    return tensor(this.values.slice(), this.shape, this.dtype);
  }
}

/**
 * A zero-filled (or `values`-backed) buffer to fill and turn into a tensor.
 * @example
 * const b = buffer([2, 2]);
 * b.set(5, 0, 1);
 * const t = b.toTensor(); // [[0, 5], [0, 0]]
 */
export function buffer(shape: readonly number[], dtype: DType = 'float32', values?: TypedArray): TensorBuffer {
  return new TensorBuffer(shape, dtype, values);
}

/** The dtype two dtypes combine to (bool < int32 < float32), as tfjs's `upcastType`. */
export function upcastType(a: DType, b: DType): DType {
  const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };
  if (!(a in rank) || !(b in rank)) throw new PolytensorError(`upcastType: dtypes are float32, int32 or bool, got '${a}' and '${b}'`);
  return rank[a] >= rank[b] ? a : b;
}

/** The dtype `sum` returns for an input of `dtype`: bool sums count, so int32. */
export function sumOutType(dtype: DType): DType {
  return upcastType(dtype, 'int32');
}
