import { Dense, Sequential, initializers, type InitializerSpec } from '@polytensor/core';

export interface SeedMlpOptions {
  /** Hidden units (E1: 64). */
  hidden?: number;
  /** Kernel initializer of both layers (E1: truncated normal, stddev 0.1). */
  kernelInitializer?: InitializerSpec;
  name?: string;
}

/**
 * E1's MLP: 784 → `hidden` sigmoid → 10 logits; weights truncated-normal
 * (stddev 0.1), zero biases. Train with sparseSoftmaxCrossEntropy.
 */
export function seedMlp(options: SeedMlpOptions = {}): Sequential {
  const init = (): InitializerSpec => options.kernelInitializer ?? initializers.truncatedNormal({ stddev: 0.1 });
  return new Sequential({
    name: options.name ?? 'mlp',
    layers: [
      new Dense({ units: options.hidden ?? 64, activation: 'sigmoid', inputShape: [784], kernelInitializer: init(), biasInitializer: 'zeros' }),
      new Dense({ units: 10, kernelInitializer: init(), biasInitializer: 'zeros' }),
    ],
  });
}

/** LTFN3's fully connected net: 784 → 500 relu → 500 relu → 10 logits; He init, Glorot on the logits. */
export function fcMlp(options: { name?: string } = {}): Sequential {
  return new Sequential({
    name: options.name ?? 'fc',
    layers: [
      new Dense({ units: 500, activation: 'relu', inputShape: [784], kernelInitializer: 'heNormal' }),
      new Dense({ units: 500, activation: 'relu', kernelInitializer: 'heNormal' }),
      new Dense({ units: 10, kernelInitializer: 'glorotNormal' }),
    ],
  });
}
