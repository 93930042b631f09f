/** Messages between the page (main.ts) and the training worker (worker.ts). */

export const BACKENDS = ['wasm', 'webgl', 'ts'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A failure to inject, from the page's `?fail=` parameter (tests and demos). */
export type Injected = { kind: 'worker' } | { kind: 'backend'; backend: string } | null;

export interface TrainConfig {
  backend: BackendName;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'sgd' | 'adam';
  /** Training examples used (at most the shipped subset). */
  examples: number;
  /** Folder URL of the MNIST assets (the worker cannot resolve the page's relative URLs). */
  dataUrl: string;
}

export type ToWorker =
  | { type: 'probe'; inject: Injected }
  | { type: 'train'; config: TrainConfig; inject: Injected }
  | { type: 'stop' }
  | { type: 'predict'; pixels: Float32Array };

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it cannot run here (the initialisation error), or null. */
  reason: string | null;
}

export type FromWorker =
  | { type: 'backends'; list: BackendStatus[] }
  | { type: 'loading'; loaded: number; total: number }
  | { type: 'batch'; step: number; loss: number; accuracy: number }
  | { type: 'epoch'; epoch: number; step: number; valLoss: number; valAccuracy: number }
  | { type: 'done'; backend: string; testAccuracy: number; stopped: boolean; seconds: number }
  | { type: 'error'; during: 'probe' | 'train' | 'stop' | 'predict'; message: string }
  | { type: 'prediction'; probabilities: number[] };

/** Parse `?fail=worker` or `?fail=backend:<name>`. */
export function parseInjected(search: string): Injected {
  const fail = new URLSearchParams(search).get('fail');
  if (fail === 'worker') return { kind: 'worker' };
  if (fail?.startsWith('backend:')) return { kind: 'backend', backend: fail.slice('backend:'.length) };
  return null;
}
