// Model inputs as host arrays: the same numbers become a polytensor tensor on
// the backend under test and a tfjs tensor on tfjs's cpu backend.
import { Rng } from '@polytensor/conformance';
import { type Tensor, tensor } from '@polytensor/core';
import * as tf from '@tensorflow/tfjs';

export interface HostInput {
  values: Float32Array | Int32Array;
  /** With the batch dimension. */
  shape: number[];
  dtype: 'float32' | 'int32';
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Standard normal values, seeded by a name (so each case's inputs never shift when others change). */
export function normalInput(seed: string, shape: number[], scale = 1): HostInput {
  const r = new Rng(seed);
  return { values: Float32Array.from({ length: size(shape) }, () => scale * r.normal()), shape, dtype: 'float32' };
}

/** Uniform values in [0, 1) (image-like). */
export function uniformInput(seed: string, shape: number[]): HostInput {
  const r = new Rng(seed);
  return { values: Float32Array.from({ length: size(shape) }, () => r.next()), shape, dtype: 'float32' };
}

/** Integer ids in [1, vocab) (no padding id 0), int32. */
export function idInput(seed: string, shape: number[], vocab: number): HostInput {
  const r = new Rng(seed);
  return { values: Int32Array.from({ length: size(shape) }, () => r.int(1, vocab - 1)), shape, dtype: 'int32' };
}

/** The inputs as polytensor tensors on the active backend (the caller disposes them). */
export const toPolytensor = (xs: readonly HostInput[]): Tensor[] => xs.map((x) => tensor(x.values, x.shape, x.dtype));

/** The inputs as tfjs tensors (the caller disposes them). */
export const toTfjs = (xs: readonly HostInput[]): tf.Tensor[] => xs.map((x) => tf.tensor(x.values, x.shape, x.dtype));
