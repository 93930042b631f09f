// Models built and initialized in polytensor, saved with { format: 'tfjs' },
// load in TensorFlow.js (tf.loadLayersModel) and predict what polytensor
// predicts; and back: polytensor → tfjs → polytensor changes nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, type LayersModel, Sequential, loadModel, setSeed } from '@polytensor/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendName, usePolytensorBackend, useTfjsCpu } from './backends.js';
import { CASES, type InteropCase } from './cases.js';
import { normalInput } from './inputs.js';
import { captureTfjsSave, predictPolytensor, predictTfjs } from './predict.js';
import { SHARD_BYTES, listFiles, tfjsFileHandler } from './tfjs_dir.js';
import { comparePredictions } from './tolerance.js';

const SEED = 23;
let tmp: string;

beforeAll(async () => {
  await useTfjsCpu();
  tmp = mkdtempSync(join(tmpdir(), 'polytensor-tfjs-interop-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The case's model built on `backend` (the seed gives the same weights on every backend). */
async function built(c: InteropCase, backend: BackendName): Promise<LayersModel> {
  await usePolytensorBackend(backend);
  return c.polytensor(SEED);
}

/** tfjs's prediction from a tfjs IOHandler, the loaded model freed after. */
async function tfjsPredicts(handler: tf.io.IOHandler, c: InteropCase): Promise<Float32Array> {
  const m = await tf.loadLayersModel(handler);
  try {
    return await predictTfjs(m, c.inputs());
  } finally {
    m.dispose();
  }
}

const expectClose = (got: Float32Array, want: Float32Array, what: string): void => {
  const r = comparePredictions(got, want, what);
  expect(r.worst, r.detail).toBeLessThanOrEqual(1);
};

describe.each(CASES)('$name built in polytensor', (c) => {
  it('has the parameters its architecture implies (polytensor counts them)', async () => {
    const m = await built(c, 'ts');
    expect(m.countParams()).toBe(c.params);
    m.dispose();
  });

  it.each(BACKENDS)(
    'saves to file://dir as tfjs (model.json + group1-shard{i}of{n}.bin); tf.loadLayersModel predicts as polytensor does on %s',
    async (backend) => {
      const m = await built(c, backend);
      const dir = join(tmp, `${c.name.replace(/\W+/g, '_')}_${backend}`);
      try {
        const ours = await predictPolytensor(m, c.inputs());
        await m.save(`file://${dir}`, { format: 'tfjs' });
        const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
        expect(json.format).toBe('layers-model');
        const paths = json.weightsManifest.flatMap((g) => g.paths);
        const files = listFiles(dir);
        expect(files.map((f) => f.name).sort()).toEqual(['model.json', ...paths].sort());
        paths.forEach((p, i) => expect(p).toBe(`group1-shard${i + 1}of${paths.length}.bin`));
        const shardBytes = files.filter((f) => f.name !== 'model.json').map((f) => f.bytes);
        for (const b of shardBytes) expect(b).toBeLessThanOrEqual(SHARD_BYTES);
        expect(
          shardBytes.reduce((a, b) => a + b, 0),
          'float32 weights: 4 bytes per parameter',
        ).toBe(4 * c.params);
        expectClose(await tfjsPredicts(tfjsFileHandler(dir), c), ours, `tfjs loading ${c.name} saved on ${backend}`);
      } finally {
        m.dispose();
      }
    },
  );

  it.each(BACKENDS)(
    'saves to a tfjs save handler (tf.io.withSaveHandler); tf.io.fromMemory loads the exact weights and predicts as polytensor does on %s',
    async (backend) => {
      const m = await built(c, backend);
      try {
        const ours = await predictPolytensor(m, c.inputs());
        const a = await captureTfjsSave((h) => m.save(h, { format: 'tfjs' }));
        expect(a.format).toBe('layers-model');
        expect(typeof a.generatedBy).toBe('string');
        expect(a).toHaveProperty('convertedBy');
        expect(a.modelTopology).toBeTypeOf('object');
        const inTfjs = await tf.loadLayersModel(tf.io.fromMemory(a));
        try {
          // Layer by layer, tfjs holds polytensor's weights bit for bit (tfjs lists a model's
          // non-trainable weights last, so compare within layers, where both use Keras' order).
          const theirs = inTfjs.layers.flatMap((l) => l.getWeights().map((w) => w.dataSync()));
          const mine = m.layers.flatMap((l) => l.weights.map((w) => w.variable.dataSync()));
          expect(theirs).toEqual(mine);
          expectClose(await predictTfjs(inTfjs, c.inputs()), ours, `tfjs loading ${c.name} saved on ${backend}`);
        } finally {
          inTfjs.dispose();
        }
      } finally {
        m.dispose();
      }
    },
  );

  it.each(BACKENDS)('round trip polytensor → tfjs → polytensor predicts bit-identically on %s', async (backend) => {
    const m = await built(c, backend);
    try {
      const ours = await predictPolytensor(m, c.inputs());
      const saved = await captureTfjsSave((h) => m.save(h, { format: 'tfjs' }));
      const inTfjs = await tf.loadLayersModel(tf.io.fromMemory(saved));
      const resaved = await captureTfjsSave((h) => inTfjs.save(h));
      inTfjs.dispose();
      const back: LayersModel = await loadModel(tf.io.fromMemory(resaved));
      try {
        // The same weights through the same ops on the same backend.
        expect(await predictPolytensor(back, c.inputs())).toEqual(ours);
        expect(back.getWeightValues()).toEqual(m.getWeightValues());
      } finally {
        back.dispose();
      }
    } finally {
      m.dispose();
    }
  });
});

describe('a polytensor model over 4 MiB', () => {
  it('saves in 4 MiB shards that tfjs reads back whole (ts)', async () => {
    await usePolytensorBackend('ts');
    setSeed(5);
    // 1200·1000 + 1000 float32 = 4.8 MB: two shards.
    const m = new Sequential({ name: 'wide', layers: [new Dense({ units: 1000, activation: 'tanh', inputShape: [1200] }), new Dense({ units: 3 })] });
    m.build();
    const dir = join(tmp, 'wide');
    const inputs = [normalInput('interop/wide', [2, 1200])];
    try {
      const ours = await predictPolytensor(m, inputs);
      await m.save(`file://${dir}`, { format: 'tfjs' });
      const files = listFiles(dir);
      expect(files.map((f) => f.name)).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
      expect(files[0]!.bytes + files[1]!.bytes).toBe(4 * m.countParams());
      for (const f of files.slice(0, 2)) expect(f.bytes).toBeLessThanOrEqual(SHARD_BYTES);
      const loaded = await tf.loadLayersModel(tfjsFileHandler(dir));
      try {
        expectClose(await predictTfjs(loaded, inputs), ours, 'tfjs loading the 4.8 MB model');
      } finally {
        loaded.dispose();
      }
    } finally {
      m.dispose();
    }
  });
});
