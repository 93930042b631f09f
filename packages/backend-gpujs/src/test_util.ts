// Shared helpers for this package's tests.
import { registerBackend, removeBackend } from '@polytensor/core';
import { createGpujsBackend, type GpujsBackend } from './backend.js';

let counter = 0;

/**
 * A fresh gpujs backend registered with core under a private name (lowest
 * priority); `release()` removes the registration, which disposes it.
 */
export function registeredBackend(): { name: string; backend: GpujsBackend; release: () => void } {
  const backend = createGpujsBackend();
  const name = `gpujs-test-${++counter}`;
  registerBackend(name, () => backend, -10);
  return { name, backend, release: () => removeBackend(name) };
}

/**
 * A learnable stand-in for MNIST (tests download nothing): class k is a bright
 * horizontal bar at rows 2k+3..2k+4 of a 28×28 image over faint deterministic noise.
 */
export function bars(n: number): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  let s = 12345;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) {
    const k = (i * 7) % 10;
    y[i] = k;
    for (let p = 0; p < 784; p++) x[i * 784 + p] = 0.1 * rnd();
    for (const row of [2 * k + 3, 2 * k + 4]) for (let c = 4; c < 24; c++) x[i * 784 + row * 28 + c] = 1;
  }
  return { x, y };
}
