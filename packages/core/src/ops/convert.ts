import type { DType, TypedArray } from '../backend/types.js';
import { sizeOf } from '../backend/types.js';
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { Tensor, type NestedArray, type TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';

/** Shape of a nested array; throws on ragged input. */
export function inferShape(op: string, values: TensorLike): number[] {
  if (ArrayBuffer.isView(values)) return [(values as TypedArray).length];
  if (!Array.isArray(values)) return [];
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new PolytensorError(`${op}: ragged nested array: expected a scalar at depth ${dim}, got an array`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new PolytensorError(
        `${op}: ragged nested array: at depth ${dim} expected length ${shape[dim]}, got ${Array.isArray(v) ? v.length : 'a scalar'}; ` +
          `every row must have the same length`,
      );
    }
    for (const c of v) check(c, dim + 1);
  };
  check(values, 0);
  return shape;
}

function inferDType(values: TensorLike): DType {
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Uint8Array) return 'int32';
  let v: unknown = values;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

/** Flatten `values` into `out` (a zeroed array of the tensor's dtype and size). */
function flattenTo(op: string, values: TensorLike, out: TypedArray): TypedArray {
  const dtype: DType = out instanceof Float32Array ? 'float32' : out instanceof Int32Array ? 'int32' : 'bool';
  const size = out.length;
  let i = 0;
  const put = (v: unknown): void => {
    if (typeof v === 'number') out[i++] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
    else if (typeof v === 'boolean') out[i++] = v ? 1 : 0;
    else throw new PolytensorError(`${op}: values must be numbers or booleans, got ${typeof v}`);
  };
  if (ArrayBuffer.isView(values)) {
    const src = values as TypedArray;
    if (src.length !== size) throw new PolytensorError(`${op}: got ${src.length} values for ${size} elements`);
    if (dtype === 'bool') for (let k = 0; k < size; k++) out[k] = src[k] !== 0 ? 1 : 0;
    else out.set(src);
    return out;
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const c of v) walk(c);
    else put(v);
  };
  walk(values);
  return out;
}

/**
 * Create a tensor from numbers, booleans, nested arrays or a typed array.
 * @example tensor([[1, 2], [3, 4]]) // shape [2,2], float32
 */
export function tensor(values: TensorLike, shape?: readonly number[], dtype?: DType): Tensor {
  if (values instanceof Tensor) throw new PolytensorError('tensor: got a Tensor; use clone(t) to copy one');
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new PolytensorError(`tensor: unknown dtype '${String(dtype)}'; use 'float32', 'int32' or 'bool'`);
  }
  const inferred = inferShape('tensor', values);
  const dt = dtype ?? inferDType(values);
  let finalShape = inferred;
  if (shape !== undefined) {
    const given = sizeOf(shape);
    const have = sizeOf(inferred);
    if (given !== have) {
      throw new PolytensorError(`tensor: shape ${fmt(shape)} needs ${given} values but ${have} were given (inferred shape ${fmt(inferred)})`);
    }
    finalShape = [...shape];
  }
  return ENGINE.makeTensor(flattenTo('tensor', values, ENGINE.hostValues('tensor', finalShape, dt)), finalShape, dt);
}

/**
 * A tensor of a stated rank (tfjs's tensor1d … tensor6d): like `tensor`, but
 * the values (or the given shape) must have exactly that rank.
 */
function tensorOfRank(rank: number, values: TensorLike, shape?: readonly number[], dtype?: DType): Tensor {
  const op = `tensor${rank}d`;
  if (values instanceof Tensor) throw new PolytensorError(`${op}: got a Tensor; use clone(t) to copy one`);
  if (shape === undefined) {
    const inferred = inferShape(op, values);
    const flat = ArrayBuffer.isView(values) && rank !== 1;
    if (flat || inferred.length !== rank) {
      throw new PolytensorError(
        `${op}: expected values of rank ${rank}, got ${flat ? 'a flat typed array' : `rank ${inferred.length} (shape ${fmt(inferred)})`}; ` +
          `pass nested arrays of rank ${rank}, or the shape as the second argument`,
      );
    }
  } else if (shape.length !== rank) {
    throw new PolytensorError(`${op}: shape ${fmt(shape)} has rank ${shape.length}, expected ${rank}; use tensor() for other ranks`);
  }
  return tensor(values, shape, dtype);
}

/** A rank-1 tensor. @example tensor1d([1, 2, 3]) */
export const tensor1d = (values: TensorLike, dtype?: DType): Tensor => tensorOfRank(1, values, undefined, dtype);
/** A rank-2 tensor. @example tensor2d([[1, 2], [3, 4]]) or tensor2d([1, 2, 3, 4], [2, 2]) */
export const tensor2d = (values: TensorLike, shape?: readonly [number, number], dtype?: DType): Tensor => tensorOfRank(2, values, shape, dtype);
/** A rank-3 tensor. */
export const tensor3d = (values: TensorLike, shape?: readonly [number, number, number], dtype?: DType): Tensor => tensorOfRank(3, values, shape, dtype);
/** A rank-4 tensor (e.g. an NHWC image batch). */
export const tensor4d = (values: TensorLike, shape?: readonly [number, number, number, number], dtype?: DType): Tensor => tensorOfRank(4, values, shape, dtype);
/** A rank-5 tensor. */
export const tensor5d = (values: TensorLike, shape?: readonly [number, number, number, number, number], dtype?: DType): Tensor =>
  tensorOfRank(5, values, shape, dtype);
/** A rank-6 tensor. */
export const tensor6d = (values: TensorLike, shape?: readonly [number, number, number, number, number, number], dtype?: DType): Tensor =>
  tensorOfRank(6, values, shape, dtype);

/** A rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new PolytensorError(`scalar: expected a number or boolean, got ${typeof value}`);
  }
  return tensor(value, [], dtype);
}

/**
 * Convert an op argument to a tensor. Returns the tensor and whether the op owns
 * it (and must dispose it after use).
 */
export function convert(op: string, arg: string, x: TensorLike, dtypeHint?: DType): [Tensor, boolean] {
  if (x instanceof Tensor) {
    x.assertAlive(op);
    return [x, false];
  }
  if (x === null || x === undefined) {
    throw new PolytensorError(`${op}: argument '${arg}' is ${String(x)}; pass a Tensor, number or array`);
  }
  return [tensor(x, undefined, typeof x === 'number' && dtypeHint ? dtypeHint : undefined), true];
}

/**
 * Run `body` on an op's arguments converted to tensors (named by their keys in
 * error messages); the tensors made from literals are disposed after, also
 * when a later argument fails to convert or `body` throws.
 */
export function withTensors<K extends string, R>(op: string, args: Readonly<Record<K, TensorLike>>, body: (ts: Record<K, Tensor>) => R, dtypeHint?: DType): R {
  const ts = {} as Record<K, Tensor>;
  const owned: Tensor[] = [];
  try {
    for (const arg of Object.keys(args) as K[]) {
      const [t, own] = convert(op, arg, args[arg], dtypeHint);
      if (own) owned.push(t);
      ts[arg] = t;
    }
    return body(ts);
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** Like convert, for ops that take exactly a tensor argument (no literals). */
export function expectTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) {
    throw new PolytensorError(`${op}: argument '${arg}' must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  x.assertAlive(op);
  return x;
}

export function assertDType(op: string, arg: string, x: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(x.dtype)) {
    throw new PolytensorError(
      `${op}: '${arg}' has dtype ${x.dtype} but ${op} accepts ${allowed.join(' or ')}; ` + `convert it with cast(${arg}, '${allowed[0]}')`,
    );
  }
}

/** Values of nested arrays, for tests and examples. */
export type { NestedArray };
