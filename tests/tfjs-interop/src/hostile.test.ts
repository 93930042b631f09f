// Broken and unsupported tfjs files: each is refused with a PolytensorError
// that names what is wrong (the class and layer, the file, the bytes, the
// dtype, the setting), and nothing is allocated first: the tensor and buffer
// counts are what they were before the load.
import { mkdtempSync, rmSync, truncateSync, unlinkSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolytensorError, loadModel } from '@polytensor/core';
import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, usePolytensorBackend, useTfjsCpu } from './backends.js';
import { type KerasFixtureSpec, kerasDense, kerasEmbedding, kerasFixture, kerasInput, kerasLstm, writeFixture } from './keras_fixture.js';
import { tfjsFileHandler } from './tfjs_dir.js';

let tmp: string;
beforeAll(async () => {
  await useTfjsCpu();
  await usePolytensorBackend('ts');
  tmp = mkdtempSync(join(tmpdir(), 'polytensor-hostile-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** input_1 [6] → hidden (Dense 4 relu) → scorer (Dense 2 softmax): 38 float32 = 152 bytes in three 64-byte shards. */
const SMALL: KerasFixtureSpec = {
  seed: 'interop/hostile/small',
  layers: [kerasInput('input_1', [6]), kerasDense('hidden', 4, 'relu'), kerasDense('scorer', 2, 'softmax')],
  weights: [
    { name: 'hidden/kernel', shape: [6, 4] },
    { name: 'hidden/bias', shape: [4] },
    { name: 'scorer/kernel', shape: [4, 2] },
    { name: 'scorer/bias', shape: [2] },
  ],
  shardBytes: 64,
};
const SMALL_BYTES = 152;

/** input_1 [5] → embedding → encoder (LSTM 3, with `lstm` settings) → scorer. */
const recurrent = (lstm: Record<string, unknown>): KerasFixtureSpec => ({
  seed: 'interop/hostile/recurrent',
  layers: [kerasInput('input_1', [5]), kerasEmbedding('embedding', 10, 4, 5), kerasLstm('encoder', 3, lstm), kerasDense('scorer', 2, 'softmax')],
  weights: [
    { name: 'embedding/embeddings', shape: [10, 4] },
    { name: 'encoder/lstm_cell/kernel', shape: [4, 12] },
    { name: 'encoder/lstm_cell/recurrent_kernel', shape: [3, 12] },
    { name: 'encoder/lstm_cell/bias', shape: [12] },
    { name: 'scorer/kernel', shape: [3, 2] },
    { name: 'scorer/bias', shape: [2] },
  ],
});

type ModelJson = {
  modelTopology: { model_config: { config: { layers: Array<{ class_name: string; config: { name: string } }> } } };
  weightsManifest: tf.io.WeightsManifestConfig;
};

let serial = 0;
/** Write the fixture after `edit` changed its model.json (in place); returns the directory. */
async function hostileDir(spec: KerasFixtureSpec, edit: (json: ModelJson) => void = () => {}): Promise<string> {
  const f = await kerasFixture(spec);
  edit(f.modelJson as unknown as ModelJson);
  const dir = join(tmp, `case${serial++}`);
  writeFixture(dir, f);
  return dir;
}

/** loadModel(source) must throw a PolytensorError matching every pattern, leaving the counts as they were. */
async function expectRefused(source: Parameters<typeof loadModel>[0], patterns: RegExp[]): Promise<void> {
  const before = counts();
  let error: unknown = null;
  try {
    const m = await loadModel(source);
    m.dispose();
  } catch (e) {
    error = e;
  }
  expect(error, 'loadModel should have refused the file').toBeInstanceOf(PolytensorError);
  const message = (error as Error).message;
  if (process.env['SHOW_ERRORS']) console.log(message);
  for (const p of patterns) expect(message).toMatch(p);
  expect(counts(), 'tensors or buffers allocated by the refused load').toEqual(before);
}

/** The directory's model as tfjs artifacts (what tf.io.fromMemory would hand over). */
const artifactsOf = (dir: string): Promise<tf.io.ModelArtifacts> => tfjsFileHandler(dir).load!() as Promise<tf.io.ModelArtifacts>;

const scorer = (json: ModelJson) => json.modelTopology.model_config.config.layers.find((l) => l.config.name === 'scorer')!;

describe('hostile tfjs files', () => {
  it('(control) the unbroken fixtures load', async () => {
    const before = counts();
    for (const spec of [SMALL, recurrent({})]) {
      const m = await loadModel(`file://${await hostileDir(spec)}`);
      expect(m.countParams()).toBe(spec.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0));
      m.dispose();
    }
    expect(counts()).toEqual(before);
  });

  it('a layer class polytensor does not know: names the class and the layer (file://dir and artifacts)', async () => {
    const dir = await hostileDir(SMALL, (json) => {
      scorer(json).class_name = 'FancyDense';
    });
    await expectRefused(`file://${dir}`, [/FancyDense/, /scorer/]);
    await expectRefused(await artifactsOf(dir), [/FancyDense/, /scorer/]);
  });

  it('a missing shard: names the file', async () => {
    const dir = await hostileDir(SMALL);
    unlinkSync(join(dir, 'group1-shard2of3.bin'));
    await expectRefused(`file://${dir}`, [/group1-shard2of3\.bin/]);
  });

  it('shards shorter than the weights need: names the bytes needed and found', async () => {
    const dir = await hostileDir(SMALL);
    truncateSync(join(dir, 'group1-shard3of3.bin'), 20); // 24 → 20: 148 bytes in all
    await expectRefused(`file://${dir}`, [new RegExp(`${SMALL_BYTES}`), /148|\b4 bytes/]);
    const a = await artifactsOf(await hostileDir(SMALL));
    await expectRefused({ ...a, weightData: (a.weightData as ArrayBuffer).slice(0, 148) }, [new RegExp(`${SMALL_BYTES}`), /148|\b4 bytes/]);
  });

  it('shards longer than the weights need: names the bytes needed, and the shard that overflows or the bytes found', async () => {
    const dir = await hostileDir(SMALL);
    appendFileSync(join(dir, 'group1-shard3of3.bin'), new Uint8Array(8)); // 160 bytes in all
    // A reader may stop at the first byte too many (a huge file is never read whole): then it names that shard.
    await expectRefused(`file://${dir}`, [new RegExp(`${SMALL_BYTES}`), /160|group1-shard3of3\.bin/]);
    const a = await artifactsOf(await hostileDir(SMALL));
    const long = new Uint8Array(160);
    long.set(new Uint8Array(a.weightData as ArrayBuffer));
    await expectRefused({ ...a, weightData: long.buffer }, [new RegExp(`${SMALL_BYTES}`), /160|\b8 (extra )?bytes/]);
  });

  it.each(['complex64', 'string'])('a weight of dtype %s: names the dtype and the weight', async (dtype) => {
    const dir = await hostileDir(SMALL, (json) => {
      const entry = json.weightsManifest[0]!.weights.find((w) => w.name === 'scorer/kernel')!;
      (entry as { dtype: string }).dtype = dtype;
    });
    await expectRefused(`file://${dir}`, [new RegExp(dtype), /scorer\/kernel/]);
  });

  it.each([
    ['stateful: true', { stateful: true }, /stateful/],
    ['dropout: 0.2', { dropout: 0.2 }, /dropout/],
    ['recurrent_dropout: 0.3', { recurrent_dropout: 0.3 }, /recurrent_?[dD]ropout/],
  ] as const)('an LSTM with %s (a setting polytensor lacks): names the setting and the layer', async (_, lstm, setting) => {
    const dir = await hostileDir(recurrent(lstm));
    await expectRefused(`file://${dir}`, [setting, /encoder/]);
  });
});
