/** Turning host datasets into core tensors (needs a backend, like any tensor). */
import { tensor } from '@polytensor/core';
import type { Tensor } from '@polytensor/core';
import { loadMnist, MNIST_COLS, MNIST_ROWS } from './mnist.js';
import type { MnistOptions } from './mnist.js';
import type { HostDataset } from './utils.js';
import { oneHot, validateDataset } from './utils.js';

export interface TensorPair {
  /** [N, numFeatures] float32 (or [N, 28, 28, 1] for MNIST with layout 'nhwc'). */
  xs: Tensor;
  /** [N] int32 class indices, or [N, numClasses] float32 with oneHot. */
  ys: Tensor;
}

/**
 * A dataset as tensors: xs [N, numFeatures] float32, ys [N] int32 (or one-hot
 * [N, numClasses] float32). Checks shapes, finiteness and label range first.
 * The caller owns (and disposes) both tensors.
 */
export function toTensors(ds: HostDataset, options: { oneHot?: boolean; shape?: readonly number[] } = {}): TensorPair {
  validateDataset(ds, 'toTensors', true);
  const xs = tensor(ds.features, options.shape ?? [ds.numExamples, ds.numFeatures], 'float32');
  const ys = options.oneHot
    ? tensor(oneHot(ds.labels, ds.numClasses), [ds.numExamples, ds.numClasses], 'float32')
    : tensor(ds.labels, [ds.numExamples], 'int32');
  return { xs, ys };
}

/**
 * loadMnist, then toTensors: xs [N, 784] float32 in [0, 1] (layout 'nhwc':
 * [N, 28, 28, 1]), ys [N] int32 (or one-hot [N, 10] float32).
 */
export async function mnistTensors(options: MnistOptions & { layout?: 'flat' | 'nhwc'; oneHot?: boolean } = {}): Promise<TensorPair> {
  const { layout, oneHot, ...load } = options;
  const ds = await loadMnist(load);
  return toTensors(ds, { oneHot: oneHot ?? false, ...(layout === 'nhwc' ? { shape: [ds.count, MNIST_ROWS, MNIST_COLS, 1] } : {}) });
}
