// The models every interop direction runs: each built once in tfjs and once in
// polytensor, the same architecture, with a few inputs to predict on.
import type { LayersModel } from '@polytensor/core';
import type * as tf from '@tensorflow/tfjs';
import { type HostInput, idInput, normalInput, uniformInput } from './inputs.js';
import { polytensorBatchNormConv, polytensorCnn, polytensorMlp, polytensorText, polytensorTwoInput } from './polytensor_models.js';
import { TEXT, tfjsBatchNormConv, tfjsCnn, tfjsMlp, tfjsText, tfjsTwoInput } from './tfjs_models.js';

export interface InteropCase {
  readonly name: string;
  /** Parameters, counted by hand from the architecture (not by either library). */
  readonly params: number;
  /** A few samples (the CNN is big: a handful is enough to compare). */
  inputs(): HostInput[];
  tfjs(seed: number): tf.LayersModel;
  polytensor(seed: number): LayersModel;
}

// Weights + biases per layer; recurrent: gates·units·(features + units + 1).
const dense = (i: number, o: number): number => i * o + o;
const conv = (k: number, c: number, f: number): number => k * k * c * f + f;

export const CASES: readonly InteropCase[] = [
  {
    name: 'seed MLP',
    params: dense(784, 64) + dense(64, 10),
    inputs: () => [uniformInput('interop/mlp', [4, 784])],
    tfjs: tfjsMlp,
    polytensor: polytensorMlp,
  },
  {
    name: 'seed CNN',
    params: 469_514,
    inputs: () => [uniformInput('interop/cnn', [3, 28, 28, 1])],
    tfjs: tfjsCnn,
    polytensor: polytensorCnn,
  },
  {
    name: 'text LSTM',
    params: TEXT.vocab * TEXT.embed + 4 * 6 * (TEXT.embed + 6 + 1) + dense(6, TEXT.classes),
    inputs: () => [idInput('interop/lstm', [5, TEXT.time], TEXT.vocab)],
    tfjs: (seed) => tfjsText(seed, 'lstm'),
    polytensor: (seed) => polytensorText(seed, 'lstm'),
  },
  {
    name: 'text GRU',
    params: TEXT.vocab * TEXT.embed + 3 * 6 * (TEXT.embed + 6 + 1) + dense(6, TEXT.classes),
    inputs: () => [idInput('interop/gru', [5, TEXT.time], TEXT.vocab)],
    tfjs: (seed) => tfjsText(seed, 'gru'),
    polytensor: (seed) => polytensorText(seed, 'gru'),
  },
  {
    name: 'text Bidirectional LSTM',
    params: TEXT.vocab * TEXT.embed + 2 * 4 * 5 * (TEXT.embed + 5 + 1) + dense(10, TEXT.classes),
    inputs: () => [idInput('interop/bidirectional', [5, TEXT.time], TEXT.vocab)],
    tfjs: (seed) => tfjsText(seed, 'bidirectional'),
    polytensor: (seed) => polytensorText(seed, 'bidirectional'),
  },
  {
    name: 'functional two-input',
    params: dense(6, 8) + dense(4, 8) + dense(16, 3),
    inputs: () => [normalInput('interop/two/left', [5, 6]), normalInput('interop/two/right', [5, 4])],
    tfjs: tfjsTwoInput,
    polytensor: polytensorTwoInput,
  },
  {
    name: 'BatchNormalization conv',
    params: conv(3, 3, 8) + 4 * 8 + conv(3, 8, 6) + 4 * 6 + dense(2 * 2 * 6, 5),
    inputs: () => [normalInput('interop/bn', [3, 12, 12, 3])],
    tfjs: tfjsBatchNormConv,
    polytensor: polytensorBatchNormConv,
  },
];
