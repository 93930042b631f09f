import { Activation, AveragePooling2D, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential, initializers, type InitializerSpec } from '@polytensor/core';

/**
 * E3's Keras-style CNN (469,514 parameters): Conv2D(64, 3, relu, same) ×2 →
 * AvgPool(2) → Dropout(.25) → Conv2D(32, 3, relu, same) ×2 → AvgPool(2) →
 * Dropout(.25) → Flatten → Dense(256, relu) → Dropout(.5) → Dense(10, softmax).
 * Train with sparseCategoricalCrossentropy (it ends in softmax).
 */
export function seedCnn(options: { name?: string } = {}): Sequential {
  return new Sequential({
    name: options.name ?? 'cnn',
    layers: [
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same', inputShape: [28, 28, 1] }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new AveragePooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.25 }),
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }),
      new AveragePooling2D({ poolSize: 2 }),
      new Dropout({ rate: 0.25 }),
      new Flatten(),
      new Dense({ units: 256, activation: 'relu' }),
      new Dropout({ rate: 0.5 }),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** The three initialisations of the LTFN5/LTFN6 comparison. */
export type LtfnInit = 'normal' | 'x0.01' | 'he';
export const LTFN_INITS: readonly LtfnInit[] = ['normal', 'x0.01', 'he'];

/**
 * The LTFN5 CNN: conv64 ×2 → maxpool → conv128 ×2 → maxpool → flatten → 10
 * logits, with ReLU as separate Activation layers. `init`: N(0, 1) ('normal',
 * LTFN5), N(0, 1) × 0.01, or He convs with a Glorot-uniform classifier ('he', LTFN6).
 */
export function ltfnCnn(init: LtfnInit = 'he'): Sequential {
  const conv: InitializerSpec = init === 'he' ? initializers.heNormal() : initializers.randomNormal({ stddev: init === 'normal' ? 1 : 0.01 });
  const fc: InitializerSpec = init === 'he' ? initializers.glorotUniform() : initializers.randomNormal({ stddev: init === 'normal' ? 1 : 0.01 });
  const c = (filters: number, name: string, first = false): Conv2D =>
    new Conv2D({ name, filters, kernelSize: 3, padding: 'same', kernelInitializer: conv, ...(first ? { inputShape: [28, 28, 1] } : {}) });
  return new Sequential({
    name: `ltfn_cnn_${init}`,
    layers: [
      c(64, 'layer1_conv', true),
      new Activation({ name: 'layer1_relu', activation: 'relu' }),
      c(64, 'layer2_conv'),
      new Activation({ name: 'layer2_relu', activation: 'relu' }),
      new MaxPooling2D({ name: 'pool1', poolSize: 2 }),
      c(128, 'layer3_conv'),
      new Activation({ name: 'layer3_relu', activation: 'relu' }),
      c(128, 'layer4_conv'),
      new Activation({ name: 'layer4_relu', activation: 'relu' }),
      new MaxPooling2D({ name: 'pool2', poolSize: 2 }),
      new Flatten({ name: 'flatten' }),
      new Dense({ name: 'logits', units: 10, kernelInitializer: fc }),
    ],
  });
}
