// Every polytensor backend the interop tests run on. Each backend package
// registers itself on import; the conformance suite's float64 reference
// (each op in float64, rounded to its float32 output) joins under 'reference'.
import '@polytensor/backend-ts';
import '@polytensor/backend-wasm';
import '@polytensor/backend-webgl';
import '@polytensor/backend-gpujs';
import { referenceBackendFactory } from '@polytensor/conformance';
import { type MemoryInfo, memory, registerBackend, registeredBackends, setBackend } from '@polytensor/core';
import * as tf from '@tensorflow/tfjs';

/** The backends, in the order the tests visit them (webgl and gpujs run on headless-gl in Node). */
export const BACKENDS = ['reference', 'ts', 'wasm', 'webgl', 'gpujs'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Make `name` polytensor's active backend (initialising it on first use). */
export async function usePolytensorBackend(name: BackendName): Promise<void> {
  // Lowest priority: it is never picked unless asked for by name.
  if (name === 'reference' && !registeredBackends().includes('reference')) registerBackend('reference', referenceBackendFactory, -100);
  await setBackend(name);
}

/**
 * TensorFlow.js's side always runs on its cpu backend: plain JavaScript
 * float32, the same in every environment, so it is the fixed reference.
 */
export async function useTfjsCpu(): Promise<void> {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
}

/** Tensor and buffer counts (what every test must end with). */
export function counts(): Pick<MemoryInfo, 'numTensors' | 'numDataIds'> {
  const m = memory();
  return { numTensors: m.numTensors, numDataIds: m.numDataIds };
}
