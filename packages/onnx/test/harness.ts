// Export a model, run it in ONNX Runtime, and compare with polytensor's
// predict on the same inputs, at two batch sizes (the batch is symbolic).
import { expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import { tensor, type LayersModel, type Tensor } from '@polytensor/core';
import { exportOnnx } from '../src/index.js';

/** Deterministic uniform values in [lo, hi) (a small LCG: test data, not statistics). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return out;
}

/**
 * Replace every weight with seeded values, so biases, moving statistics and
 * slopes are not their (often trivial) initial values. Variances stay positive.
 */
export function randomizeWeights(model: LayersModel, seed: number): void {
  model.setWeightValues(
    model.weights.map((w, i) =>
      /movingVariance$/.test(w.name) ? uniform(w.variable.size, seed + i, 0.5, 1.5) : uniform(w.variable.size, seed + i, -0.5, 0.5),
    ),
  );
}

/** One input of a model for a given batch size: values and shape (int32 for ids). */
export interface InputData {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

/**
 * The bound on |onnx − polytensor| per element: ε·(s + |b|) with
 * ε = 4·L·2⁻²⁴ and s the largest |b| of that output. L is the summed length
 * of the reductions along the model's longest path (dot products, window
 * sums, recurrent steps × their inputs): two float32 implementations that add
 * in different orders differ by up to about L roundings of the partial sums'
 * magnitude, which s stands for; 4 covers the transcendental functions' few
 * ulp. A wrong layout, gate order or padding gives errors of order s.
 */
export function expectClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, reduction: number): void {
  expect(got.length, `${what}: element count`).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  const eps = 4 * reduction * 2 ** -24;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const excess = Math.abs(got[i]! - want[i]!) - eps * (scale + Math.abs(want[i]!));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      at = i;
    }
  }
  expect(at, `${what}: element ${at} is ${got[at]} in ONNX Runtime, ${want[at]} in polytensor (bound ε = ${eps.toExponential(2)}, scale ${scale})`).toBe(-1);
}

const toOrt = (x: InputData): ort.Tensor =>
  x.data instanceof Int32Array ? new ort.Tensor('int32', x.data, [...x.shape]) : new ort.Tensor('float32', x.data, [...x.shape]);

/**
 * Export `model` (opset as given), run it in ONNX Runtime on `inputs(batch)`
 * for each batch size, and compare every output with model.predict.
 * Returns the exported bytes.
 */
export async function checkAgainstOrt(
  model: LayersModel,
  inputs: (batch: number) => InputData[],
  options: { reduction: number; opset?: number; batches?: readonly number[] },
): Promise<Uint8Array> {
  const bytes = exportOnnx(model, { opset: options.opset });
  const session = await ort.InferenceSession.create(bytes);
  try {
    expect(session.inputNames).toEqual([...model.inputNames]);
    for (const batch of options.batches ?? [2, 5]) {
      const xs = inputs(batch);
      const feeds = Object.fromEntries(session.inputNames.map((n, i) => [n, toOrt(xs[i]!)]));
      const results = await session.run(feeds);
      const ts = xs.map((x) => tensor(x.data, [...x.shape], x.data instanceof Int32Array ? 'int32' : 'float32'));
      const pred = model.predict(ts.length === 1 ? ts[0]! : ts, { batchSize: batch });
      const preds: Tensor[] = Array.isArray(pred) ? pred : [pred];
      try {
        expect(session.outputNames.length).toBe(preds.length);
        session.outputNames.forEach((name, i) => {
          const out = results[name]!;
          expect(out.dims, `${model.name} output '${name}' shape at batch ${batch}`).toEqual(preds[i]!.shape);
          expectClose(`${model.name} output '${name}' at batch ${batch}`, out.data as Float32Array, preds[i]!.dataSync(), options.reduction);
        });
      } finally {
        for (const t of [...ts, ...preds]) t.dispose();
      }
    }
  } finally {
    await session.release();
  }
  return bytes;
}

/** A float input [batch, ...shape] of seeded values. */
export const floats =
  (shape: readonly number[], seed = 7, lo = -1, hi = 1) =>
  (batch: number): InputData[] => [{ data: uniform(batch * shape.reduce((a, b) => a * b, 1), seed + batch, lo, hi), shape: [batch, ...shape] }];

/** An int32 ids input [batch, ...shape] in [0, n). */
export const ids =
  (shape: readonly number[], n: number, seed = 11) =>
  (batch: number): InputData[] => {
    const u = uniform(batch * shape.reduce((a, b) => a * b, 1), seed + batch, 0, n);
    return [{ data: Int32Array.from(u, (v) => Math.min(Math.floor(v), n - 1)), shape: [batch, ...shape] }];
  };
