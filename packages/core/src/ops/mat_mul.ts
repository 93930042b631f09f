import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { assertDType, convert } from './convert.js';
import { reshape } from './reshape.js';

/**
 * Matrix product over the last two axes; leading (batch) axes must be equal or
 * one side must have none / a single batch, which broadcasts.
 * @example matMul(x, w) // [64,784] x [784,10] -> [64,10]
 */
export function matMul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  const [ta, ownA] = convert('matMul', 'a', a);
  const [tb, ownB] = convert('matMul', 'b', b);
  try {
    assertDType('matMul', 'a', ta, ['float32']);
    assertDType('matMul', 'b', tb, ['float32']);
    if (ta.rank < 2 || tb.rank < 2) {
      throw new PolytensorError(`matMul: both operands need rank ≥ 2, got a ${fmt(ta.shape)} and b ${fmt(tb.shape)}; reshape vectors to [1,n] or [n,1]`);
    }
    const [m, k1] = lastTwo(ta, transposeA);
    const [k2, n] = lastTwo(tb, transposeB);
    if (k1 !== k2) {
      throw new PolytensorError(
        `matMul: inner dimensions differ: a is ${fmt(ta.shape)}${transposeA ? ' (transposed)' : ''}, b is ${fmt(tb.shape)}` +
          `${transposeB ? ' (transposed)' : ''}: ${k1} vs ${k2}; transpose one operand or fix the shapes`,
      );
    }
    const batchA = ta.shape.slice(0, -2);
    const batchB = tb.shape.slice(0, -2);
    const sizeA = batchA.reduce((p, d) => p * d, 1);
    const sizeB = batchB.reduce((p, d) => p * d, 1);
    let batch: number[];
    if (batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i])) batch = batchA;
    else if (sizeA === 1 && batchA.length <= batchB.length) batch = batchB;
    else if (sizeB === 1 && batchB.length <= batchA.length) batch = batchA;
    else {
      throw new PolytensorError(
        `matMul: batch dimensions ${fmt(batchA)} and ${fmt(batchB)} of a ${fmt(ta.shape)} and b ${fmt(tb.shape)} do not match; ` +
          `make them equal or give one side a single batch`,
      );
    }
    // Checked here too so that an output too large is reported with the caller's shape, not the kernel's rank-3 one.
    ENGINE.checkAllocation('matMul', [...batch, m, n], 'float32', 'the output');
    return ENGINE.tidy(() => {
      const a3 = reshape(ta, [sizeA, ta.shape[ta.rank - 2]!, ta.shape[ta.rank - 1]!]);
      const b3 = reshape(tb, [sizeB, tb.shape[tb.rank - 2]!, tb.shape[tb.rank - 1]!]);
      const out3 = matMul3(a3, b3, transposeA, transposeB);
      return reshape(out3, [...batch, m, n]);
    });
  } finally {
    if (ownA) ta.dispose();
    if (ownB) tb.dispose();
  }
}

function lastTwo(t: Tensor, transposed: boolean): [number, number] {
  const r = t.shape[t.rank - 2]!;
  const c = t.shape[t.rank - 1]!;
  return transposed ? [c, r] : [r, c];
}

/** @internal the rank-3 matMul kernel (operands already validated); its gradient is in grad/rules.ts. */
export function matMul3(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return ENGINE.runKernel('matMul', [a, b, transposeA, transposeB]);
}
