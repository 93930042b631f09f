/** Histograms of weights and activations, binned in the worker and drawn by the page (histogram_view.ts). */

export interface Histogram {
  /** What was binned, e.g. 'dense_1/kernel' or 'conv2d_2 output'. */
  label: string;
  min: number;
  max: number;
  /** Count per bin; bins split [min, max] evenly, the last one closed. */
  counts: number[];
  /** Values binned (non-finite values are skipped, so counts may sum to less). */
  size: number;
}

/**
 * Bin `values` into `bins` equal bins over their finite range. A constant
 * input (e.g. zero biases) puts everything in the middle bin of a range
 * widened by ±0.5, so the bar still shows where the value sits.
 */
export function histogram(label: string, values: ArrayLike<number>, bins = 24): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram(${label}): bins must be a positive integer, got ${bins}`);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min > max) return { label, min: 0, max: 0, counts, size: values.length };
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const scale = bins / (max - min);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) * scale))]!++;
  }
  return { label, min, max, counts, size: values.length };
}
