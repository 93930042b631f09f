// The interop models built in TensorFlow.js. Every weight (biases and batch
// normalization statistics too) comes from a seeded tfjs initializer, so a
// weight loaded into the wrong place changes the predictions.
import * as tf from '@tensorflow/tfjs';

/** Successive seeds from one: each initializer draws its own stream. */
function seeder(seed: number): () => number {
  let k = 0;
  return () => seed * 1000 + k++;
}

type Init = ReturnType<typeof tf.initializers.glorotUniform>;

function inits(seed: number) {
  const next = seeder(seed);
  return {
    kernel: (): Init => tf.initializers.glorotUniform({ seed: next() }),
    bias: (): Init => tf.initializers.randomNormal({ mean: 0, stddev: 0.2, seed: next() }),
    normal: (stddev: number): Init => tf.initializers.randomNormal({ mean: 0, stddev, seed: next() }),
    truncated: (stddev: number): Init => tf.initializers.truncatedNormal({ mean: 0, stddev, seed: next() }),
    positive: (): Init => tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: next() }),
  };
}

/** The seed MLP (packages/models/src/mlp.ts): 784 → 64 sigmoid → 10 logits, truncated-normal (0.1) kernels. */
export function tfjsMlp(seed: number): tf.LayersModel {
  const i = inits(seed);
  return tf.sequential({
    name: 'mlp',
    layers: [
      tf.layers.dense({ units: 64, activation: 'sigmoid', inputShape: [784], kernelInitializer: i.truncated(0.1), biasInitializer: i.bias() }),
      tf.layers.dense({ units: 10, kernelInitializer: i.truncated(0.1), biasInitializer: i.bias() }),
    ],
  });
}

/**
 * The seed CNN (packages/models/src/cnn.ts, 469,514 parameters): Conv2D(64, 3,
 * relu, same) ×2 → AvgPool(2) → Dropout(.25) → Conv2D(32, 3, relu, same) ×2 →
 * AvgPool(2) → Dropout(.25) → Flatten → Dense(256, relu) → Dropout(.5) → Dense(10, softmax).
 */
export function tfjsCnn(seed: number): tf.LayersModel {
  const i = inits(seed);
  const conv = (filters: number, first = false) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: i.kernel(),
      biasInitializer: i.bias(),
      ...(first ? { inputShape: [28, 28, 1] } : {}),
    });
  return tf.sequential({
    name: 'cnn',
    layers: [
      conv(64, true),
      conv(64),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      conv(32),
      conv(32),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: i.kernel(), biasInitializer: i.bias() }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: i.kernel(), biasInitializer: i.bias() }),
    ],
  });
}

/** Text models' sizes (shared with the polytensor builders and the inputs). */
export const TEXT = { vocab: 30, embed: 8, time: 7, classes: 4 } as const;

/**
 * Embedding → recurrent → Dense softmax. tfjs's own recurrent defaults stay
 * (hard-sigmoid gates, GRU without reset_after), so a loader must read them
 * from the file rather than assume Keras 2's.
 */
export function tfjsText(seed: number, kind: 'lstm' | 'gru' | 'bidirectional'): tf.LayersModel {
  const i = inits(seed);
  const rnn = (units: number) => {
    const args = { units, kernelInitializer: i.kernel(), recurrentInitializer: i.kernel(), biasInitializer: i.bias() };
    return kind === 'gru' ? tf.layers.gru(args) : tf.layers.lstm(args);
  };
  const recurrent = kind === 'bidirectional' ? tf.layers.bidirectional({ layer: rnn(5) as tf.RNN, mergeMode: 'concat' }) : rnn(6);
  return tf.sequential({
    name: `text_${kind}`,
    layers: [
      tf.layers.embedding({ inputDim: TEXT.vocab, outputDim: TEXT.embed, inputLength: TEXT.time, embeddingsInitializer: i.normal(1) }),
      recurrent,
      tf.layers.dense({ units: TEXT.classes, activation: 'softmax', kernelInitializer: i.kernel(), biasInitializer: i.bias() }),
    ],
  });
}

/** Two inputs ([6] and [4]), a Dense branch each, Concatenate, Dense softmax. */
export function tfjsTwoInput(seed: number): tf.LayersModel {
  const i = inits(seed);
  const a = tf.input({ shape: [6], name: 'left' });
  const b = tf.input({ shape: [4], name: 'right' });
  const ha = tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: i.kernel(), biasInitializer: i.bias() }).apply(a) as tf.SymbolicTensor;
  const hb = tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: i.kernel(), biasInitializer: i.bias() }).apply(b) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([ha, hb]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: i.kernel(), biasInitializer: i.bias() }).apply(joined) as tf.SymbolicTensor;
  return tf.model({ name: 'two_input', inputs: [a, b], outputs: out });
}

/** Conv2D → BatchNormalization → MaxPool → Dropout → Conv2D → BatchNormalization → AvgPool → Flatten → Dense softmax on [12, 12, 3]. */
export function tfjsBatchNormConv(seed: number): tf.LayersModel {
  const i = inits(seed);
  const bn = () =>
    tf.layers.batchNormalization({
      gammaInitializer: i.positive(),
      betaInitializer: i.bias(),
      movingMeanInitializer: i.bias(),
      movingVarianceInitializer: i.positive(),
    });
  return tf.sequential({
    name: 'bn_conv',
    layers: [
      tf.layers.conv2d({
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        inputShape: [12, 12, 3],
        kernelInitializer: i.kernel(),
        biasInitializer: i.bias(),
      }),
      bn(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'valid', kernelInitializer: i.kernel(), biasInitializer: i.bias() }),
      bn(),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: i.kernel(), biasInitializer: i.bias() }),
    ],
  });
}
