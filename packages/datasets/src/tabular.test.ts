import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';
import { dataDir, loadDigits, loadIris, loadWine, parseSklearnCsv } from './tabular.js';
import type { TabularDataset } from './tabular.js';

const classCounts = (ds: TabularDataset): number[] => {
  const c = new Array<number>(ds.numClasses).fill(0);
  for (const y of ds.labels) c[y]!++;
  return c;
};

describe('bundled scikit-learn datasets', () => {
  it('iris: 150 × 4, 3 classes of 50', async () => {
    const iris = await loadIris();
    expect([iris.numExamples, iris.numFeatures, iris.numClasses]).toEqual([150, 4, 3]);
    expect(iris.features.length).toBe(600);
    expect(iris.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(iris.featureNames[0]).toBe('sepal length (cm)');
    expect(Array.from(iris.features.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(classCounts(iris)).toEqual([50, 50, 50]);
  });

  it('wine: 178 × 13, 3 classes of 59 / 71 / 48', async () => {
    const wine = await loadWine();
    expect([wine.numExamples, wine.numFeatures, wine.numClasses]).toEqual([178, 13, 3]);
    expect(wine.featureNames).toHaveLength(13);
    expect(wine.features[12]).toBe(1065); // proline of the first row
    expect(classCounts(wine)).toEqual([59, 71, 48]);
  });

  it('digits: 1797 × 64 pixels 0..16, 10 classes', async () => {
    const digits = await loadDigits();
    expect([digits.numExamples, digits.numFeatures, digits.numClasses]).toEqual([1797, 64, 10]);
    expect(Math.max(...digits.features)).toBe(16);
    expect(Math.min(...digits.features)).toBe(0);
    expect(Array.from(digits.labels.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(classCounts(digits)).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(digits.featureNames[9]).toBe('pixel_1_1');
  });
});

describe('tabular errors', () => {
  let dir: string;
  let iris: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polytensor-tabular-'));
    iris = await readFile(join(await dataDir(), 'iris.csv'), 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a modified file fails its SHA-256 check', async () => {
    await writeFile(join(dir, 'iris.csv'), iris.replace('5.1,3.5,1.4,0.2,0', '5.1,3.5,1.4,0.3,0'));
    const err = await loadIris({ dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/checksum mismatch for .*iris\.csv: sha256 is [0-9a-f]{64}, expected f13ffa8f/);
    expect((await loadIris({ dir, verify: false })).features[3]).toBeCloseTo(0.3);
  });

  it('NaN or an empty field names the row and column', async () => {
    await writeFile(join(dir, 'iris.csv'), iris.replace('4.9,3.0,1.4,0.2,0', '4.9,nan,1.4,0.2,0'));
    await expect(loadIris({ dir, verify: false })).rejects.toThrow(/NaN at row 1, column 1 \('sepal width \(cm\)'\)/);
    await writeFile(join(dir, 'iris.csv'), iris.replace('4.7,3.2,1.3,0.2,0', '4.7,3.2,,0.2,0'));
    await expect(loadIris({ dir, verify: false })).rejects.toThrow(/NaN at row 2, column 2 \('petal length \(cm\)'\)/);
  });

  it('bad labels, widths, row counts and headers are reported', () => {
    expect(() => parseSklearnCsv('iris', iris.replace('4.7,3.2,1.3,0.2,0', '4.7,3.2,1.3,0.2,3'))).toThrow(
      /line 4 \(row 2\): class '3' is not an integer in \[0, 3\)/,
    );
    expect(() => parseSklearnCsv('iris', iris.replace('4.7,3.2,1.3,0.2,0', '4.7,3.2,1.3,0'))).toThrow(/line 4 \(row 2\) has 4 fields, expected 5/);
    expect(() => parseSklearnCsv('iris', iris.split('\n').slice(0, 100).join('\n'))).toThrow(/has 99 data rows, expected 150; the file is truncated/);
    expect(() => parseSklearnCsv('iris', iris.replace('150,4,', '151,4,'))).toThrow(/line 1: expected the header '150,4,setosa,versicolor,virginica'/);
  });

  it('a missing file says where it was looked for', async () => {
    await expect(loadWine({ dir })).rejects.toThrow(/file not found: .*wine_data\.csv\. Copy the original wine_data\.csv/);
  });
});
