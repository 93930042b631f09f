// Model files shaped like what the TensorFlow.js converter writes for a Keras
// 2 model (tensorflowjs_converter --input_format keras): snake_case Keras JSON
// nested under modelTopology.model_config, an InputLayer first, weights named
// as Keras names them, quantized per weight, split into shards (and groups).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@polytensor/conformance';
import * as tf from '@tensorflow/tfjs';
import { type QuantizedDType, dequantize, quantize } from './quantize.js';
import { SHARD_BYTES, shard } from './tfjs_dir.js';

export const KERAS_VERSION = '2.15.0';
export const CONVERTER = 'TensorFlow.js Converter v4.22.0';

const init = (className: string, config: Record<string, unknown> = {}) => ({ class_name: className, config });
const glorot = () => init('GlorotUniform', { seed: null });

/** Keras 2's InputLayer config. */
export const kerasInput = (name: string, shape: number[], dtype = 'float32') => ({
  class_name: 'InputLayer',
  config: { batch_input_shape: [null, ...shape], dtype, sparse: false, ragged: false, name },
});

/** Keras 2's Dense config. */
export const kerasDense = (name: string, units: number, activation: string) => ({
  class_name: 'Dense',
  config: {
    name,
    trainable: true,
    dtype: 'float32',
    units,
    activation,
    use_bias: true,
    kernel_initializer: glorot(),
    bias_initializer: init('Zeros'),
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  },
});

/** Keras 2's Embedding config. */
export const kerasEmbedding = (name: string, inputDim: number, outputDim: number, inputLength: number) => ({
  class_name: 'Embedding',
  config: {
    name,
    trainable: true,
    dtype: 'float32',
    batch_input_shape: [null, inputLength],
    input_dim: inputDim,
    output_dim: outputDim,
    embeddings_initializer: init('RandomUniform', { minval: -0.05, maxval: 0.05, seed: null }),
    embeddings_regularizer: null,
    activity_regularizer: null,
    embeddings_constraint: null,
    mask_zero: false,
    input_length: inputLength,
  },
});

/** Keras 2's LSTM config (sigmoid gates, Keras' defaults); `extra` overrides any setting. */
export const kerasLstm = (name: string, units: number, extra: Record<string, unknown> = {}) => ({
  class_name: 'LSTM',
  config: {
    name,
    trainable: true,
    dtype: 'float32',
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    time_major: false,
    units,
    activation: 'tanh',
    recurrent_activation: 'sigmoid',
    use_bias: true,
    kernel_initializer: glorot(),
    recurrent_initializer: init('Orthogonal', { gain: 1.0, seed: null }),
    bias_initializer: init('Zeros'),
    unit_forget_bias: true,
    kernel_regularizer: null,
    recurrent_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    recurrent_constraint: null,
    bias_constraint: null,
    dropout: 0.0,
    recurrent_dropout: 0.0,
    implementation: 2,
    ...extra,
  },
});

/** Keras 2's GRU config: reset_after true (Keras 2's default, which tfjs cannot load), sigmoid gates. */
export const kerasGru = (name: string, units: number) => {
  const { unit_forget_bias: _, ...lstm } = kerasLstm(name, units).config;
  return { class_name: 'GRU', config: { ...lstm, reset_after: true } };
};

/** One weight of the fixture: float32 as is, or quantized the converter's way. */
export interface FixtureWeight {
  name: string;
  shape: number[];
  /** Standard deviation of the random values (default 0.3). */
  std?: number;
  quantize?: QuantizedDType;
}

export interface KerasFixtureSpec {
  /** The Sequential's layers (model_config.config.layers). */
  layers: object[];
  weights: FixtureWeight[];
  /** Weight indices per manifest group (default: one group holding all, in order). */
  groups?: number[][];
  shardBytes?: number;
  seed: string;
}

export interface KerasFixture {
  modelJson: Record<string, unknown>;
  /** Shard files by name. */
  files: Map<string, Uint8Array>;
  /** Each weight (in `weights` order) as the file holds it: float32 values, or dequantized float64 with Σ|terms|. */
  expected: Array<{ values: Float64Array; absSum: Float64Array }>;
}

/** Concatenate byte arrays. */
const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * Build the fixture: random weights (normal, σ `std`, seeded), float32 ones
 * encoded by tfjs's own tf.io.encodeWeights, quantized ones by quantize.ts;
 * each group cut into shards `group{g}-shard{i}of{n}.bin`.
 */
export async function kerasFixture(spec: KerasFixtureSpec): Promise<KerasFixture> {
  const r = new Rng(spec.seed);
  const groups = spec.groups ?? [spec.weights.map((_, i) => i)];
  const encoded: Array<{ bytes: Uint8Array; entry: tf.io.WeightsManifestEntry }> = [];
  const expected: KerasFixture['expected'] = [];
  for (const w of spec.weights) {
    const values = Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => (w.std ?? 0.3) * r.normal());
    if (w.quantize) {
      const q = quantize(values, w.quantize);
      encoded.push({ bytes: q.bytes, entry: { name: w.name, shape: w.shape, dtype: 'float32', quantization: q.quantization } });
      expected.push(dequantize(q));
    } else {
      const t = tf.tensor(values, w.shape);
      const { data, specs } = await tf.io.encodeWeights([{ name: w.name, tensor: t }]);
      t.dispose();
      encoded.push({ bytes: new Uint8Array(data), entry: specs[0]! });
      expected.push({ values: Float64Array.from(values), absSum: new Float64Array(values.length) });
    }
  }
  const files = new Map<string, Uint8Array>();
  const weightsManifest = groups.map((indices, g) => {
    const bytes = concat(indices.map((i) => encoded[i]!.bytes));
    const shards = shard(bytes.buffer as ArrayBuffer, spec.shardBytes ?? SHARD_BYTES);
    const paths = shards.map((_, i) => `group${g + 1}-shard${i + 1}of${shards.length}.bin`);
    shards.forEach((s, i) => files.set(paths[i]!, new Uint8Array(s)));
    return { paths, weights: indices.map((i) => encoded[i]!.entry) };
  });
  const modelJson = {
    format: 'layers-model',
    generatedBy: `keras v${KERAS_VERSION}`,
    convertedBy: CONVERTER,
    modelTopology: {
      keras_version: KERAS_VERSION,
      backend: 'tensorflow',
      // A copy: tests edit the JSON, and specs are shared.
      model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: structuredClone(spec.layers) } },
    },
    weightsManifest,
  };
  return { modelJson, files, expected };
}

/** Write the fixture's model.json and shards into `dir`. */
export function writeFixture(dir: string, f: { modelJson: unknown; files: Map<string, Uint8Array> }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(f.modelJson));
  for (const [name, bytes] of f.files) writeFileSync(join(dir, name), bytes);
}
