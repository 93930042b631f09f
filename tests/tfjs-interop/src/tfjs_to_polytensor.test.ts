// Models built, initialized and saved by TensorFlow.js load in polytensor on
// every backend and predict what tfjs predicts (tfjs on its cpu backend).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LayersModel, loadLayersModel, loadModel } from '@polytensor/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, usePolytensorBackend, useTfjsCpu } from './backends.js';
import { CASES } from './cases.js';
import type { HostInput } from './inputs.js';
import { captureTfjsSave, predictPolytensor, predictTfjs } from './predict.js';
import { tfjsFileHandler, weightBytes, writeConverterLayout, writeFileHandlerLayout } from './tfjs_dir.js';
import { comparePredictions } from './tolerance.js';

const SEED = 17;
let tmp: string;

beforeAll(async () => {
  await useTfjsCpu();
  tmp = mkdtempSync(join(tmpdir(), 'polytensor-tfjs-interop-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Load, predict, dispose. */
async function predictLoaded(source: Parameters<typeof loadModel>[0], inputs: readonly HostInput[]): Promise<Float32Array> {
  const m: LayersModel = await loadModel(source);
  try {
    return await predictPolytensor(m, inputs);
  } finally {
    m.dispose();
  }
}

describe.each(CASES)('$name built in TensorFlow.js', (c) => {
  let artifacts: tf.io.ModelArtifacts;
  let want: Float32Array;
  let params: number;
  let dir: string;
  let shards: string[];
  const inputs = c.inputs();

  beforeAll(async () => {
    const m = c.tfjs(SEED);
    params = m.countParams();
    want = await predictTfjs(m, inputs);
    artifacts = await captureTfjsSave((h) => m.save(h));
    m.dispose();
    dir = join(tmp, c.name.replace(/\W+/g, '_'));
    // Three shards whatever the size (the converter's shard size is an option): weights straddle shard boundaries.
    const bytes = weightBytes(artifacts.weightData).byteLength;
    shards = writeConverterLayout(dir, artifacts, Math.ceil(bytes / 3 / 4) * 4);
  });

  it('has the parameters its architecture implies (tfjs counts them)', () => {
    expect(params).toBe(c.params);
    expect(shards).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin']);
  });

  it.each(BACKENDS)('loads from file://dir (converter layout, 3 shards) and predicts as tfjs does on %s', async (backend) => {
    await usePolytensorBackend(backend);
    const got = await predictLoaded(`file://${dir}`, inputs);
    const r = comparePredictions(got, want, `${c.name} on ${backend}`);
    expect(r.worst, r.detail).toBeLessThanOrEqual(1);
  });

  it("loads the same from tf.io.fromMemory, the artifacts, file://…/model.json, tfjs-node's layout and loadLayersModel (ts: bit-identical to file://dir)", async () => {
    await usePolytensorBackend('ts');
    const fromDir = await predictLoaded(`file://${dir}`, inputs);
    const nodeDir = join(dir, 'tfjs-node');
    writeFileHandlerLayout(nodeDir, artifacts);
    const sources: Array<[string, Parameters<typeof loadModel>[0]]> = [
      ['tf.io.fromMemory(artifacts)', tf.io.fromMemory(artifacts)],
      ['the artifacts themselves', artifacts],
      ['file://…/model.json', `file://${join(dir, 'model.json')}`],
      ["tfjs-node's file handler layout (weights.bin)", `file://${nodeDir}`],
      ['an IOHandler reading the directory', tfjsFileHandler(dir)],
    ];
    for (const [what, source] of sources) expect(await predictLoaded(source, inputs), what).toEqual(fromDir);
    // tfjs's name for it, as a user porting tfjs code writes it.
    const m: LayersModel = await loadLayersModel(`file://${dir}`);
    try {
      expect(await predictPolytensor(m, inputs), 'loadLayersModel').toEqual(fromDir);
    } finally {
      m.dispose();
    }
  });
});
