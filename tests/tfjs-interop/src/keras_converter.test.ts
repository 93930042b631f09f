// Files shaped like the TensorFlow.js converter's output for Keras 2 models
// load in polytensor: the weights are what the file holds (dequantized where
// quantized) and the predictions are tfjs's, on every backend.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gamma } from '@polytensor/conformance';
import { type LayersModel, loadModel } from '@polytensor/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, usePolytensorBackend, useTfjsCpu } from './backends.js';
import { type HostInput, idInput, uniformInput } from './inputs.js';
import {
  type KerasFixture,
  type KerasFixtureSpec,
  kerasDense,
  kerasEmbedding,
  kerasFixture,
  kerasGru,
  kerasInput,
  kerasLstm,
  writeFixture,
} from './keras_fixture.js';
import { gruTextForward } from './reference_gru.js';
import { predictPolytensor, predictTfjs } from './predict.js';
import { SHARD_BYTES, listFiles, tfjsFileHandler } from './tfjs_dir.js';
import { comparePredictions } from './tolerance.js';

let tmp: string;
beforeAll(async () => {
  await useTfjsCpu();
  tmp = mkdtempSync(join(tmpdir(), 'polytensor-keras-fixture-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 300 → 2000 relu → 1000 relu → 10 softmax, float32: 10.5 MB, three 4 MiB shards. */
const DENSE: KerasFixtureSpec = {
  seed: 'interop/keras/dense',
  layers: [kerasInput('input_1', [300]), kerasDense('dense', 2000, 'relu'), kerasDense('dense_1', 1000, 'relu'), kerasDense('dense_2', 10, 'softmax')],
  weights: [
    { name: 'dense/kernel', shape: [300, 2000], std: 300 ** -0.5 },
    { name: 'dense/bias', shape: [2000], std: 0.1 },
    { name: 'dense_1/kernel', shape: [2000, 1000], std: 2000 ** -0.5 },
    { name: 'dense_1/bias', shape: [1000], std: 0.1 },
    { name: 'dense_2/kernel', shape: [1000, 10], std: 1000 ** -0.5 },
    { name: 'dense_2/bias', shape: [10], std: 0.1 },
  ],
};

/**
 * Embedding → LSTM → Dense softmax with every weight kind the converter
 * writes: uint16 embeddings, a uint8 kernel, a float16 recurrent kernel,
 * float32 biases; the dense kernel's 27 uint8 bytes leave the float32 bias
 * after it at an offset no Float32Array view can start at.
 */
const TEXT: KerasFixtureSpec = {
  seed: 'interop/keras/text',
  layers: [kerasInput('input_1', [12]), kerasEmbedding('embedding', 50, 16, 12), kerasLstm('lstm', 9), kerasDense('dense', 3, 'softmax')],
  weights: [
    { name: 'embedding/embeddings', shape: [50, 16], std: 0.5, quantize: 'uint16' },
    { name: 'lstm/lstm_cell/kernel', shape: [16, 36], quantize: 'uint8' },
    { name: 'lstm/lstm_cell/recurrent_kernel', shape: [9, 36], quantize: 'float16' },
    { name: 'lstm/lstm_cell/bias', shape: [36], std: 0.2 },
    { name: 'dense/kernel', shape: [9, 3], std: 0.6, quantize: 'uint8' },
    { name: 'dense/bias', shape: [3], std: 0.2 },
  ],
};

/** Keras feeds ids to an Embedding as float32 (its InputLayer's dtype): integer-valued floats. */
const floatIds = (x: HostInput): HostInput => ({ ...x, values: Float32Array.from(x.values), dtype: 'float32' });

const VARIANTS: Array<{ name: string; spec: KerasFixtureSpec; inputs: HostInput[] }> = [
  { name: 'Dense, float32 in three 4 MiB shards', spec: DENSE, inputs: [uniformInput('interop/keras/dense/x', [3, 300])] },
  {
    name: 'Embedding/LSTM, quantized uint16/uint8/float16 + float32, one group in 1 KB shards',
    spec: { ...TEXT, shardBytes: 1000 },
    inputs: [floatIds(idInput('interop/keras/text/x', [4, 12], 50))],
  },
  {
    name: 'Embedding/LSTM, quantized, a group per layer (--split_weights_by_layer)',
    spec: { ...TEXT, groups: [[0], [1, 2, 3], [4, 5]] },
    inputs: [floatIds(idInput('interop/keras/text/x', [4, 12], 50))],
  },
  {
    name: 'Embedding/LSTM, quantized, groups listed in reverse model order (tfjs matches weights by name)',
    spec: { ...TEXT, groups: [[4, 5], [1, 2, 3], [0]] },
    inputs: [floatIds(idInput('interop/keras/text/x', [4, 12], 50))],
  },
];

/**
 * Each loaded weight against the file's value: float32 and float16 values are
 * exact in float32, so bit-equal; affine ones (q·scale + min) within the
 * accumulation bound of a two-term sum, γ₂·(|q·scale| + |min|), which holds
 * whether a loader computes in float64 and rounds once or in float32.
 */
function expectWeights(got: Float32Array[], f: KerasFixture, names: string[]): void {
  expect(got.length).toBe(f.expected.length);
  f.expected.forEach((want, w) => {
    const g = got[w]!;
    expect(g.length, names[w]).toBe(want.values.length);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < g.length; i++) {
      const err = Math.abs(g[i]! - want.values[i]!);
      const bound = gamma(2) * want.absSum[i]!;
      const frac = err === 0 ? 0 : bound === 0 ? Infinity : err / bound;
      if (!(frac <= worst)) {
        worst = frac;
        at = i;
      }
    }
    expect(worst, `${names[w]}: element ${at} is ${g[at]}, the file holds ${want.values[at]}`).toBeLessThanOrEqual(1);
  });
}

/** A fetch serving the fixture's directory at any http URL (for loadModel's `fetch` option). */
const serve =
  (dir: string): typeof fetch =>
  async (url) => {
    const path = join(dir, basename(new URL(String(url)).pathname));
    return existsSync(path) ? new Response(readFileSync(path)) : new Response('not found', { status: 404, statusText: 'Not Found' });
  };

describe.each(VARIANTS)('Keras converter file: $name', ({ name, spec, inputs }) => {
  let fixture: KerasFixture;
  let dir: string;
  let want: Float32Array;

  beforeAll(async () => {
    fixture = await kerasFixture(spec);
    dir = join(tmp, name.replace(/\W+/g, '_'));
    writeFixture(dir, fixture);
    // tfjs reads the same directory: the fixture is a file it accepts.
    const m = await tf.loadLayersModel(tfjsFileHandler(dir));
    want = await predictTfjs(m, inputs);
    m.dispose();
  });

  it('is laid out as the converter does (shards of at most 4 MiB, named group{g}-shard{i}of{n}.bin)', () => {
    const files = listFiles(dir);
    expect(files.map((f) => f.name)).toEqual([...fixture.files.keys(), 'model.json'].sort());
    for (const f of files) if (f.name !== 'model.json') expect(f.bytes).toBeLessThanOrEqual(SHARD_BYTES);
    if (spec === DENSE) expect([...fixture.files.keys()]).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin']);
  });

  it('loads the weights the file holds (dequantized), as the manifest names them (ts)', async () => {
    await usePolytensorBackend('ts');
    const m: LayersModel = await loadModel(`file://${dir}`);
    try {
      expectWeights(
        m.getWeightValues(),
        fixture,
        spec.weights.map((w) => w.name),
      );
    } finally {
      m.dispose();
    }
  });

  it.each(BACKENDS)('predicts what tfjs predicts from the same file on %s', async (backend) => {
    await usePolytensorBackend(backend);
    const m: LayersModel = await loadModel(`file://${dir}`);
    try {
      const r = comparePredictions(await predictPolytensor(m, inputs), want, `${name} on ${backend}`);
      expect(r.worst, r.detail).toBeLessThanOrEqual(1);
    } finally {
      m.dispose();
    }
  });

  it('loads the same from http(s)://…/model.json (shards fetched beside it) and from file://…/model.json (ts: bit-identical)', async () => {
    await usePolytensorBackend('ts');
    const predictFrom = async (source: string, options = {}): Promise<Float32Array> => {
      const m: LayersModel = await loadModel(source, options);
      try {
        return await predictPolytensor(m, inputs);
      } finally {
        m.dispose();
      }
    };
    const fromDir = await predictFrom(`file://${dir}`);
    expect(await predictFrom(`file://${join(dir, 'model.json')}`)).toEqual(fromDir);
    expect(await predictFrom('https://models.example/keras/model.json', { fetch: serve(dir) })).toEqual(fromDir);
  });
});

/** Embedding → GRU (reset_after, Keras 2's default) → Dense softmax, float32. */
const GRU_TEXT: KerasFixtureSpec = {
  seed: 'interop/keras/gru',
  layers: [kerasInput('input_1', [6]), kerasEmbedding('embedding', 20, 5, 6), kerasGru('gru', 4), kerasDense('dense', 3, 'softmax')],
  weights: [
    { name: 'embedding/embeddings', shape: [20, 5], std: 0.8 },
    { name: 'gru/gru_cell/kernel', shape: [5, 12], std: 0.6 },
    { name: 'gru/gru_cell/recurrent_kernel', shape: [4, 12], std: 0.6 },
    { name: 'gru/gru_cell/bias', shape: [2, 12], std: 0.3 },
    { name: 'dense/kernel', shape: [4, 3], std: 0.8 },
    { name: 'dense/bias', shape: [3], std: 0.2 },
  ],
};

describe("Keras converter file: Embedding/GRU with reset_after (Keras 2's default, which tfjs cannot load)", () => {
  const inputs = [floatIds(idInput('interop/keras/gru/x', [4, 6], 20))];
  let dir: string;
  let want: Float64Array;

  beforeAll(async () => {
    const fixture = await kerasFixture(GRU_TEXT);
    dir = join(tmp, 'keras_gru_reset_after');
    writeFixture(dir, fixture);
    const [embeddings, kernel, recurrentKernel, bias, denseKernel, denseBias] = fixture.expected.map((e) => e.values);
    want = gruTextForward(
      { embeddings: embeddings!, kernel: kernel!, recurrentKernel: recurrentKernel!, bias: bias!, denseKernel: denseKernel!, denseBias: denseBias! },
      inputs[0]!.values,
      4,
      6,
      5,
      4,
      3,
    );
  });

  it("tfjs refuses it, so the reference is a float64 forward pass written from Keras' GRU equations", async () => {
    await expect(tf.loadLayersModel(tfjsFileHandler(dir))).rejects.toThrow(/reset_after/);
  });

  it.each(BACKENDS)("predicts what Keras' GRU equations give on %s", async (backend) => {
    await usePolytensorBackend(backend);
    const m: LayersModel = await loadModel(`file://${dir}`);
    try {
      const r = comparePredictions(await predictPolytensor(m, inputs), want, `Keras GRU (reset_after) on ${backend}`);
      expect(r.worst, r.detail).toBeLessThanOrEqual(1);
    } finally {
      m.dispose();
    }
  });
});
