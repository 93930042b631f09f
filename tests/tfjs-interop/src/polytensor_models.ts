// The interop models built in polytensor: the architectures of tfjs_models.ts,
// weights from polytensor's seeded initializers. Biases are random too, and
// batch normalization's four vectors (which take no initializer here) are
// set from a seeded generator, so every weight matters to the predictions.
import { Rng } from '@polytensor/conformance';
import {
  AveragePooling2D,
  BatchNormalization,
  Bidirectional,
  Concatenate,
  Conv2D,
  Dense,
  Dropout,
  Embedding,
  Flatten,
  GRU,
  type LayersModel,
  LSTM,
  MaxPooling2D,
  Sequential,
  initializers,
  input,
  model,
  setSeed,
  tensor,
} from '@polytensor/core';
import { TEXT } from './tfjs_models.js';

const bias = () => initializers.randomNormal({ stddev: 0.2 });

/** Build now (with the seed set) and return the model. */
function built<M extends LayersModel>(seed: number, make: () => M): M {
  setSeed(seed);
  const m = make();
  m.build();
  return m;
}

/** The seed MLP: 784 → 64 sigmoid → 10 logits. */
export function polytensorMlp(seed: number): Sequential {
  return built(
    seed,
    () =>
      new Sequential({
        name: 'mlp',
        layers: [
          new Dense({
            units: 64,
            activation: 'sigmoid',
            inputShape: [784],
            kernelInitializer: initializers.truncatedNormal({ stddev: 0.1 }),
            biasInitializer: bias(),
          }),
          new Dense({ units: 10, kernelInitializer: initializers.truncatedNormal({ stddev: 0.1 }), biasInitializer: bias() }),
        ],
      }),
  );
}

/** The seed CNN (469,514 parameters), as packages/models/src/cnn.ts, with random biases. */
export function polytensorCnn(seed: number): Sequential {
  const conv = (filters: number, first = false) =>
    new Conv2D({ filters, kernelSize: 3, activation: 'relu', padding: 'same', biasInitializer: bias(), ...(first ? { inputShape: [28, 28, 1] } : {}) });
  return built(
    seed,
    () =>
      new Sequential({
        name: 'cnn',
        layers: [
          conv(64, true),
          conv(64),
          new AveragePooling2D({ poolSize: 2 }),
          new Dropout({ rate: 0.25 }),
          conv(32),
          conv(32),
          new AveragePooling2D({ poolSize: 2 }),
          new Dropout({ rate: 0.25 }),
          new Flatten(),
          new Dense({ units: 256, activation: 'relu', biasInitializer: bias() }),
          new Dropout({ rate: 0.5 }),
          new Dense({ units: 10, activation: 'softmax', biasInitializer: bias() }),
        ],
      }),
  );
}

/**
 * Embedding → recurrent → Dense softmax with polytensor's defaults (sigmoid
 * gates), except GRU without resetAfter: tfjs implements only that variant.
 */
export function polytensorText(seed: number, kind: 'lstm' | 'gru' | 'bidirectional'): Sequential {
  const rnn = (units: number) =>
    kind === 'gru' ? new GRU({ units, resetAfter: false, biasInitializer: bias() }) : new LSTM({ units, biasInitializer: bias() });
  return built(
    seed,
    () =>
      new Sequential({
        name: `text_${kind}`,
        layers: [
          new Embedding({
            inputDim: TEXT.vocab,
            outputDim: TEXT.embed,
            inputLength: TEXT.time,
            embeddingsInitializer: initializers.randomNormal({ stddev: 1 }),
          }),
          kind === 'bidirectional' ? new Bidirectional({ layer: rnn(5), mergeMode: 'concat' }) : rnn(6),
          new Dense({ units: TEXT.classes, activation: 'softmax', biasInitializer: bias() }),
        ],
      }),
  );
}

/** Two inputs ([6] and [4]), a Dense branch each, Concatenate, Dense softmax. */
export function polytensorTwoInput(seed: number): LayersModel {
  return built(seed, () => {
    const a = input({ shape: [6], name: 'left' });
    const b = input({ shape: [4], name: 'right' });
    const ha = new Dense({ units: 8, activation: 'relu', biasInitializer: bias() }).apply(a);
    const hb = new Dense({ units: 8, activation: 'tanh', biasInitializer: bias() }).apply(b);
    const joined = new Concatenate().apply([ha, hb]);
    return model({ name: 'two_input', inputs: [a, b], outputs: new Dense({ units: 3, activation: 'softmax', biasInitializer: bias() }).apply(joined) });
  });
}

/** Conv2D → BatchNormalization → MaxPool → Dropout → Conv2D → BatchNormalization → AvgPool → Flatten → Dense softmax on [12, 12, 3]. */
export function polytensorBatchNormConv(seed: number): Sequential {
  const m = built(
    seed,
    () =>
      new Sequential({
        name: 'bn_conv',
        layers: [
          new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [12, 12, 3], biasInitializer: bias() }),
          new BatchNormalization(),
          new MaxPooling2D({ poolSize: 2 }),
          new Dropout({ rate: 0.3 }),
          new Conv2D({ filters: 6, kernelSize: 3, padding: 'valid', biasInitializer: bias() }),
          new BatchNormalization(),
          new AveragePooling2D({ poolSize: 2 }),
          new Flatten(),
          new Dense({ units: 5, activation: 'softmax', biasInitializer: bias() }),
        ],
      }),
  );
  randomizeBatchNorm(m, `bn_conv/${seed}`);
  return m;
}

/** gamma and variance in [0.5, 1.5), beta and mean normal (σ 0.2): batch normalization that does something. */
function randomizeBatchNorm(m: LayersModel, seed: string): void {
  const r = new Rng(seed);
  for (const { name, variable } of m.weights) {
    const positive = /\/(gamma|movingVariance)$/.test(name);
    if (!positive && !/\/(beta|movingMean)$/.test(name)) continue;
    const values = Float32Array.from({ length: variable.size }, () => (positive ? 0.5 + r.next() : 0.2 * r.normal()));
    const t = tensor(values, variable.shape);
    variable.assign(t);
    t.dispose();
  }
}
