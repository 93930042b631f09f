import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { sizeOf } from '../backend/types.js';
import { fmt } from '../util/shape.js';
import { broadcastTo } from './broadcast_to.js';
import { assertDType, convert } from './convert.js';
import { reshape } from './reshape.js';

/**
 * Matrix product over the last two axes; the leading (batch) axes broadcast
 * NumPy-style ([3,1,m,k]·[1,4,k,n] → [3,4,m,n]). The gradient of an operand
 * broadcast along batch axes is summed back over them.
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
    const sizeA = sizeOf(batchA);
    const sizeB = sizeOf(batchB);
    const batch = batchShape(batchA, batchB, ta.shape, tb.shape);
    const size = sizeOf(batch);
    // Checked here too so that an output too large is reported with the caller's shape, not the kernel's rank-3 one.
    ENGINE.checkAllocation('matMul', [...batch, m, n], 'float32', 'the output');
    return ENGINE.tidy(() => {
      // The kernel broadcasts a batch of 1; an operand whose batch is neither 1 nor the whole
      // batch is broadcast first (broadcastTo's rule sums its gradient back over those axes).
      const toRank3 = (t: Tensor, own: number): Tensor => {
        const r = t.shape[t.rank - 2]!;
        const c = t.shape[t.rank - 1]!;
        const full = own === 1 || own === size ? t : broadcastTo(t, [...batch, r, c]);
        return reshape(full, [own === 1 ? 1 : size, r, c]);
      };
      const out3 = matMul3(toRank3(ta, sizeA), toRank3(tb, sizeB), transposeA, transposeB);
      return reshape(out3, [...batch, m, n]);
    });
  } finally {
    if (ownA) ta.dispose();
    if (ownB) tb.dispose();
  }
}

/** The broadcast batch shape of both operands, or an error naming both shapes. */
function batchShape(batchA: readonly number[], batchB: readonly number[], a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(batchA.length, batchB.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = batchA[batchA.length - rank + i] ?? 1;
    const db = batchB[batchB.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new PolytensorError(
        `matMul: batch dimensions ${fmt(batchA)} and ${fmt(batchB)} of a ${fmt(a)} and b ${fmt(b)} cannot be broadcast ` +
          `(${da} vs ${db}); make each leading axis equal or 1 on one side`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
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
