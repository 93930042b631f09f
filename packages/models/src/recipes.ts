import type { CompileArgs, Sequential } from '@polytensor/core';
import { seedCnn } from './cnn.js';
import { fcMlp, seedMlp } from './mlp.js';

export const RECIPE_NAMES = ['mlp', 'fc', 'cnn'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

/** A seed model with the hyperparameters it was published with. */
export interface Recipe {
  readonly name: RecipeName;
  /** What the model is and where it comes from. */
  readonly description: string;
  /** Input shape without the batch dimension. */
  readonly inputShape: readonly number[];
  build(): Sequential;
  readonly compile: CompileArgs;
  readonly batchSize: number;
  readonly epochs: number;
}

/** The MNIST seed models of EXPERIMENTS.md, trained by apps/train and measured by apps/bench. */
export const RECIPES: Readonly<Record<RecipeName, Recipe>> = {
  mlp: {
    name: 'mlp',
    description: 'E1: 784 → 64 sigmoid → 10, truncated-normal(0.1) weights, SGD 0.5, batch 64',
    inputShape: [784],
    build: () => seedMlp(),
    compile: { optimizer: 'sgd', learningRate: 0.5, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] },
    batchSize: 64,
    epochs: 20,
  },
  fc: {
    name: 'fc',
    description: 'LTFN3 shape: 784 → 500 relu → 500 relu → 10, He init, SGD 0.1, batch 100',
    inputShape: [784],
    build: () => fcMlp(),
    compile: { optimizer: 'sgd', learningRate: 0.1, loss: 'sparseSoftmaxCrossEntropy', metrics: ['accuracy'] },
    batchSize: 100,
    epochs: 10,
  },
  cnn: {
    name: 'cnn',
    description: 'E3: the Keras-style CNN (conv64×2, avgpool, dropout, conv32×2, avgpool, dropout, dense256, dropout, dense10 softmax), Adam, batch 50',
    inputShape: [28, 28, 1],
    build: () => seedCnn(),
    compile: { optimizer: 'adam', learningRate: 0.001, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
    batchSize: 50,
    epochs: 10,
  },
};
