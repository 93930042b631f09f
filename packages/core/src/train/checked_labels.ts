// Label buffers already known to hold class ids in [0, C): fit checks its
// labels once, up front, and the rows it slices or gathers from them for each
// batch inherit the check, so a sparse loss or metric does not read every
// batch's labels back from the device (a GPU sync per step) to check them again.
import type { DataId } from '../backend/types.js';
import type { Tensor } from '../tensor.js';

// Keyed by buffer (dataId): a buffer's values never change once written.
const CHECKED = new WeakMap<DataId, number>();

/** Record that `t` holds class ids in [0, classes). */
export function markClassIds(t: Tensor, classes: number): void {
  CHECKED.set(t.dataId, classes);
}

/** Whether `t` is known to hold class ids in [0, classes). */
export const classIdsChecked = (t: Tensor, classes: number): boolean => CHECKED.get(t.dataId) === classes;

/** `to` holds rows (or a cast) of `from`: it inherits `from`'s check. */
export function inheritClassIds(from: Tensor, to: Tensor): void {
  const classes = CHECKED.get(from.dataId);
  if (classes !== undefined) CHECKED.set(to.dataId, classes);
}
