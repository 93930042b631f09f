import { ENGINE } from '../engine/engine.js';
import { PolytensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/**
 * `num` evenly spaced float32 values from `start` to `stop`, both included
 * (tfjs's linspace): value i is start + i·(stop − start)/(num − 1), computed
 * in float64 and rounded once; the ends are start and stop exactly. num = 1
 * gives [start].
 * @example
 * linspace(0, 1, 5) // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (typeof start !== 'number' || typeof stop !== 'number' || Number.isNaN(start) || Number.isNaN(stop)) {
    throw new PolytensorError(`linspace: start and stop must be numbers, got linspace(${String(start)}, ${String(stop)}, ${String(num)})`);
  }
  if (!Number.isInteger(num) || num <= 0) throw new PolytensorError(`linspace: num must be a positive integer, got ${num}`);
  const values = ENGINE.hostValues('linspace', [num], 'float32');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  // The ends exactly (start + 0·∞ would be NaN; stop may not be start + (num−1)·step in floating point).
  for (let i = 0; i < num; i++) values[i] = i === 0 ? start : i === num - 1 ? stop : start + i * step;
  return ENGINE.makeTensor(values, [num], 'float32', 'linspace');
}
