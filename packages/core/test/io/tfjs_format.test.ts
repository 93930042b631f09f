// TensorFlow.js layers format, from polytensor's side: the pieces (case rule,
// dequantization, weight names) against values computed here, sharded files
// on disk, over http and from Files, and clear errors. The real tfjs library
// reads and writes these files in tests/tfjs-interop.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camelToPythonic, pythonicToCamel, toCamel, toSnake } from '../../src/train/io/tfjs/case.js';
import { decodeTfjsWeights, polytensorWeightName, tfjsWeightName } from '../../src/train/io/tfjs/weights.js';
import { Dense, fromFiles, GRU, input, loadModel, memory, model, Sequential, setSeed, type SymbolicTensor, type TfjsArtifacts } from '../helpers.js';
import { cnnInput, expectLoadError, expectSamePredictions, smallCnn, weightBytesOf } from './fixtures.js';
import { startModelServer, type ModelServer } from './model_server.js';

let dir: string;
let server: ModelServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pt-tfjs-'));
  server = await startModelServer();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await server.close();
});

/** Byte equality without vitest's element-by-element diff (slow on megabytes). */
const sameBytes = (a: Sequential, b: Sequential): boolean => Buffer.from(weightBytesOf(a)).equals(Buffer.from(weightBytesOf(b)));

async function capture(m: Sequential): Promise<TfjsArtifacts & { weightData: ArrayBuffer }> {
  let got: unknown;
  await m.save({ save: async (a) => ((got = a), { destination: 'x', bytes: 0 }) }, { format: 'tfjs' });
  return got as TfjsArtifacts & { weightData: ArrayBuffer };
}

describe('TensorFlow.js format: the pieces', () => {
  it('converts names the way tfjs does, keeping layer names and node references', () => {
    expect(toSnake('batchInputShape')).toBe('batch_input_shape');
    expect(toSnake('hardSigmoid')).toBe('hard_sigmoid');
    expect(toSnake('channelsLast')).toBe('channels_last');
    expect(toCamel('moving_variance')).toBe('movingVariance');
    expect(toCamel('fan_avg')).toBe('fanAvg');
    const ts = {
      name: 'My_Layer',
      className: 'Conv2D',
      inboundNodes: [[['in_Put', 0, 0, {}]]],
      kernelInitializer: { className: 'VarianceScaling', config: { mode: 'fanAvg' } },
    };
    const py = camelToPythonic(ts);
    expect(py).toEqual({
      name: 'My_Layer',
      class_name: 'Conv2D',
      inbound_nodes: [[['in_Put', 0, 0, {}]]],
      kernel_initializer: { class_name: 'VarianceScaling', config: { mode: 'fan_avg' } },
    });
    expect(pythonicToCamel(py)).toEqual(ts);
    // Keys named like Object.prototype members stay plain keys: nothing is polluted.
    const odd = pythonicToCamel(JSON.parse('{"constructor": {"polluted": 1}, "__proto__": {"polluted": 1}}')) as Record<string, unknown>;
    expect(Object.hasOwn(odd, 'constructor')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('dequantizes uint8, uint16 and float16 as the converter defines them', () => {
    const buf = new ArrayBuffer(3 + 2 * 2 + 2 * 6 + 4 * 2);
    const v = new DataView(buf);
    [0, 7, 255].forEach((q, i) => v.setUint8(i, q));
    [1, 65535].forEach((q, i) => v.setUint16(3 + 2 * i, q, true));
    // float16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +Inf, NaN
    [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00].forEach((h, i) => v.setUint16(7 + 2 * i, h, true));
    v.setInt32(19, -5, true);
    v.setFloat32(23, 0.1, true);
    const out = decodeTfjsWeights(
      [
        { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 2 } },
        { name: 'c', shape: [2, 3], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'd', shape: [1], dtype: 'int32' },
        { name: 'e', shape: [1], dtype: 'float32' },
      ],
      buf,
      'test',
    );
    expect(Array.from(out[0]!)).toEqual([-1, 2.5, 126.5]);
    expect(Array.from(out[1]!)).toEqual([2.25, 65535 * 0.25 + 2]);
    expect(Array.from(out[2]!)).toEqual([1, -2, 65504, 2 ** -24, Number.POSITIVE_INFINITY, Number.NaN]);
    expect(Array.from(out[3]!)).toEqual([-5]);
    expect(out[4]![0]).toBe(Math.fround(0.1));
    expect(() => decodeTfjsWeights([{ name: 'a', shape: [4], dtype: 'float32' }], new ArrayBuffer(12), 'x.json')).toThrow(
      /x\.json: the weight data holds 12 bytes but the weight specs declare 16: a shard is missing or truncated/,
    );
  });

  it('maps weight names between tfjs, Keras and polytensor', () => {
    expect(polytensorWeightName('bn/moving_mean')).toBe('bn/movingMean');
    expect(polytensorWeightName('lstm/lstm_cell/recurrent_kernel:0')).toBe('lstm/recurrentKernel');
    expect(polytensorWeightName('bi/forward_lstm_LSTM1/kernel')).toBe('bi/forward/kernel');
    expect(polytensorWeightName('bi/backward_lstm/lstm_cell/bias')).toBe('bi/backward/bias');
    expect(tfjsWeightName('bi/forward/recurrentKernel', (l) => (l === 'bi' ? 'lstm_1' : undefined))).toBe('bi/forward_lstm_1/recurrent_kernel');
    expect(tfjsWeightName('conv/depthwiseKernel', () => undefined)).toBe('conv/depthwise_kernel');
  });
});

describe('TensorFlow.js format: files', () => {
  it('saves Keras JSON with tfjs weight names, trainable weights first, and loads it back bit-exact', async () => {
    const m = smallCnn(3, false);
    const a = await capture(m);
    expect(a.format).toBe('layers-model');
    expect((a.modelTopology as { class_name: string }).class_name).toBe('Sequential');
    const first = (a.modelTopology as { config: { layers: Array<{ config: Record<string, unknown> }> } }).config.layers[0]!.config;
    expect(first['batch_input_shape']).toEqual([null, 6, 6, 2]);
    expect(first['kernel_size']).toEqual([3, 3]);
    const names = a.weightSpecs!.map((w) => w.name);
    expect(names.slice(-2)).toEqual(['bn/moving_mean', 'bn/moving_variance']);
    expect(names).toContain('conv/kernel');
    // An optimizer's slots saved by tfjs (includeOptimizer) are skipped: the model loads with a fresh optimizer.
    const withSlots = structuredClone(a);
    withSlots.weightSpecs!.push({ name: 'Adam/iter', shape: [], dtype: 'float32', group: 'optimizer' });
    const bytes = new Uint8Array(a.weightData.byteLength + 4);
    bytes.set(new Uint8Array(a.weightData));
    withSlots.weightData = bytes.buffer;
    const slotted = await loadModel(withSlots);
    expect(weightBytesOf(slotted)).toEqual(weightBytesOf(m));
    slotted.dispose();
    const back = await loadModel(a);
    const x = cnnInput(4);
    expectSamePredictions(m, back, x);
    expect(weightBytesOf(back)).toEqual(weightBytesOf(m));
    x.dispose();
    back.dispose();
    m.dispose();
  });

  it('file://: 4 MiB shards named as the converter names them; stale shards go; bad shards fail naming them, allocating nothing', async () => {
    setSeed(5);
    // 1100·1000 + 1000 weights = 4.4 MB: two shards.
    const m = new Sequential({ name: 'wide', layers: [new Dense({ name: 'd', units: 1000, inputShape: [1100] })] });
    m.build();
    const at = join(dir, 'wide');
    await m.save(`file://${at}`, { format: 'tfjs' });
    const files = (await readdir(at)).sort();
    expect(files).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    expect((await stat(join(at, 'group1-shard1of2.bin'))).size).toBe(4 * 1024 * 1024);
    expect((await stat(join(at, 'group1-shard2of2.bin'))).size).toBe(4 * 1_101_000 - 4 * 1024 * 1024);
    const json = JSON.parse(await readFile(join(at, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
    expect(json.weightsManifest[0]!.paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    const loaded = await loadModel(`file://${at}`);
    expect(sameBytes(loaded, m)).toBe(true);
    // the same through fromFiles, shards matched by name whatever their order
    const blob = async (f: string): Promise<File> => new File([await readFile(join(at, f))], f);
    const viaFiles = await loadModel(fromFiles(await blob('model.json'), await blob('group1-shard2of2.bin'), await blob('group1-shard1of2.bin')));
    expect(sameBytes(viaFiles, m)).toBe(true);
    viaFiles.dispose();
    await expectLoadError(
      async () => loadModel(fromFiles(await blob('model.json'), await blob('group1-shard1of2.bin'))),
      /names the weight shard 'group1-shard2of2\.bin', which is not among the files given/,
    );
    loaded.dispose();

    const before = memory();
    const shard2 = await readFile(join(at, 'group1-shard2of2.bin'));
    await writeFile(join(at, 'group1-shard2of2.bin'), shard2.subarray(8));
    await expectLoadError(
      () => loadModel(`file://${at}`),
      /the shards of weightsManifest\[0\] \(group1-shard1of2\.bin, group1-shard2of2\.bin\) hold 4,403,992 bytes but its weights declare 4,404,000/,
    );
    await writeFile(join(at, 'group1-shard2of2.bin'), Buffer.concat([shard2, Buffer.alloc(4)]));
    await expectLoadError(() => loadModel(`file://${at}`), /hold more than the 4,404,000 bytes its weights declare/);
    await rm(join(at, 'group1-shard2of2.bin'));
    await expectLoadError(() => loadModel(`file://${at}`), /weight shard 'group1-shard2of2\.bin' \(weightsManifest\[0\]\) .* does not exist/);
    expect(memory().numTensors).toBe(before.numTensors);

    // A smaller model saved over it leaves one shard and no stale ones.
    const small = smallCnn(1, false);
    await small.save(`file://${at}`, { format: 'tfjs' });
    expect((await readdir(at)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    // and polytensor's own format over it removes the tfjs shards
    await small.save(`file://${at}`);
    expect((await readdir(at)).filter((f) => f.startsWith('group'))).toEqual([]);
    small.dispose();
    m.dispose();
  });

  it('http(s)://: shards fetched beside model.json; POST as tfjs posts', async () => {
    const m = smallCnn(8, false);
    const a = await capture(m);
    const bytes = new Uint8Array(a.weightData);
    const half = Math.floor(bytes.length / 2);
    const json = {
      format: 'layers-model',
      modelTopology: a.modelTopology,
      weightsManifest: [
        { paths: ['a.bin', 'sub/b.bin'], weights: a.weightSpecs!.slice(0, 2) },
        { paths: ['c.bin'], weights: a.weightSpecs!.slice(2) },
      ],
    };
    const firstBytes = a.weightSpecs!.slice(0, 2).reduce((n, w) => n + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
    expect(firstBytes).toBeLessThan(half + firstBytes);
    server.files.set('tf/m/model.json', new TextEncoder().encode(JSON.stringify(json)));
    server.files.set('tf/m/a.bin', bytes.subarray(0, 8));
    server.files.set('tf/m/sub/b.bin', bytes.subarray(8, firstBytes));
    server.files.set('tf/m/c.bin', bytes.subarray(firstBytes));
    const loaded = await loadModel(`${server.url}/files/tf/m/model.json`);
    expect(weightBytesOf(loaded)).toEqual(weightBytesOf(m));
    loaded.dispose();
    server.files.set('tf/m/c.bin', bytes.subarray(firstBytes + 4));
    await expectLoadError(
      () => loadModel(`${server.url}/files/tf/m/model.json`),
      /the shards of weightsManifest\[1\] \(c\.bin\) hold .* bytes but its weights declare/,
    );

    await m.save(`${server.url}/upload/tfposted`, { format: 'tfjs' });
    const posted = JSON.parse(new TextDecoder().decode(server.files.get('tfposted/model.json'))) as { weightsManifest: Array<{ paths: string[] }> };
    expect(posted.weightsManifest[0]!.paths).toEqual(['./model.weights.bin']);
    const again = await loadModel(`${server.url}/files/tfposted/model.json`);
    expect(weightBytesOf(again)).toEqual(weightBytesOf(m));
    again.dispose();
    m.dispose();
  });

  it('clear errors: unknown class, options polytensor lacks, Keras 3 nodes, bad dtype, bad format option', async () => {
    const m = smallCnn(2, false);
    const a = await capture(m);
    const edit = (f: (layers: Array<{ class_name: string; config: Record<string, unknown> }>) => void): TfjsArtifacts => {
      const c = structuredClone(a);
      f((c.modelTopology as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }).config.layers);
      return c;
    };
    await expectLoadError(
      () =>
        loadModel(
          edit((ls) => {
            ls[4]!.class_name = 'CapsuleLayer';
          }),
        ),
      /layer 'hidden' \(CapsuleLayer\): unknown layer class "CapsuleLayer"/,
    );
    await expectLoadError(
      () => loadModel(edit((ls) => void (ls[0]!.config['activity_regularizer'] = { class_name: 'L1L2', config: { l1: 0.1 } }))),
      /layer 'conv' \(Conv2D\): an activity regularizer .* is not supported by polytensor/,
    );
    await expectLoadError(() => loadModel(edit((ls) => void (ls[0]!.config['data_format'] = 'channels_first'))), /dataFormat "channelsFirst" is not supported/);
    await expectLoadError(() => loadModel(edit((ls) => void (ls[4]!.config['surprise'] = 3))), /option surprise = 3 is not supported by polytensor's Dense/);
    const bad = structuredClone(a);
    (bad.weightSpecs![0] as { dtype: string }).dtype = 'complex64';
    await expectLoadError(() => loadModel(bad), /weight 'conv\/kernel' has dtype "complex64"; polytensor's layers hold float32 weights/);
    // Keras 3 writes a functional model's nodes as { args, kwargs } records, which tfjs cannot read either.
    const x = input({ shape: [3], name: 'x' });
    const f = model({ name: 'f', inputs: x, outputs: new Dense({ name: 'd', units: 2 }).apply(x) as SymbolicTensor });
    let fa: TfjsArtifacts | undefined;
    await f.save({ save: async (art) => ((fa = art as unknown as TfjsArtifacts), { destination: 'x', bytes: 0 }) }, { format: 'tfjs' });
    const layers = (fa!.modelTopology as { config: { layers: Array<Record<string, unknown>> } }).config.layers;
    layers[1]!['inbound_nodes'] = [{ args: [{ class_name: '__keras_tensor__' }], kwargs: {} }];
    await expectLoadError(() => loadModel(fa!), /layer 'd': inbound_nodes .* Keras 3 files are not supported/);
    f.dispose();
    // tfjs implements only GRU's reset_after: false; saving the other variant for it fails up front.
    const gru = new Sequential({ layers: [new GRU({ name: 'g', units: 2, inputShape: [3, 2] })] });
    gru.build();
    await expect(gru.save('memory://x', { format: 'tfjs' })).rejects.toThrow(/layer 'g' \(GRU\) cannot be saved in TensorFlow\.js format: .*resetAfter: false/);
    gru.dispose();
    await expect(m.save('memory://x', { format: 'tfjs' })).rejects.toThrow(/memory:\/\/ keeps polytensor's format/);
    await expect(m.save('memory://x', { format: 'keras' as never })).rejects.toThrow(/format must be 'polytensor' or 'tfjs', got "keras"/);
    m.dispose();
  });
});
