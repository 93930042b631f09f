// The Dataset pipeline: sources, transforms, batching into tensors, seeded
// shuffles, prefetch overlap, file streaming (CSV, image folders), tensor
// ownership (nothing leaks, early exits included), and clear errors.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, Sequential, memory, setSeed, tensor, type Tensor } from '@polytensor/core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, csv, fromArray, fromAsyncIterable, fromGenerator, imageFolder, parseCsvLine, zip } from './index.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('sources and transforms', () => {
  it('fromArray, map (sync and async), filter, take, skip, repeat, concatenate; every pass starts afresh', async () => {
    const ds = fromArray(range(10))
      .map((v) => v * 2)
      .map(async (v) => v + 1)
      .filter((v) => v % 3 !== 0);
    const want = range(10)
      .map((v) => 2 * v + 1)
      .filter((v) => v % 3 !== 0);
    expect(await ds.toArray()).toEqual(want);
    expect(await ds.toArray()).toEqual(want);
    expect(await ds.skip(2).take(3).toArray()).toEqual(want.slice(2, 5));
    expect(await fromArray([1, 2]).repeat(3).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(await fromArray([1, 2]).repeat().take(5).toArray()).toEqual([1, 2, 1, 2, 1]);
    expect(await fromArray<number>([]).repeat().toArray()).toEqual([]);
    expect(
      await fromArray([1])
        .concatenate(fromArray([2, 3]))
        .toArray(),
    ).toEqual([1, 2, 3]);
    const seen: number[] = [];
    await fromArray([4, 5]).forEachAsync((v) => void seen.push(v));
    expect(seen).toEqual([4, 5]);
  });

  it('generators and async iterables; a one-shot iterable refuses a second pass', async () => {
    const gen = fromGenerator(function* () {
      for (let i = 0; i < 3; i++) yield i;
    });
    expect(await gen.toArray()).toEqual([0, 1, 2]);
    expect(await gen.toArray()).toEqual([0, 1, 2]);
    async function* agen(): AsyncGenerator<string> {
      yield 'a';
      yield 'b';
    }
    expect(await fromAsyncIterable(() => agen()).toArray()).toEqual(['a', 'b']);
    const once = fromAsyncIterable(agen());
    expect(await once.toArray()).toEqual(['a', 'b']);
    await expect(once.toArray()).rejects.toThrow(/this iterable was already read; pass a function that returns a fresh one/);
    expect(() => fromGenerator(agen() as never)).toThrow(/pass a generator function \(called once per pass\), not a generator object/);
  });

  it('zip of an array and of a record stops at the shortest', async () => {
    expect(await zip([fromArray([1, 2, 3]), fromArray(['a', 'b'])]).toArray()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await zip({ xs: fromArray([1, 2]), ys: fromArray([3, 4, 5]) }).toArray()).toEqual([
      { xs: 1, ys: 3 },
      { xs: 2, ys: 4 },
    ]);
  });

  it('bad arguments are named', () => {
    expect(() => fromArray(range(3)).batch(0)).toThrow(/batch: size must be an integer ≥ 1, got 0/);
    expect(() => fromArray(range(3)).shuffle(-1)).toThrow(/shuffle: bufferSize must be an integer ≥ 1/);
    expect(() => fromArray(range(3)).take(1.5)).toThrow(/take: n must be an integer ≥ 0/);
    expect(() => fromArray('abc' as never)).toThrow(/fromArray: pass an array/);
  });
});

describe('batch', () => {
  it('numbers, vectors, typed arrays, matrices and tensors stack with a batch axis; records and tuples batch by field; the last batch may be small', async () => {
    const before = memory().numTensors;
    const rows = range(5).map((i) => ({
      xs: [i, i + 0.5],
      ys: i % 2,
      img: new Float32Array([i, -i]),
      m: [[i], [2 * i]],
      t: tensor([i, i, i]),
      pair: [i, [i]],
    }));
    const batches = (await fromArray(rows).batch(2).toArray()) as Array<Record<string, Tensor | Tensor[]>>;
    expect(batches).toHaveLength(3);
    const b0 = batches[0]!;
    expect((b0['xs'] as Tensor).arraySync()).toEqual([
      [0, 0.5],
      [1, 1.5],
    ]);
    expect((b0['ys'] as Tensor).shape).toEqual([2]);
    expect((b0['img'] as Tensor).shape).toEqual([2, 2]);
    expect((b0['m'] as Tensor).shape).toEqual([2, 2, 1]);
    expect((b0['t'] as Tensor).arraySync()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect((b0['pair'] as Tensor[]).map((t) => t.shape)).toEqual([[2], [2, 1]]);
    expect((batches[2]!['xs'] as Tensor).shape).toEqual([1, 2]);
    const dropped = (await fromArray(range(5)).batch(2, { dropRemainder: true }).toArray()) as Tensor[];
    expect(dropped.map((t) => t.shape)).toEqual([[2], [2]]);
    for (const t of dropped) t.dispose();
    for (const b of batches) for (const v of Object.values(b)) for (const t of Array.isArray(v) ? v : [v]) t.dispose();
    // The elements' own tensors were disposed by batch; only the test's remain (rows[i].t).
    expect(rows.every((r) => r.t.isDisposed)).toBe(true);
    expect(memory().numTensors).toBe(before);
  });

  it('elements of different shapes fail naming the element and both shapes, leaking nothing', async () => {
    const before = memory().numTensors;
    await expect(
      fromArray([{ xs: [1, 2] }, { xs: [1] }])
        .batch(2)
        .toArray(),
    ).rejects.toThrow(/batch: field 'xs' of element 1 has shape \[1\] but element 0 has \[2\]; elements of a batch need one shape/);
    await expect(
      fromArray([tensor([1, 2]), tensor([1, 2, 3])])
        .batch(2)
        .toArray(),
    ).rejects.toThrow(/element 1 is a tensor \[3\] float32 but element 0 is a tensor \[2\] float32/);
    await expect(fromArray(['a', 'b']).batch(2).toArray()).rejects.toThrow(/cannot batch string/);
    expect(memory().numTensors).toBe(before);
  });
});

describe('shuffle', () => {
  it('a seed fixes the order; each pass reshuffles unless told not to; every element once per pass', async () => {
    const ds = fromArray(range(50)).shuffle(50, 7);
    const a = await ds.toArray();
    const b = await ds.toArray();
    expect([...a].sort((x, y) => x - y)).toEqual(range(50));
    expect(a).not.toEqual(range(50));
    expect(b).not.toEqual(a);
    expect(await fromArray(range(50)).shuffle(50, 7).toArray()).toEqual(a);
    const fixed = fromArray(range(20)).shuffle(20, 3, { reshuffleEachIteration: false });
    expect(await fixed.toArray()).toEqual(await fixed.toArray());
    // Without a seed, setSeed fixes it.
    setSeed(11);
    const c = await fromArray(range(30)).shuffle(10).toArray();
    setSeed(11);
    expect(await fromArray(range(30)).shuffle(10).toArray()).toEqual(c);
  });

  it('a full buffer shuffles uniformly: each element lands in each position about equally often', async () => {
    const n = 4;
    const counts = range(n).map(() => new Array<number>(n).fill(0));
    const ds = fromArray(range(n)).shuffle(n, 1);
    const passes = 4000;
    for (let p = 0; p < passes; p++) (await ds.toArray()).forEach((v, pos) => counts[v]![pos]!++);
    for (const row of counts) for (const c of row) expect(Math.abs(c / passes - 1 / n)).toBeLessThan(0.03);
  });

  it('breaking out of a pass disposes the tensors left in the buffer', async () => {
    const before = memory().numTensors;
    const ds = fromGenerator(function* () {
      for (let i = 0; i < 20; i++) yield tensor([i]);
    }).shuffle(8, 2);
    for await (const t of ds) {
      t.dispose();
      break;
    }
    expect(memory().numTensors).toBe(before);
  });
});

describe('prefetch', () => {
  it('reads ahead while the consumer works: a slow source and a slow consumer overlap', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** How many of the source's 6 elements were ready while the consumer was busy with an earlier one. */
    const overlapped = async (prefetch: number | null): Promise<number> => {
      let consuming = false;
      let count = 0;
      const source = fromAsyncIterable(async function* () {
        for (let i = 0; i < 6; i++) {
          await sleep(5);
          if (consuming) count++;
          yield i;
        }
      });
      const got: number[] = [];
      for await (const v of prefetch === null ? source : source.prefetch(prefetch)) {
        consuming = true;
        await sleep(15);
        consuming = false;
        got.push(v);
      }
      expect(got).toEqual(range(6));
      return count;
    };
    expect(await overlapped(null)).toBe(0); // without prefetch the source waits for each request
    expect(await overlapped(2)).toBeGreaterThanOrEqual(4);
  });

  it('elements read ahead and never taken are disposed on an early exit', async () => {
    const before = memory().numTensors;
    const ds = fromGenerator(function* () {
      for (let i = 0; i < 10; i++) yield tensor([i]);
    }).prefetch(3);
    for await (const t of ds) {
      t.dispose();
      break;
    }
    expect(memory().numTensors).toBe(before);
  });
});

describe('files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polytensor-pipeline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parseCsvLine: quotes, escaped quotes, delimiters inside quotes', () => {
    expect(parseCsvLine('1,"a,b","say ""hi""",')).toEqual(['1', 'a,b', 'say "hi"', '']);
    expect(parseCsvLine('1;2', ';')).toEqual(['1', '2']);
    expect(() => parseCsvLine('"open')).toThrow(/an opening quote is never closed/);
  });

  it('csv streams rows as { xs, ys } (label column) or records; bad rows name the file, line and column', async () => {
    const file = join(dir, 'small.csv');
    await writeFile(file, 'a,b,"label",note\n1,2,0,"x, y"\n3,4.5,1,z\n\n5,6,1,w\n');
    const rows = await csv(file, { label: 'label', ignore: ['note'] }).toArray();
    expect(rows).toEqual([
      { xs: [1, 2], ys: 0 },
      { xs: [3, 4.5], ys: 1 },
      { xs: [5, 6], ys: 1 },
    ]);
    expect((await csv(file).toArray())[0]).toEqual({ a: 1, b: 2, label: 0, note: 'x, y' });
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'a,b\n1,2\n3,oops\n');
    await expect(csv(bad, { label: 'b' }).toArray()).rejects.toThrow(/bad\.csv line 3, column 'b': "oops" is not a number/);
    await writeFile(bad, 'a,b\n1,2,3\n');
    await expect(csv(bad).toArray()).rejects.toThrow(/line 2 has 3 fields but the header has 2/);
    await expect(csv(file, { label: 'nope' }).toArray()).rejects.toThrow(/has no column 'nope' \(columns: a, b, label, note\)/);
    await expect(csv(join(dir, 'missing.csv')).toArray()).rejects.toThrow(/csv: cannot read .*missing\.csv/);
    // A batched CSV trains a model through fitDataset.
    const model = new Sequential({ layers: [new Dense({ units: 2, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'sparseSoftmaxCrossEntropy' });
    model.build();
    const before = memory().numTensors;
    const h = await model.fitDataset(csv(file, { label: 'label', ignore: ['note'] }).batch(2), { epochs: 2, verbose: 0 });
    expect(h.history['loss']).toHaveLength(2);
    expect(memory().numTensors - before).toBe(1); // SGD's learning-rate scalar, made on the first step
    model.dispose();
  });

  it('imageFolder decodes each image when reached, class index from the sorted folder names', async () => {
    const root = join(dir, 'images');
    const png = (w: number, h: number, shade: number): Buffer => {
      const p = new PNG({ width: w, height: h });
      for (let i = 0; i < w * h; i++) p.data.set([shade, 255 - shade, 0, 255], 4 * i);
      return PNG.sync.write(p);
    };
    for (const [cls, shade] of [
      ['cat', 10],
      ['ant', 200],
    ] as const) {
      await mkdir(join(root, cls), { recursive: true });
      await writeFile(join(root, cls, '1.png'), png(3, 2, shade));
      await writeFile(join(root, cls, '2.png'), png(3, 2, shade));
    }
    const ds = imageFolder(root);
    expect(await ds.classNames()).toEqual(['ant', 'cat']);
    const before = memory().numTensors;
    const [batch] = (await ds.batch(4).toArray()) as Array<{ xs: Tensor; ys: Tensor }>;
    expect(batch!.xs.shape).toEqual([4, 2, 3, 3]);
    expect(Array.from(batch!.ys.dataSync())).toEqual([0, 0, 1, 1]);
    expect(batch!.xs.dataSync()[0]).toBeCloseTo(200 / 255, 6);
    expect(batch!.xs.dataSync()[4 * 18 - 3]).toBeCloseTo(10 / 255, 6);
    const gray = (await imageFolder(root, { grayscale: true }).take(1).toArray())[0]!;
    expect(gray.xs.shape).toEqual([2, 3, 1]);
    expect(gray.xs.dataSync()[0]).toBeCloseTo((0.299 * 200 + 0.587 * 55) / 255, 5);
    gray.xs.dispose();
    batch!.xs.dispose();
    batch!.ys.dispose();
    expect(memory().numTensors).toBe(before);
    await writeFile(join(root, 'cat', '3.png'), png(4, 4, 0));
    await expect(imageFolder(root).toArray()).rejects.toThrow(/3\.png is 4×4 but the images before it are 2×3/);
    await expect(imageFolder(join(dir, 'none')).toArray()).rejects.toThrow(/imageFolder: cannot read/);
  });
});

describe('Dataset is what fitDataset reads', () => {
  it('a Dataset is an async iterable and has iterator()', async () => {
    const ds: Dataset<number> = fromArray([1]);
    expect(typeof ds[Symbol.asyncIterator]).toBe('function');
    expect(typeof (await ds.iterator()).next).toBe('function');
  });
});
