// Int32 buffers already known to hold values in [0, n): class ids fit checked
// up front, indices built on the host, indices gather has checked once. Ops
// that must validate such values (gather, scatterAdd, sparse losses and
// metrics) skip reading them back from the device again: on a GPU that read
// waits for every queued kernel. Rows sliced or gathered from a checked buffer
// inherit its check.
import type { DataId } from '../backend/types.js';
import type { Tensor } from '../tensor.js';

// Keyed by buffer (dataId): a buffer's values never change once written (a Variable's assign swaps in a new one).
const CHECKED = new WeakMap<DataId, number>();

/** Record that every value of `t` is an integer in [0, n). */
export function markInRange(t: Tensor, n: number): void {
  const prior = CHECKED.get(t.dataId);
  if (prior === undefined || n < prior) CHECKED.set(t.dataId, n);
}

/** Whether every value of `t` is known to be an integer in [0, n). */
export function knownInRange(t: Tensor, n: number): boolean {
  const known = CHECKED.get(t.dataId);
  return known !== undefined && known <= n;
}

/** `to` holds some of `from`'s values (rows, a cast): it inherits `from`'s check. */
export function inheritRange(from: Tensor, to: Tensor): void {
  const n = CHECKED.get(from.dataId);
  if (n !== undefined) markInRange(to, n);
}
