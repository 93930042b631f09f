import { describe, expect, it } from 'vitest';
import { convFlops, matMulFlops, modelFlops } from './flops.js';
import type { ModelSpec } from './models.js';

describe('FLOP counts', () => {
  it('count a multiply-add as 2 in products and stride-1 SAME convolutions', () => {
    expect(matMulFlops(1024, 1024, 1024)).toBe(2 * 1024 ** 3);
    expect(matMulFlops(2, 3, 4)).toBe(48);
    // 50 images of 28×28, 64 → 64 channels, 3×3: 50·784 pixels · 64 outputs · 576 terms · 2
    expect(convFlops(50, 28, 28, 64, 64, 3)).toBe(50 * 784 * 64 * 576 * 2);
  });

  it('count a model: the forward products, then both gradients of every layer but the first one’s input gradient', () => {
    const spec = {
      inputShape: [8, 8, 1],
      layers: [
        { kind: 'conv', filters: 4, size: 3, activation: 'relu' },
        { kind: 'avgpool', size: 2 },
        { kind: 'dropout', rate: 0.5 },
        { kind: 'flatten' },
        { kind: 'dense', units: 10, activation: 'softmax' },
      ],
    } as unknown as ModelSpec;
    const conv = 2 * 5 * (8 * 8) * 4 * (3 * 3 * 1); // batch 5
    const dense = 2 * 5 * (4 * 4 * 4) * 10; // after the 2×2 pool: 4×4×4 features
    expect(modelFlops(spec, 5, false)).toBe(conv + dense);
    expect(modelFlops(spec, 5, true)).toBe(conv + dense + conv + 2 * dense);
  });
});
