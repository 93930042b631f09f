// No wasm memory leak over 1,000 training steps: every counter memory()
// reports, and the wasm heap itself, are flat after warm-up. The model is tiny
// but its weights are big enough (a 128×256 dense kernel, conv gradients of
// 32 KB) that leaking one XNNPACK operator (packed weights) or one buffer per
// step would grow the heap by tens of MB over the run.
import { describe, expect, it } from 'vitest';
import { AveragePooling2D, Conv2D, Dense, Flatten, Sequential, memory, registerBackend, removeBackend, setBackend, setSeed, tensor } from '@polytensor/core';
import { createWasmBackend } from './index.js';

describe('memory over 1,000 training steps', () => {
  it('memory() and the wasm heap stay flat', async () => {
    const wasm = await createWasmBackend();
    registerBackend('wasm-leak', () => wasm, -1);
    try {
      await setBackend('wasm-leak');
      setSeed(11);
      const model = new Sequential({
        layers: [
          new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [8, 8, 1] }),
          new AveragePooling2D({ poolSize: 2 }),
          new Flatten(),
          new Dense({ units: 256, activation: 'relu' }),
          new Dense({ units: 10 }),
        ],
      });
      model.compile({ optimizer: 'adam', learningRate: 0.001, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] });
      const n = 16;
      const xs = new Float32Array(n * 64).map((_, i) => Math.sin(i * 0.37));
      const ys = new Int32Array(n).map((_, i) => i % 10);
      const x = tensor(xs, [n, 8, 8, 1]);
      const y = tensor(ys, [n], 'int32');

      const snapshot = (): Record<string, number> => {
        const core = memory();
        const b = wasm.memory();
        return {
          tensors: core.numTensors,
          dataIds: core.numDataIds,
          bytes: core.numBytes,
          backendDataIds: b.numDataIds,
          backendBytes: b.numBytes,
          tfjsDataIds: b['tfjsDataIds']!,
          wasmHeapBytes: b['wasmHeapBytes']!,
        };
      };

      let first = NaN;
      let last = NaN;
      for (let step = 0; step < 50; step++) first = model.trainOnBatch(x, y).loss;
      const before = snapshot();
      for (let step = 50; step < 1000; step++) last = model.trainOnBatch(x, y).loss;
      const after = snapshot();

      expect(after).toEqual(before);
      expect(last).toBeLessThan(first); // it did train
      x.dispose();
      y.dispose();
      model.dispose();
    } finally {
      removeBackend('wasm-leak');
    }
  });
});
