import { PolytensorError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { formatShape } from '../nn/layers/index.js';
import type { LossInfo } from './losses.js';
import type { Sequential } from './model.js';

function firstBad(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * Everything fit/evaluate/trainOnBatch check before touching a weight: shapes,
 * dtypes, label ranges and non-finite values, each with a message that says
 * what is wrong and what to do.
 */
export function validateTrainingData(op: string, model: Sequential, loss: LossInfo, x: unknown, y: unknown): void {
  if (!(x instanceof Tensor)) throw new PolytensorError(`${op}: inputs must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (!(y instanceof Tensor)) throw new PolytensorError(`${op}: labels must be a Tensor, got ${y === null ? 'null' : typeof y}`);
  x.assertAlive(op);
  y.assertAlive(op);
  if (x.dtype !== 'float32') throw new PolytensorError(`${op}: inputs are ${x.dtype}; models take float32, convert with cast(x, 'float32')`);
  checkInputShape(op, model, x);
  const n = x.shape[0]!;
  if (n === 0) throw new PolytensorError(`${op}: there are no examples (inputs have shape [${x.shape.join(',')}])`);
  if (y.rank === 0 || y.shape[0] !== n) {
    throw new PolytensorError(
      `${op}: labels have ${y.rank === 0 ? 'no batch dimension' : `${y.shape[0]} rows`} but inputs have ${n}; give one label per example`,
    );
  }
  const out = model.outputShape;
  const classes = out[out.length - 1];
  const xv = x.dataSync();
  const badX = firstBad(xv);
  if (badX >= 0) {
    const row = Math.floor(badX / (x.size / n));
    throw new PolytensorError(`${op}: inputs contain ${xv[badX]} at example ${row} (flat index ${badX}); clean or impute the data before training`);
  }
  const yv = y.dataSync();
  const badY = firstBad(yv);
  if (badY >= 0) throw new PolytensorError(`${op}: labels contain ${yv[badY]} at flat index ${badY}; labels must be finite`);
  if (loss.sparseLabels) {
    if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
      throw new PolytensorError(
        `${op}: loss '${loss.name}' takes class ids of shape [${n}], got labels [${y.shape.join(',')}]; use a one-hot loss for one-hot labels`,
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
    }
  } else {
    const expected = [n, ...out.slice(1)];
    if (y.rank !== expected.length || expected.some((d, i) => d !== null && d !== y.shape[i])) {
      throw new PolytensorError(
        `${op}: loss '${loss.name}' needs labels shaped like the model output ${formatShape(expected)}, got [${y.shape.join(',')}]` +
          (y.rank === 1 ? `; one-hot encode class ids (oneHot(labels, ${String(classes)})) or use a sparse loss` : ''),
      );
    }
  }
}

/** The model's input shape (batch dimension free) against x's; a clear error naming `op` when they differ. */
export function checkInputShape(op: string, model: Pick<Sequential, 'inputShape'>, x: Tensor): void {
  const expected = model.inputShape;
  if (!expected) return;
  const ok = expected.length === x.rank && expected.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) {
    throw new PolytensorError(`${op}: the model expects inputs of shape ${formatShape(expected)}, got [${x.shape.join(',')}]; reshape the data to match`);
  }
}
