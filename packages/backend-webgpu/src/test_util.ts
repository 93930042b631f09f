import { createWebGPUBackend, type WebGPUBackend } from './index.js';

/**
 * A backend on Chromium's WebGPU adapter (SwiftShader in CI), drawing random
 * numbers with its WGSL kernel: 'auto' would pick the host draw on
 * SwiftShader, and the conformance suite and training tests should judge the
 * GPU one.
 */
export function newBackend(): Promise<WebGPUBackend> {
  return createWebGPUBackend({ random: 'gpu' });
}

// the seed models (EXPERIMENTS.md E1 and E3) and a learnable stand-in for MNIST
export { bars, seedCnn, seedMlp } from '../../../tools/vitest/seed_models.js';
