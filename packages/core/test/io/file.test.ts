// file:// in Node: round trips, the folder layout of atomic saves, and every
// way a model folder can be wrong ending in a clear error (no leak, no hang).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Sequential, type SequentialTopology } from '../helpers.js';
import { cnnInput, expectLoadError, expectSamePredictions, nextTensorId, smallCnn, tinyDense, weightBytesOf } from './fixtures.js';

let root: string;
let n = 0;
const fresh = (): string => join(root, `m${n++}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'polytensor-io-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Save `model` into a new folder; returns the folder, its model.json (parsed) and the weights file's name. */
async function saved(model: Sequential): Promise<{ dir: string; json: Record<string, unknown>; weights: string }> {
  const dir = fresh();
  await model.save(`file://${dir}`);
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
  return { dir, json, weights: json['weightsPath'] as string };
}

async function rewriteJson(dir: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

describe('file:// round trip', () => {
  it('predicts bit-identically and keeps its compile settings', async () => {
    const model = smallCnn(1);
    const { dir } = await saved(model);
    const loaded = await loadModel(`file://${dir}`);
    const x = cnnInput(2);
    expectSamePredictions(model, loaded, x);
    expect(loaded.optimizer?.className).toBe('Adam');
    expect(loaded.optimizer?.getConfig()).toEqual(model.optimizer?.getConfig());
    expect(loaded.toArtifacts().trainingConfig).toEqual({
      optimizer: { className: 'Adam', config: { learningRate: 0.005, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      loss: 'sparseSoftmaxCrossEntropy',
      metrics: ['accuracy'],
    });
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('writes model.json and one weights file; saving again replaces both and leaves no other file', async () => {
    const a = tinyDense(1);
    const b = tinyDense(2);
    const { dir, weights } = await saved(a);
    expect(weights).toMatch(/^weights\.[0-9a-f]{16}\.bin$/);
    expect((await readdir(dir)).sort()).toEqual([weights, 'model.json'].sort());
    expect(new Uint8Array(await readFile(join(dir, weights)))).toEqual(weightBytesOf(a));
    await b.save(`file://${dir}`);
    const after = await readdir(dir);
    expect(after).toHaveLength(2);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsPath: string };
    expect(after).toContain(json.weightsPath);
    expect(json.weightsPath).not.toBe(weights);
    const loaded = await loadModel(`file://${dir}`);
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(b));
    for (const m of [a, b, loaded]) m.dispose();
  });

  it('a save removes what an interrupted save left behind (orphan weights, temporary model.json) and nothing else', async () => {
    const model = tinyDense(3);
    const dir = fresh();
    await mkdir(dir);
    const leftovers = ['weights.0123456789abcdef.bin', '.model.json.0123456789abcdef.tmp', 'weights.bin'];
    for (const f of leftovers) await writeFile(join(dir, f), 'partial');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await model.save(`file://${dir}`);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(3);
    expect(files).toContain('notes.txt');
    expect(files.filter((f) => leftovers.includes(f))).toEqual([]);
    model.dispose();
  });

  it('loads a folder written before atomic saves (weights.bin, no trainingConfig) uncompiled', async () => {
    const model = tinyDense(4);
    const dir = fresh();
    await mkdir(dir);
    const { weightData, trainingConfig, ...json } = model.toArtifacts();
    expect(trainingConfig).toBeUndefined();
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...json, weightsPath: 'weights.bin' }));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(weightData));
    const loaded = await loadModel(`file://${dir}`);
    expect(loaded.optimizer).toBeNull();
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(model));
    model.dispose();
    loaded.dispose();
  });

  it('loads a model JSON file by name (the name.json + name.weights.bin pair downloads:// writes)', async () => {
    const model = tinyDense(5);
    const dir = fresh();
    await mkdir(dir);
    const { weightData, ...json } = model.toArtifacts();
    await writeFile(join(dir, 'net.json'), JSON.stringify({ ...json, weightsPath: 'net.weights.bin' }));
    await writeFile(join(dir, 'net.weights.bin'), new Uint8Array(weightData));
    const loaded = await loadModel(`file://${dir}/net.json`);
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(model));
    model.dispose();
    loaded.dispose();
  });
});

describe('file:// refuses a bad model folder with a clear error', () => {
  let model: Sequential;
  beforeAll(() => {
    model = tinyDense(6);
  });
  afterAll(() => model.dispose());

  it('missing folder, model.json or weights file: names the file, not a bare ENOENT', async () => {
    await expectLoadError(() => loadModel(`file://${join(root, 'nowhere')}`), /folder .*nowhere does not exist; was the model saved to file:\/\//);
    const { dir, weights } = await saved(model);
    await rm(join(dir, weights));
    await expectLoadError(() => loadModel(`file://${dir}`), new RegExp(`the weights file .*${weights.replace(/\./g, '\\.')} does not exist`));
    await rm(join(dir, 'model.json'));
    await expectLoadError(() => loadModel(`file://${dir}`), /model\.json .*model\.json does not exist/);
  });

  it('weights shorter, longer, or not whole float32 values: the sizes, before reading them', async () => {
    for (const [delta, how] of [
      [-4, 'truncated'],
      [-2, 'truncated'],
      [4, 'longer than declared'],
      [1, 'longer than declared'],
    ] as const) {
      const { dir, weights } = await saved(model);
      const bytes = await readFile(join(dir, weights));
      const changed = delta < 0 ? bytes.subarray(0, bytes.length + delta) : Buffer.concat([bytes, Buffer.alloc(delta)]);
      await writeFile(join(dir, weights), changed);
      await expectLoadError(
        () => loadModel(`file://${dir}`),
        new RegExp(`holds ${60 + delta} bytes but the weightSpecs declare 60 \\(15 float32 values\\): it is ${how}`),
      );
    }
  });

  it('weightsPath leaving the folder: relative, absolute, Windows-style, the folder itself', async () => {
    const outside = join(root, 'secret.bin');
    await writeFile(outside, new Uint8Array(60));
    for (const p of ['../secret.bin', '../../../../../../etc/passwd', outside, '/dev/zero', 'C:\\Windows\\x.bin', 'sub/../../secret.bin', '.']) {
      const { dir } = await saved(model);
      await rewriteJson(dir, (j) => void (j['weightsPath'] = p));
      await expectLoadError(() => loadModel(`file://${dir}`), /weightsPath .* (leaves the model folder|names the model folder itself)/);
    }
  });

  it('symlinks out of the folder (weights or model.json) are refused; a symlink inside is fine', async () => {
    const { dir, weights } = await saved(model);
    const outsideCopy = join(root, 'outside.bin');
    await writeFile(outsideCopy, await readFile(join(dir, weights)));
    await rm(join(dir, weights));
    await symlink(outsideCopy, join(dir, weights));
    await expectLoadError(() => loadModel(`file://${dir}`), /the weights file .* leads \(through a symlink\) outside the model folder/);

    const other = await saved(model);
    const jsonOutside = join(root, 'outside.json');
    await writeFile(jsonOutside, await readFile(join(other.dir, 'model.json')));
    await rm(join(other.dir, 'model.json'));
    await symlink(jsonOutside, join(other.dir, 'model.json'));
    await expectLoadError(() => loadModel(`file://${other.dir}`), /model\.json .* leads \(through a symlink\) outside the model folder/);

    const inside = await saved(model);
    await rewriteJson(inside.dir, (j) => void (j['weightsPath'] = 'link.bin'));
    await symlink(join(inside.dir, inside.weights), join(inside.dir, 'link.bin'));
    const loaded = await loadModel(`file://${inside.dir}`);
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(model));
    loaded.dispose();
  });

  it('devices, pipes and folders are not read (no hang on /dev/zero or a FIFO)', async () => {
    for (const make of ['device', 'fifo', 'folder'] as const) {
      const { dir } = await saved(model);
      const target = join(dir, 'w.bin');
      if (make === 'device') await symlink('/dev/zero', target);
      if (make === 'fifo') execFileSync('mkfifo', [target]);
      if (make === 'folder') await mkdir(target);
      await rewriteJson(dir, (j) => void (j['weightsPath'] = 'w.bin'));
      const message = make === 'device' ? /leads \(through a symlink\) outside the model folder/ : /is not a regular file \(a device, pipe or folder\)/;
      const t0 = Date.now();
      await expectLoadError(() => loadModel(`file://${dir}`), message);
      expect(Date.now() - t0).toBeLessThan(2000);
    }
  });

  it('limits: a model.json or weights over the limit fail before reading, naming the limit; raising it loads', async () => {
    const { dir } = await saved(model);
    await expectLoadError(
      () => loadModel(`file://${dir}`, { maxBytes: 59 }),
      /the weightSpecs declare 60 bytes of weights, over the maxBytes limit of 59; if you trust this model, raise it: loadModel\(source, \{ maxBytes: 60 \}\)/,
    );
    await expectLoadError(() => loadModel(`file://${dir}`, { maxParams: 14 }), /declare 15 parameters, over the maxParams limit of 14.*\{ maxParams: 15 \}/);
    await expectLoadError(
      () => loadModel(`file://${dir}`, { maxJsonBytes: 100 }),
      /model\.json: the file holds [\d,]+ bytes, over the maxJsonBytes limit of 100; .*\{ maxJsonBytes: \d+ \}/,
    );
    const loaded = await loadModel(`file://${dir}`, { maxBytes: 60, maxParams: 15 });
    loaded.dispose();
    // The topology is checked too: a huge layer whose specs stay small.
    const art = model.toArtifacts();
    const topo = art.modelTopology as SequentialTopology;
    topo.config.inputShape = [10_000];
    topo.config.layers[0]!.config['units'] = 10_000;
    await expectLoadError(
      () => loadModel(art, { maxParams: 1_000_000 }),
      /the topology builds 100,010,000 parameters, over the maxParams limit of 1,000,000.*\{ maxParams: 100010000 \}/,
    );
    await expectLoadError(
      () => loadModel(art),
      /weightSpecs\[0\] is 'd\/kernel' \[4,3\] float32 but the topology builds 'd\/kernel' \[10000,10000\] float32 there/,
    );
    await expectLoadError(() => loadModel(`file://${dir}`, { maxBytes: -1 }), /maxBytes must be a positive integer, got -1/);
    await expectLoadError(() => loadModel(`file://${dir}`, { maxbytes: 10 } as never), /loadModel: unknown option 'maxbytes'; did you mean 'maxBytes'\?/);
  });

  it('a huge declared model with a tiny weights file fails at once, allocating nothing', async () => {
    const { dir, weights } = await saved(model);
    await rewriteJson(dir, (j) => {
      const layers = (j['modelTopology'] as { config: { inputShape: number[]; layers: Array<{ config: Record<string, unknown> }> } }).config;
      layers.inputShape = [10_000];
      layers.layers[0]!.config['units'] = 10_000;
      j['weightSpecs'] = [
        { name: 'd/kernel', shape: [10_000, 10_000], dtype: 'float32' },
        { name: 'd/bias', shape: [10_000], dtype: 'float32' },
      ];
    });
    await writeFile(join(dir, weights), new Uint8Array(24));
    const id = nextTensorId();
    const t0 = performance.now();
    await expectLoadError(() => loadModel(`file://${dir}`), /holds 24 bytes but the weightSpecs declare 400,040,000 \(100,010,000 float32 values\)/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(nextTensorId()).toBe(id + 1);
  });

  it('save into a path that is a file: a clear error, nothing left behind', async () => {
    const file = join(root, 'plain-file');
    await writeFile(file, 'x');
    await expect(model.save(`file://${file}`)).rejects.toThrow(/save: cannot write file:\/\/.*plain-file: .*check the path/);
    await expect(model.save(`file://${file}/sub`)).rejects.toThrow(/save: cannot write file:\/\//);
    expect(await readFile(file, 'utf8')).toBe('x');
  });
});
