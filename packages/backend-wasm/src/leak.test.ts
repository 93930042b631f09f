// No wasm memory leak over 1,000 training steps (the shared suite,
// tools/vitest/training_leak.ts): every counter memory() reports, and the wasm
// heap itself, are flat after warm-up. The model is tiny but its weights are
// big enough (a 128×256 dense kernel, conv gradients of 32 KB) that leaking
// one XNNPACK operator (packed weights) or one buffer per step would grow the
// heap by tens of MB over the run.
import { tinyCnnCase, trainingLeakSuite } from '../../../tools/vitest/training_leak.js';
import { createWasmBackend } from './index.js';

trainingLeakSuite('memory() and the wasm heap stay flat', {
  create: createWasmBackend,
  ...tinyCnnCase({ inputShape: [8, 8, 1], filters: 8, hidden: 256, hiddenActivation: 'relu', classes: 10, learningRate: 0.001 }),
  batch: 16,
  warmup: 50,
  nonZero: ['tfjsDataIds', 'wasmHeapBytes'],
});
