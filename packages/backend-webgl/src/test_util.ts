import { inject } from 'vitest';
import { createWebGLBackend, type WebGLBackend } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The WebGL version this test project forces (chromium-webgl2: 2; chromium-webgl1 and node: 1). */
    webglVersion: 1 | 2;
  }
}

/** The WebGL version of the current test project. */
export function projectWebGLVersion(): 1 | 2 {
  return inject('webglVersion');
}

/** A backend on the project's WebGL version (headless-gl in Node). */
export function newBackend(): Promise<WebGLBackend> {
  return createWebGLBackend({ webglVersion: projectWebGLVersion() });
}

// ---- the seed models (EXPERIMENTS.md E1 and E3) and learnable stand-ins for MNIST ----

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
 * A learnable stand-in for MNIST (no download in tests): class k is a bright
 * horizontal bar at rows 2k+3..2k+4 over faint deterministic noise.
 */
export function bars(n: number, seed = 12345): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * 28 * 28);
  const y = new Int32Array(n);
  let s = seed;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    y[i] = k;
    for (let p = 0; p < 784; p++) x[i * 784 + p] = 0.1 * rnd();
    for (const row of [2 * k + 3, 2 * k + 4]) for (let c = 4; c < 24; c++) x[i * 784 + row * 28 + c] = 1;
  }
  return { x, y };
}
