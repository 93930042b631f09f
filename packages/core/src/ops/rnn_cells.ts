// tfjs's low-level RNN cell ops: one LSTM step from a packed kernel, and a
// stack of such steps. The layers (LSTM, GRU) use their own cells; these are
// for users porting tfjs code written against the ops.
import { PolytensorError } from '../errors.js';
import { ENGINE } from '../engine/engine.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { fmt } from '../util/shape.js';
import { add, mul } from './binary.js';
import { concat } from './concat.js';
import { convert } from './convert.js';
import { matMul } from './mat_mul.js';
import { split } from './split.js';
import { sigmoid, tanh } from './unary.js';

/**
 * One LSTM step (tfjs's `basicLSTMCell`): gates i, j, f, o from
 * `[data, h] · lstmKernel + lstmBias` (kernel [inputSize + units, 4·units]),
 * `c' = c·σ(f + forgetBias) + σ(i)·tanh(j)`, `h' = tanh(c')·σ(o)`. Returns [c', h'].
 * @example const [c1, h1] = basicLSTMCell(1, kernel, bias, x, c0, h0);
 */
export function basicLSTMCell(
  forgetBias: TensorLike,
  lstmKernel: TensorLike,
  lstmBias: TensorLike,
  data: TensorLike,
  c: TensorLike,
  h: TensorLike,
): [Tensor, Tensor] {
  const op = 'basicLSTMCell';
  const args = [
    convert(op, 'forgetBias', forgetBias),
    convert(op, 'lstmKernel', lstmKernel),
    convert(op, 'lstmBias', lstmBias),
    convert(op, 'data', data),
    convert(op, 'c', c),
    convert(op, 'h', h),
  ] as const;
  try {
    const [fb, kernel, bias, x, c0, h0] = args.map(([t]) => t) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    if (x.rank !== 2 || c0.rank !== 2 || h0.rank !== 2 || kernel.rank !== 2) {
      throw new PolytensorError(
        `${op}: data, c and h must be [batch, n] and lstmKernel 2-D, got data ${fmt(x.shape)}, c ${fmt(c0.shape)}, h ${fmt(h0.shape)}, lstmKernel ${fmt(kernel.shape)}`,
      );
    }
    const units = h0.shape[1]!;
    if (kernel.shape[0] !== x.shape[1]! + units || kernel.shape[1] !== 4 * units || c0.shape[1] !== units) {
      throw new PolytensorError(
        `${op}: with data ${fmt(x.shape)} and h ${fmt(h0.shape)}, lstmKernel must be [${x.shape[1]! + units},${4 * units}] and c [batch,${units}], got lstmKernel ${fmt(kernel.shape)}, c ${fmt(c0.shape)}`,
      );
    }
    return ENGINE.tidy(() => {
      const gates = add(matMul(concat([x, h0], 1), kernel), bias);
      const [i, j, f, o] = split(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
      const c1 = add(mul(c0, sigmoid(add(f, fb))), mul(sigmoid(i), tanh(j)));
      return [c1, mul(tanh(c1), sigmoid(o))] as [Tensor, Tensor];
    });
  } finally {
    for (const [t, owned] of args) if (owned) t.dispose();
  }
}

/** One step of a cell in a stack: (input, c, h) → [c', h']. */
export type LSTMCellFunc = (data: Tensor, c: Tensor, h: Tensor) => [Tensor, Tensor];

/**
 * One step through a stack of LSTM cells (tfjs's `multiRNNCell`): cell k takes
 * cell k−1's new h as input. Returns [new cs, new hs].
 * @example const [cs, hs] = multiRNNCell([cell1, cell2], x, [c1, c2], [h1, h2]);
 */
export function multiRNNCell(lstmCells: readonly LSTMCellFunc[], data: TensorLike, c: readonly TensorLike[], h: readonly TensorLike[]): [Tensor[], Tensor[]] {
  if (!Array.isArray(lstmCells) || lstmCells.length === 0) throw new PolytensorError('multiRNNCell: lstmCells must be a non-empty array of cell functions');
  if (c.length !== lstmCells.length || h.length !== lstmCells.length) {
    throw new PolytensorError(`multiRNNCell: ${lstmCells.length} cells need ${lstmCells.length} c and h states, got ${c.length} c and ${h.length} h`);
  }
  const [x, owned] = convert('multiRNNCell', 'data', data);
  try {
    return ENGINE.tidy(() => {
      const cs: Tensor[] = [];
      const hs: Tensor[] = [];
      let input = x;
      lstmCells.forEach((cell, k) => {
        const [ck, hk] = cell(input, convert('multiRNNCell', `c[${k}]`, c[k]!)[0], convert('multiRNNCell', `h[${k}]`, h[k]!)[0]);
        cs.push(ck);
        hs.push(hk);
        input = hk;
      });
      return [cs, hs] as [Tensor[], Tensor[]];
    });
  } finally {
    if (owned) x.dispose();
  }
}
