/**
 * What the Train tab shows besides the curves, computed in the worker:
 * histograms of every weight and of each layer's output on a fixed batch of
 * test digits, and the test digits the model gets wrong.
 */
import { argMax, type Sequential, type Tensor, tidy } from '@polytensor/core';
import { type Histogram, histogram } from '../histograms.js';
import type { Misclassified } from '../protocol.js';

/** Weights of every layer, then the output of each layer that has weights (activations fused into it). */
export async function modelHistograms(model: Sequential, probe: Tensor): Promise<{ weights: Histogram[]; activations: Histogram[] }> {
  // labelled by position and class name: default layer names come from constructor names, which a minified build mangles
  const label = (i: number): string => `${i + 1}. ${model.layers[i]!.className}`;
  const weights: Histogram[] = [];
  for (const [i, layer] of model.layers.entries()) {
    for (const { name, variable } of layer.weights) weights.push(histogram(`${label(i)} ${name}`, await variable.data()));
  }
  const shown = model.layers.flatMap((l, i) => (l.weights.length > 0 ? [i] : []));
  const outputs = tidy(() => {
    const out: Tensor[] = [];
    let h = probe;
    for (const [i, layer] of model.layers.entries()) {
      h = layer.apply(h);
      if (shown.includes(i)) out.push(h);
    }
    return out;
  });
  const activations: Histogram[] = [];
  try {
    for (const [i, t] of outputs.entries()) activations.push(histogram(`${label(shown[i]!)} output`, await t.data()));
  } finally {
    for (const t of outputs) t.dispose();
  }
  return { weights, activations };
}

/**
 * Test digits the model classifies wrongly: the first `limit` of them, in
 * test-set order, with `wrong` out of `total` counted over the whole set.
 */
export async function misclassified(
  model: Sequential,
  x: Tensor,
  labels: Int32Array,
  images: Float32Array,
  limit = 24,
): Promise<{ examples: Misclassified[]; wrong: number; total: number }> {
  const predicted = tidy(() => argMax(model.predict(x, { batchSize: 250 }) as Tensor, -1));
  let classes: ArrayLike<number>;
  try {
    classes = await predicted.data();
  } finally {
    predicted.dispose();
  }
  const examples: Misclassified[] = [];
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) {
    if (classes[i] === labels[i]) continue;
    wrong++;
    if (examples.length < limit) {
      const pixels = Uint8Array.from(images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
      examples.push({ pixels, predicted: classes[i]!, actual: labels[i]! });
    }
  }
  return { examples, wrong, total: labels.length };
}
