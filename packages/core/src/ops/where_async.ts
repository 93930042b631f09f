// whereAsync, booleanMaskAsync, setdiff1dAsync, inTopKAsync: tfjs's async
// selection ops. Their output's size depends on the values (or, for inTopK,
// they rank each row on the host as tfjs does), so they read their inputs
// with `await data()`; what they select is then one gather, so values move
// bit for bit.
import { sizeOf } from '../backend/types.js';
import { PolytensorError } from '../errors.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { assertDType, convert, tensor as makeTensor } from './convert.js';
import { gather } from './gather.js';
import { reshape } from './reshape.js';

/** Convert arguments, run the async body, dispose the converted ones after it settles. */
async function withArgs<R>(op: string, args: readonly (readonly [string, TensorLike, 'int32'?])[], body: (ts: Tensor[]) => Promise<R>): Promise<R> {
  const owned: Tensor[] = [];
  try {
    const ts = args.map(([name, x, literalDType]) => {
      // Index literals (arrays, numbers) become int32, as tfjs converts them.
      const literal = Array.isArray(x) || typeof x === 'number';
      const [t, own] = literal && literalDType ? [makeTensor(x, undefined, literalDType), true] : convert(op, name, x);
      if (own) owned.push(t);
      return t;
    });
    return await body(ts);
  } finally {
    for (const t of owned) t.dispose();
  }
}

/**
 * The coordinates of the true elements of `condition` (bool), in row-major
 * order, as tfjs's whereAsync: int32 [numTrue, rank]. Reads `condition`
 * (`await data()`), since the output's size depends on it.
 * @example
 * await whereAsync(tensor2d([[true, false], [false, true]])); // [[0, 0], [1, 1]]
 */
export async function whereAsync(condition: TensorLike): Promise<Tensor> {
  return withArgs('whereAsync', [['condition', condition]], async ([c]) => {
    assertDType('whereAsync', 'condition', c!, ['bool']);
    const values = await c!.data();
    const coords: number[] = [];
    const rank = c!.rank;
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      if (!values[i]) continue;
      count++;
      let rest = i;
      const at = new Array<number>(rank);
      for (let d = rank - 1; d >= 0; d--) {
        at[d] = rest % c!.shape[d]!;
        rest = Math.floor(rest / c!.shape[d]!);
      }
      coords.push(...at);
    }
    return makeTensor(Int32Array.from(coords), [count, rank], 'int32');
  });
}

/**
 * The slices of `tensor` where `mask` (bool, the shape of tensor's axes
 * axis … axis + mask.rank − 1) is true, those axes flattened into one, as
 * tfjs's booleanMaskAsync: shape tensor.shape[:axis] + [numTrue] +
 * tensor.shape[axis + mask.rank:], tensor's dtype. Reads `mask`, since the
 * output's size depends on it. The result is a gather of `tensor`.
 * @example
 * await booleanMaskAsync(tensor2d([[1, 2], [3, 4], [5, 6]]), tensor1d([true, false, true])); // [[1, 2], [5, 6]]
 */
export async function booleanMaskAsync(tensor: TensorLike, mask: TensorLike, axis = 0): Promise<Tensor> {
  return withArgs(
    'booleanMaskAsync',
    [
      ['tensor', tensor],
      ['mask', mask],
    ],
    async ([t, m]) => {
      assertDType('booleanMaskAsync', 'mask', m!, ['bool']);
      if (m!.rank === 0) throw new PolytensorError('booleanMaskAsync: mask is a scalar; it needs rank ≥ 1 (one flag per slice)');
      if (!Number.isInteger(axis) || axis < 0 || axis + m!.rank > t!.rank) {
        throw new PolytensorError(
          `booleanMaskAsync: a mask of rank ${m!.rank} at axis ${axis} does not fit tensor ${fmt(t!.shape)}; axis must be in [0, ${t!.rank - m!.rank}]`,
        );
      }
      const covered = t!.shape.slice(axis, axis + m!.rank);
      if (covered.some((d, i) => d !== m!.shape[i])) {
        throw new PolytensorError(`booleanMaskAsync: mask ${fmt(m!.shape)} must match tensor ${fmt(t!.shape)}'s axes from ${axis}: ${fmt(covered)}`);
      }
      const flags = await m!.data();
      const picks: number[] = [];
      flags.forEach((f, i) => f && picks.push(i));
      const flat = reshape(t!, [...t!.shape.slice(0, axis), sizeOf(covered), ...t!.shape.slice(axis + m!.rank)]);
      const idx = makeTensor(Int32Array.from(picks), [picks.length], 'int32');
      try {
        return gather(flat, idx, axis);
      } finally {
        idx.dispose();
        flat.dispose();
      }
    },
  );
}

/**
 * The values of `x` that are not in `y` (both rank 1, same dtype), in x's
 * order, and their indices in x, as tfjs's setdiff1dAsync: [values (x's
 * dtype), indices (int32)]. Membership as JavaScript's Set: NaN matches NaN,
 * −0 matches 0. Reads both inputs, since the output's size depends on them.
 * @example
 * const [values, indices] = await setdiff1dAsync([1, 2, 3, 4], [2, 4]); // values [1, 3], indices [0, 2]
 */
export async function setdiff1dAsync(x: TensorLike, y: TensorLike): Promise<[Tensor, Tensor]> {
  return withArgs(
    'setdiff1dAsync',
    [
      ['x', x],
      ['y', y],
    ],
    async ([tx, ty]) => {
      if (tx!.dtype !== ty!.dtype) {
        throw new PolytensorError(`setdiff1dAsync: x is ${tx!.dtype} but y is ${ty!.dtype}; cast one with cast(y, '${tx!.dtype}')`);
      }
      if (tx!.rank !== 1 || ty!.rank !== 1) {
        throw new PolytensorError(`setdiff1dAsync: x ${fmt(tx!.shape)} and y ${fmt(ty!.shape)} must both be rank 1; flatten them with reshape(t, [-1])`);
      }
      const [xs, ys] = await Promise.all([tx!.data(), ty!.data()]);
      const drop = new Set<number>(ys);
      const keep: number[] = [];
      xs.forEach((v, i) => !drop.has(v) && keep.push(i));
      const indices = makeTensor(Int32Array.from(keep), [keep.length], 'int32');
      return [gather(tx!, indices, 0), indices];
    },
  );
}

/**
 * Whether each target is among the `k` largest entries of its row of
 * `predictions` (rank ≥ 2, float32; targets int32 of predictions' shape
 * without its last axis), as tfjs's inTopKAsync: bool of targets' shape.
 * Equal entries rank in order of index (lower first) and NaN above every
 * number, as `topk`. A target outside [0, n) is an error. Reads both inputs
 * on the host, as tfjs does.
 * @example
 * await inTopKAsync(tensor2d([[0.1, 0.8, 0.1], [0.5, 0.2, 0.3]]), tensor1d([1, 2], 'int32'), 1); // [true, false]
 */
export async function inTopKAsync(predictions: TensorLike, targets: TensorLike, k = 1): Promise<Tensor> {
  const op = 'inTopKAsync';
  return withArgs(
    op,
    [
      ['predictions', predictions],
      ['targets', targets, 'int32'],
    ],
    async ([p, targetsT]) => {
      const t = targetsT!;
      assertDType(op, 'predictions', p!, ['float32', 'int32']);
      assertDType(op, 'targets', t, ['int32']);
      if (p!.rank < 2) throw new PolytensorError(`${op}: predictions ${fmt(p!.shape)} must have rank ≥ 2 ([batch, classes])`);
      const lead = p!.shape.slice(0, -1);
      if (t.rank !== lead.length || lead.some((d, i) => d !== t.shape[i])) {
        throw new PolytensorError(`${op}: targets ${fmt(t.shape)} must have predictions' shape ${fmt(p!.shape)} without its last axis: ${fmt(lead)}`);
      }
      const n = p!.shape[p!.rank - 1]!;
      if (!Number.isInteger(k) || k < 1 || k > n) throw new PolytensorError(`${op}: k must be an integer in [1, ${n}] (the number of classes), got ${k}`);
      const [pv, tv] = await Promise.all([p!.data(), t.data()]);
      const out = new Uint8Array(tv.length);
      for (let r = 0; r < tv.length; r++) {
        const target = tv[r]!;
        if (target < 0 || target >= n) {
          throw new PolytensorError(`${op}: target ${target} at position ${r} is out of range [0, ${n}) (the classes of predictions ${fmt(p!.shape)})`);
        }
        const v = pv[r * n + target]!;
        let before = 0;
        for (let j = 0; j < n; j++) {
          const u = pv[r * n + j]!;
          const larger = Number.isNaN(u) ? !Number.isNaN(v) : !Number.isNaN(v) && u > v;
          const same = u === v || (Number.isNaN(u) && Number.isNaN(v));
          if (larger || (same && j < target)) before++;
        }
        out[r] = before < k ? 1 : 0;
      }
      return makeTensor(out, t.shape, 'bool');
    },
  );
}
