// Shared helpers for this package's tests.
import { registerBackend, removeBackend, type TensorInfo } from '@polytensor/core';
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

/**
 * Host values as a float32 tensor uploaded flat (a near-square texture, as a
 * 1-D tensor is): a 2-D upload would sit in rows of its last dimension
 * (`uploadRowsWidth`), and these tests compare the two layouts.
 */
export function putFlat(b: GpujsBackend, values: ArrayLike<number>, shape: number[]): TensorInfo {
  const dataId = b.write(Float32Array.from(values), shape, 'float32');
  b.store.tex({ dataId, shape: [shape.reduce((x, y) => x * y, 1)], dtype: 'float32' });
  return { dataId, shape, dtype: 'float32' };
}
