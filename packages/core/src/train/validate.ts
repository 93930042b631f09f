import { PolytensorError } from '../errors.js';
import { markInRange } from '../util/checked_ranges.js';
import type { DataId } from '../backend/types.js';
import { Tensor } from '../tensor.js';
import { formatShape, shapeFits, type Shape } from '../nn/layers/index.js';
import type { LossInfo } from './losses.js';

/** What validation needs to know of a model: its inputs' and outputs' names, shapes and dtypes. */
export interface ModelSignature {
  readonly inputNames: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly inputDTypes: readonly string[];
  readonly outputNames: readonly string[];
  readonly outputShapes: readonly Shape[];
}

/**
 * Buffers already found free of NaN and ±Infinity. A buffer never changes (a
 * Variable's assign swaps in a new one), so fit called again on the same
 * tensors (an epoch per call, say) skips reading and scanning them again.
 */
const FINITE = new WeakSet<DataId>();

function firstBad(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/** `what` of a model with several inputs (outputs) names which one. */
const which = (names: readonly string[], i: number, noun: string): string => (names.length > 1 ? `${noun} '${names[i]}'` : noun);

/**
 * Everything fit/evaluate/trainOnBatch check before touching a weight: shapes,
 * dtypes, label ranges and non-finite values, each with a message that says
 * what is wrong and what to do.
 */
export function validateTrainingData(op: string, model: ModelSignature, losses: readonly LossInfo[], xs: readonly Tensor[], ys: readonly Tensor[]): void {
  const n = checkInputs(op, model, xs, true);
  ys.forEach((y, i) => {
    const what = which(model.outputNames, i, 'labels');
    if (!(y instanceof Tensor)) throw new PolytensorError(`${op}: ${what} must be a Tensor, got ${y === null ? 'null' : typeof y}`);
    y.assertAlive(op);
    if (y.rank === 0 || y.shape[0] !== n) {
      throw new PolytensorError(
        `${op}: ${what} have ${y.rank === 0 ? 'no batch dimension' : `${y.shape[0]} rows`} but inputs have ${n}; give one label per example`,
      );
    }
    checkLabels(op, what, losses[i]!, model.outputShapes[i]!, y, n);
  });
}

/** Check each input (instance, alive, dtype, shape, finite values); returns the common batch size. */
export function checkInputs(op: string, model: ModelSignature, xs: readonly Tensor[], checkValues: boolean): number {
  let n = -1;
  xs.forEach((x, i) => {
    const what = which(model.inputNames, i, 'inputs');
    if (!(x instanceof Tensor)) throw new PolytensorError(`${op}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
    x.assertAlive(op);
    const dtype = model.inputDTypes[i] ?? 'float32';
    if (x.dtype !== dtype && !(dtype === 'int32' && x.dtype === 'float32')) {
      throw new PolytensorError(`${op}: ${what} are ${x.dtype}; the model takes ${dtype}, convert with cast(x, '${dtype}')`);
    }
    const expected = model.inputShapes[i]!;
    if (!shapeFits(expected, x.shape)) {
      throw new PolytensorError(`${op}: the model expects ${what} of shape ${formatShape(expected)}, got [${x.shape.join(',')}]; reshape the data to match`);
    }
    const rows = x.shape[0]!;
    if (rows === 0) throw new PolytensorError(`${op}: there are no examples (${what} have shape [${x.shape.join(',')}])`);
    if (n >= 0 && rows !== n) throw new PolytensorError(`${op}: ${what} have ${rows} rows but the first input has ${n}; every input needs one row per example`);
    n = rows;
    if (checkValues && !FINITE.has(x.dataId)) {
      const xv = x.dataSync();
      const bad = firstBad(xv);
      if (bad >= 0) {
        const row = Math.floor(bad / (x.size / rows));
        throw new PolytensorError(`${op}: ${what} contain ${xv[bad]} at example ${row} (flat index ${bad}); clean or impute the data before training`);
      }
      FINITE.add(x.dataId);
    }
  });
  return n;
}

function checkLabels(op: string, what: string, loss: LossInfo, out: Shape, y: Tensor, n: number): void {
  const classes = out[out.length - 1];
  const yv = y.dataSync();
  const badY = firstBad(yv);
  if (badY >= 0) throw new PolytensorError(`${op}: ${what} contain ${yv[badY]} at flat index ${badY}; labels must be finite`);
  if (loss.sparseLabels) {
    if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
      throw new PolytensorError(
        `${op}: loss '${loss.name}' takes class ids of shape [${n}], got ${what} [${y.shape.join(',')}]; use a one-hot loss for one-hot labels`,
      );
    }
    if (typeof classes === 'number') {
      for (let i = 0; i < yv.length; i++) {
        const v = yv[i]!;
        if (!Number.isInteger(v) || v < 0 || v >= classes) {
          throw new PolytensorError(
            `${op}: label ${v} at example ${i} is not a class id in [0, ${classes}) for a model with ${classes} outputs; fix the labels or the output layer`,
          );
        }
      }
      markInRange(y, classes);
    }
  } else {
    const expected = [n, ...out.slice(1)];
    if (y.rank !== expected.length || expected.some((d, i) => d !== null && d !== y.shape[i])) {
      throw new PolytensorError(
        `${op}: loss '${loss.name}' needs ${what} shaped like the model output ${formatShape(expected)}, got [${y.shape.join(',')}]` +
          (y.rank === 1 ? `; one-hot encode class ids (oneHot(labels, ${String(classes)})) or use a sparse loss` : ''),
      );
    }
  }
}
