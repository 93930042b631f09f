import {
  AveragePooling2D, Conv2D, Dense, Dropout, Flatten, Sequential, initializers, type CompileArgs,
} from '@polytensor/core';

export const MODEL_NAMES = ['mlp', 'fc', 'cnn'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface Recipe {
  /** What the model is and where it comes from. */
  description: string;
  /** Input shape without the batch dimension. */
  inputShape: number[];
  build(): Sequential;
  compile: CompileArgs;
  batchSize: number;
  epochs: number;
}

/** The seed models of EXPERIMENTS.md, with their published hyperparameters. */
export const RECIPES: Record<ModelName, Recipe> = {
  mlp: {
    description: 'E1: 784 → 64 sigmoid → 10, truncated-normal(0.1) weights, SGD 0.5, batch 64',
    inputShape: [784],
    build: () =>
      new Sequential({
        name: 'mlp',
        layers: [
          new Dense({ units: 64, activation: 'sigmoid', inputShape: [784], kernelInitializer: initializers.truncatedNormal({ stddev: 0.1 }) }),
          new Dense({ units: 10, kernelInitializer: initializers.truncatedNormal({ stddev: 0.1 }) }),
        ],
      }),
    compile: { optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] },
    batchSize: 64,
    epochs: 20,
  },
  fc: {
    description: 'LTFN3 shape: 784 → 500 relu → 500 relu → 10, He init, SGD 0.1, batch 100',
    inputShape: [784],
    build: () =>
      new Sequential({
        name: 'fc',
        layers: [
          new Dense({ units: 500, activation: 'relu', inputShape: [784], kernelInitializer: 'heNormal' }),
          new Dense({ units: 500, activation: 'relu', kernelInitializer: 'heNormal' }),
          new Dense({ units: 10, kernelInitializer: 'glorotNormal' }),
        ],
      }),
    compile: { optimizer: 'sgd', learningRate: 0.1, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] },
    batchSize: 100,
    epochs: 10,
  },
  cnn: {
    description: 'E3: the Keras-style CNN (conv64×2, avgpool, dropout, conv32×2, avgpool, dropout, dense256, dropout, dense10 softmax), Adam, batch 50',
    inputShape: [28, 28, 1],
    build: () =>
      new Sequential({
        name: 'cnn',
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
      }),
    compile: { optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
    batchSize: 50,
    epochs: 10,
  },
};
