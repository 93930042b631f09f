// The seed models of EXPERIMENTS.md (E1's MLP, E3's Keras CNN) and a
// learnable stand-in for MNIST, shared by the backends' training tests (tests
// download nothing; core's model test uses the CNN too). apps/train and
// apps/examples hold the user-facing copies.
import { AveragePooling2D, Conv2D, Dense, Dropout, Flatten, Sequential } from '@polytensor/core';

/** E1: 784 → 64 sigmoid → 10 (logits), weights truncated-normal (stddev 0.1), zero biases. */
export function seedMlp(): Sequential {
  const init = { className: 'TruncatedNormal', config: { stddev: 0.1 } };
  return new Sequential({
    layers: [
      new Dense({ units: 64, activation: 'sigmoid', kernelInitializer: init, biasInitializer: 'zeros', inputShape: [784] }),
      new Dense({ units: 10, kernelInitializer: init, biasInitializer: 'zeros' }),
    ],
  });
}

/** E3: Conv2D(64,3,relu,same) ×2 → AvgPool(2) → Dropout(.25) → Conv2D(32,3,relu,same) ×2 → AvgPool(2) → Dropout(.25) → Flatten → Dense(256,relu) → Dropout(.5) → Dense(10,softmax). */
export function seedCnn(): Sequential {
  return new Sequential({
    layers: [
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [28, 28, 1] }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new AveragePooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.25 }),
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new AveragePooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.25 }),
      new Flatten(),
      new Dense({ units: 256, activation: 'relu' }),
      new Dropout({ rate: 0.5 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/**
 * n 28×28 images: image i shows class `classOf(i)` (default i mod 10) as a
 * bright horizontal bar at rows 2k+3..2k+4 over faint deterministic noise.
 */
export function bars(n: number, classOf: (i: number) => number = (i) => i % 10, seed = 12345): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  let s = seed;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) {
    const k = classOf(i);
    y[i] = k;
    for (let p = 0; p < 784; p++) x[i * 784 + p] = 0.1 * rnd();
    for (const row of [2 * k + 3, 2 * k + 4]) for (let c = 4; c < 24; c++) x[i * 784 + row * 28 + c] = 1;
  }
  return { x, y };
}
