import { createWebGPUBackend, type WebGPUBackend } from './index.js';

/** A backend on Chromium's WebGPU adapter (SwiftShader in CI). */
export function newBackend(): Promise<WebGPUBackend> {
  return createWebGPUBackend();
}

// the seed models (EXPERIMENTS.md E1 and E3) and a learnable stand-in for MNIST
export { bars, seedCnn, seedMlp } from '../../../tools/vitest/seed_models.js';
