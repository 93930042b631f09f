import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { mul } from './binary.js';
import { assertDType, convert } from './convert.js';
import { matMul } from './mat_mul.js';
import { reshape } from './reshape.js';

function pair<R>(op: string, names: [string, string], a: TensorLike, b: TensorLike, body: (ta: Tensor, tb: Tensor) => R): R {
  const [ta, ownA] = convert(op, names[0], a);
  try {
    const [tb, ownB] = convert(op, names[1], b);
    try {
      return body(ta, tb);
    } finally {
      if (ownB) tb.dispose();
    }
  } finally {
    if (ownA) ta.dispose();
  }
}

/**
 * The dot product of vectors and/or matrices, as tfjs's dot: [n]·[n] → scalar,
 * [n]·[n,p] → [p], [m,n]·[n] → [m], [m,n]·[n,p] → [m,p]. float32.
 * @example
 * dot(tensor([1, 2]), tensor([3, 4])) // 11
 */
export function dot(t1: TensorLike, t2: TensorLike): Tensor {
  return pair('dot', ['t1', 't2'], t1, t2, (a, b) => {
    if (a.rank < 1 || a.rank > 2 || b.rank < 1 || b.rank > 2) {
      throw new PolytensorError(`dot: t1 ${fmt(a.shape)} and t2 ${fmt(b.shape)} must be vectors or matrices (rank 1 or 2); use matMul for batches`);
    }
    assertDType('dot', 't1', a, ['float32']);
    assertDType('dot', 't2', b, ['float32']);
    const inner1 = a.shape[a.rank - 1]!;
    const inner2 = b.shape[0]!;
    if (inner1 !== inner2) throw new PolytensorError(`dot: inner dimensions differ: t1 ${fmt(a.shape)} has ${inner1}, t2 ${fmt(b.shape)} has ${inner2}`);
    return ENGINE.tidy(() => {
      const p = matMul(a.rank === 1 ? reshape(a, [1, inner1]) : a, b.rank === 1 ? reshape(b, [inner2, 1]) : b);
      const shape = [...(a.rank === 2 ? [a.shape[0]!] : []), ...(b.rank === 2 ? [b.shape[1]!] : [])];
      return reshape(p, shape);
    });
  });
}

/**
 * v1 ⊗ v2: the [m, n] matrix of products v1[i]·v2[j], as tfjs's
 * outerProduct (each element one exact multiplication). float32.
 * @example
 * outerProduct(tensor([1, 2]), tensor([3, 4, 5])) // [[3, 4, 5], [6, 8, 10]]
 */
export function outerProduct(v1: TensorLike, v2: TensorLike): Tensor {
  return pair('outerProduct', ['v1', 'v2'], v1, v2, (a, b) => {
    if (a.rank !== 1 || b.rank !== 1) throw new PolytensorError(`outerProduct: v1 ${fmt(a.shape)} and v2 ${fmt(b.shape)} must both be rank 1`);
    if (a.dtype !== 'float32' || b.dtype !== 'float32')
      throw new PolytensorError(`outerProduct: v1 and v2 must be float32, got ${a.dtype} and ${b.dtype}; cast them`);
    return ENGINE.tidy(() => mul(reshape(a, [a.size, 1]), reshape(b, [1, b.size])));
  });
}
