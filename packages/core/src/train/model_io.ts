// Inputs and labels as the training loops see them: one tensor per model
// input (output), in the model's order, whatever form the caller used.
import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import { tensor } from '../ops/convert.js';
import { gather } from '../ops/gather.js';
import { slice } from '../ops/slice.js';
import { Tensor } from '../tensor.js';
import { inheritRange, markInRange } from '../util/checked_ranges.js';

/** One tensor for a one-input (one-output) model; an array in the model's order, or a record by input (output) name. */
export type TensorOrTensors = Tensor | readonly Tensor[] | { readonly [name: string]: Tensor };

/** Anything a model's forward pass or loss sees, as a list in the model's order. */
export function toTensorList(op: string, what: 'inputs' | 'labels', v: unknown, names: readonly string[]): Tensor[] {
  const kind = what === 'inputs' ? 'input' : 'output';
  if (v instanceof Tensor) {
    if (names.length !== 1) {
      throw new PolytensorError(
        `${op}: the model has ${names.length} ${kind}s (${names.join(', ')}) but got one tensor of ${what}; pass an array or a record by ${kind} name`,
      );
    }
    return [v];
  }
  if (Array.isArray(v)) {
    if (v.length !== names.length) {
      throw new PolytensorError(`${op}: the model has ${names.length} ${kind}(s) (${names.join(', ')}) but got ${v.length} tensors of ${what}`);
    }
    v.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new PolytensorError(`${op}: ${what}[${i}] must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    });
    return v as Tensor[];
  }
  if (v !== null && typeof v === 'object') {
    const rec = v as Record<string, unknown>;
    const extra = Object.keys(rec).filter((k) => !names.includes(k));
    if (extra.length)
      throw new PolytensorError(`${op}: ${what} name ${extra.map((k) => `'${k}'`).join(', ')}, which the model does not have (${kind}s: ${names.join(', ')})`);
    return names.map((n) => {
      const t = rec[n];
      if (!(t instanceof Tensor)) throw new PolytensorError(`${op}: ${what} lack a Tensor for ${kind} '${n}' (got ${t === undefined ? 'nothing' : typeof t})`);
      return t;
    });
  }
  throw new PolytensorError(
    `${op}: ${what} must be a Tensor, an array of Tensors or a record of Tensors by ${kind} name, got ${v === null ? 'null' : typeof v}`,
  );
}

/** Rows [start, start+size) of each tensor, in `order` when given (a shuffled epoch). */
export function batchOf(ts: readonly Tensor[], order: Int32Array | null, start: number, size: number): Tensor[] {
  if (!order) return rowsOf(ts, start, size);
  return ENGINE.tidy(() => {
    const rows = order.subarray(start, start + size);
    const idx = tensor(rows, [size], 'int32');
    // Checked here on the host, so gather does not read the indices back from the device.
    const n = ts[0]?.shape[0] ?? 0;
    if (rows.every((r) => r >= 0 && r < n)) markInRange(idx, n);
    return ts.map((t) => withChecksOf(t, gather(t, idx, 0)));
  });
}

/** Rows [start, start+size) of each tensor. */
export const rowsOf = (ts: readonly Tensor[], start: number, size: number): Tensor[] => ts.map((t) => withChecksOf(t, slice(t, start, [size])));

/** Rows of checked labels are checked labels. */
function withChecksOf(from: Tensor, rows: Tensor): Tensor {
  inheritRange(from, rows);
  return rows;
}
