// Shared helpers for this package's tests.
import { registerBackend, removeBackend } from '@polytensor/core';
import { createGpujsBackend, type GpujsBackend } from './backend.js';
import { bars as sharedBars } from '../../../tools/vitest/seed_models.js';

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

/** The shared stand-in for MNIST (tools/vitest/seed_models.ts), classes in a shuffled order (7i mod 10). */
export function bars(n: number): { x: Float32Array; y: Int32Array } {
  return sharedBars(n, (i) => (i * 7) % 10);
}
