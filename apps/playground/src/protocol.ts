/** Messages between the page (main.ts) and the training worker (worker.ts). */
import type { Histogram } from './histograms.js';
import type { ModelName, OptimizerName } from './train/choices.js';

export const BACKENDS = ['wasm', 'webgl', 'ts'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A failure to inject, from the page's `?fail=` parameter (tests and demos). */
export type Injected = { kind: 'worker' } | { kind: 'backend'; backend: string } | { kind: 'webgl-context' } | null;

export interface TrainConfig {
  model: ModelName;
  backend: BackendName;
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  /** Training examples used (at most the shipped subset). */
  examples: number;
  /** Folder URL of the MNIST assets (the worker cannot resolve the page's relative URLs). */
  dataUrl: string;
}

/** Where a model is loaded from: this browser's IndexedDB, or files the user picked (the pair a download saves). */
export type ModelSource = { kind: 'indexeddb'; name: string } | { kind: 'files'; files: File[] };

export type ToWorker =
  | { type: 'probe'; inject: Injected }
  | { type: 'train'; config: TrainConfig; inject: Injected }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'predict'; pixels: Float32Array }
  | { type: 'save'; target: 'indexeddb' | 'download'; name: string }
  | { type: 'load'; source: ModelSource; backend: BackendName };

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it cannot run here (the initialisation error), or null. */
  reason: string | null;
}

/** A test digit the model gets wrong: its pixels (0..255, 28×28) and both labels. */
export interface Misclassified {
  pixels: Uint8Array;
  predicted: number;
  actual: number;
}

export type FromWorker =
  | { type: 'backends'; list: BackendStatus[] }
  | { type: 'loading'; loaded: number; total: number }
  | { type: 'batch'; step: number; loss: number; accuracy: number }
  | { type: 'epoch'; epoch: number; step: number; valLoss: number; valAccuracy: number }
  /** Acknowledges pause/resume: the worker has stopped between two batches, or goes on. */
  | { type: 'paused'; paused: boolean; step: number }
  | { type: 'histograms'; step: number; weights: Histogram[]; activations: Histogram[] }
  | { type: 'misclassified'; examples: Misclassified[]; wrong: number; total: number }
  | { type: 'done'; backend: string; model: string; testAccuracy: number; stopped: boolean; seconds: number }
  /** `files` (a download): the page turns them into the two files `fromFiles` reads back. */
  | { type: 'saved'; destination: string; bytes: number; files?: { base: string; json: string; weights: ArrayBuffer } }
  | { type: 'loaded'; model: string; backend: string; params: number; from: string }
  | {
      type: 'error';
      during: 'probe' | 'train' | 'pause' | 'resume' | 'stop' | 'predict' | 'save' | 'load';
      message: string;
      /** The WebGL context was lost: the page says what happened and what still works. */
      contextLost?: boolean;
    }
  | { type: 'prediction'; probabilities: number[] };

/** Parse `?fail=worker`, `?fail=backend:<name>` or `?fail=webgl-context`. */
export function parseInjected(search: string): Injected {
  const fail = new URLSearchParams(search).get('fail');
  if (fail === 'worker') return { kind: 'worker' };
  if (fail === 'webgl-context') return { kind: 'webgl-context' };
  if (fail?.startsWith('backend:')) return { kind: 'backend', backend: fail.slice('backend:'.length) };
  return null;
}
