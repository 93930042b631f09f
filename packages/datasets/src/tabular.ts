/**
 * The scikit-learn copies of iris, wine and digits shipped in this package's
 * data/ folder (see data/README.md). The loaders read and checksum the files
 * with node:* imported lazily; parseSklearnCsv works anywhere on the text.
 */
import { DatasetError } from './errors.js';
import { gunzip, nodeModules, readBytes, verifySha256 } from './node.js';
import type { HostDataset } from './utils.js';
import { validateFeatures } from './utils.js';

export type TabularName = 'iris' | 'wine' | 'digits';

interface Spec {
  file: string;
  sha256: string;
  gzip: boolean;
  /** scikit-learn header line `numExamples,numFeatures,className…`; digits has none. */
  header: boolean;
  numExamples: number;
  numFeatures: number;
  numClasses: number;
  featureNames: string[];
  classNames: string[];
}

/** Feature and class names as scikit-learn's load_iris / load_wine / load_digits give them. */
const SPECS: Record<TabularName, Spec> = {
  iris: {
    file: 'iris.csv',
    sha256: 'f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449',
    gzip: false,
    header: true,
    numExamples: 150,
    numFeatures: 4,
    numClasses: 3,
    featureNames: ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
    classNames: ['setosa', 'versicolor', 'virginica'],
  },
  wine: {
    file: 'wine_data.csv',
    sha256: '10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede',
    gzip: false,
    header: true,
    numExamples: 178,
    numFeatures: 13,
    numClasses: 3,
    featureNames: [
      'alcohol',
      'malic_acid',
      'ash',
      'alcalinity_of_ash',
      'magnesium',
      'total_phenols',
      'flavanoids',
      'nonflavanoid_phenols',
      'proanthocyanins',
      'color_intensity',
      'hue',
      'od280/od315_of_diluted_wines',
      'proline',
    ],
    classNames: ['class_0', 'class_1', 'class_2'],
  },
  digits: {
    file: 'digits.csv.gz',
    sha256: '46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a',
    gzip: true,
    header: false,
    numExamples: 1797,
    numFeatures: 64,
    numClasses: 10,
    featureNames: Array.from({ length: 64 }, (_, i) => `pixel_${Math.floor(i / 8)}_${i % 8}`),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
};

/** A tabular classification dataset with scikit-learn's names. */
export interface TabularDataset extends HostDataset {
  featureNames: string[];
  classNames: string[];
}

export interface TabularOptions {
  /** Directory to read the file from instead of the package's data/ (same file name). */
  dir?: string;
  /** Check the file's SHA-256 (default true). */
  verify?: boolean;
}

/**
 * Parse the text of one of the scikit-learn CSVs: each row is numFeatures
 * numbers then an integer class. Checks the header (when the format has one),
 * the row count and width, that every value is a finite number and every
 * label a class index. `source` names the file in errors.
 */
export function parseSklearnCsv(name: TabularName, text: string, source: string = SPECS[name].file): TabularDataset {
  const spec = SPECS[name];
  const op = `load${name[0]!.toUpperCase()}${name.slice(1)}`;
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  let first = 0;
  let classNames = spec.classNames;
  if (spec.header) {
    const head = (lines[0] ?? '').split(',').map((s) => s.trim());
    const n = Number(head[0]);
    const f = Number(head[1]);
    if (head.length < 2 || n !== spec.numExamples || f !== spec.numFeatures) {
      throw new DatasetError(
        `${op}: ${source} line 1: expected the header '${spec.numExamples},${spec.numFeatures},${spec.classNames.join(',')}', ` +
          `got '${lines[0] ?? ''}'; the file is not scikit-learn's ${spec.file}`,
      );
    }
    if (head.length > 2) classNames = head.slice(2);
    first = 1;
  }
  const rows = lines.length - first;
  if (rows !== spec.numExamples) {
    throw new DatasetError(`${op}: ${source} has ${rows} data rows, expected ${spec.numExamples}; the file is truncated or corrupt`);
  }
  const nf = spec.numFeatures;
  const features = new Float32Array(rows * nf);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const fields = lines[first + r]!.split(',');
    if (fields.length !== nf + 1) {
      throw new DatasetError(
        `${op}: ${source} line ${first + r + 1} (row ${r}) has ${fields.length} fields, expected ${nf + 1} (${nf} features and the class)`,
      );
    }
    for (let c = 0; c < nf; c++) {
      const s = fields[c]!.trim();
      // Number('') is 0 and Number('nan') NaN; an empty field is a missing value, not zero.
      features[r * nf + c] = s === '' ? Number.NaN : Number(s);
    }
    const ls = fields[nf]!.trim();
    const label = ls === '' ? Number.NaN : Number(ls);
    if (!Number.isInteger(label) || label < 0 || label >= spec.numClasses) {
      throw new DatasetError(`${op}: ${source} line ${first + r + 1} (row ${r}): class '${ls}' is not an integer in [0, ${spec.numClasses})`);
    }
    labels[r] = label;
  }
  validateFeatures(features, nf, { op: `${op}: ${source}`, featureNames: spec.featureNames });
  return {
    features,
    labels,
    numExamples: rows,
    numFeatures: nf,
    numClasses: spec.numClasses,
    featureNames: [...spec.featureNames],
    classNames: [...classNames],
  };
}

/** Path of the package's data/ folder (Node only). */
export async function dataDir(): Promise<string> {
  const { url } = await nodeModules('dataDir');
  return url.fileURLToPath(new URL('../data/', import.meta.url));
}

/** Load one of the bundled scikit-learn datasets by name. */
export async function loadTabular(name: TabularName, options: TabularOptions = {}): Promise<TabularDataset> {
  const spec = SPECS[name];
  if (spec === undefined) throw new DatasetError(`loadTabular: unknown dataset '${String(name)}'; use 'iris', 'wine' or 'digits'`);
  const op = `load${name[0]!.toUpperCase()}${name.slice(1)}`;
  const { path } = await nodeModules(op);
  const dir = options.dir ?? (await dataDir());
  const file = path.join(dir, spec.file);
  const remedy =
    options.dir === undefined
      ? 'The file ships in @polytensor/datasets/data; reinstall @polytensor/datasets (or restore data/ from version control).'
      : `Copy the original ${spec.file} (see @polytensor/datasets/data/README.md) into ${dir}.`;
  let bytes = await readBytes(op, file, remedy);
  if (options.verify ?? true) await verifySha256(op, file, bytes, spec.sha256, remedy);
  if (spec.gzip) bytes = await gunzip(op, file, bytes, remedy);
  return parseSklearnCsv(name, new TextDecoder('utf-8', { fatal: false }).decode(bytes), file);
}

/** Fisher's iris: 150 × 4, 3 classes (50 each). */
export const loadIris = (options?: TabularOptions): Promise<TabularDataset> => loadTabular('iris', options);
/** UCI wine recognition: 178 × 13, 3 classes (59 / 71 / 48). */
export const loadWine = (options?: TabularOptions): Promise<TabularDataset> => loadTabular('wine', options);
/** UCI optical digits (test set), 8×8 images with pixels 0..16: 1797 × 64, 10 classes. */
export const loadDigits = (options?: TabularOptions): Promise<TabularDataset> => loadTabular('digits', options);
