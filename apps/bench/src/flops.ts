/**
 * Floating-point operations per workload run, for the GFLOP/s figure beside
 * each time: a multiply-add counts 2. Only matrix products and convolutions
 * are counted (biases, activations, pooling, losses and optimizer updates are
 * a few percent of the seed models' work, so model figures slightly undercount
 * what runs); memory-bound workloads (elementwise, reductions, dispatch,
 * random numbers) and the LSTM get none.
 */
import type { ModelSpec } from './models.js';

/** C[m×n] = A[m×k]·B[k×n]. */
export const matMulFlops = (m: number, k: number, n: number): number => 2 * m * k * n;

/** A stride-1 SAME convolution (and each of its two gradients): batch·H·W output pixels, each O dot products of F·F·C. */
export const convFlops = (batch: number, H: number, W: number, C: number, O: number, F: number): number => 2 * batch * H * W * O * F * F * C;

/**
 * One forward pass of `spec` on `batch` samples, or (train) one training
 * step: the forward pass, each layer's weight gradient, and the input
 * gradient of every layer after the first (the data needs none), each as
 * costly as the layer's forward product.
 */
export function modelFlops(spec: ModelSpec, batch: number, train: boolean): number {
  let shape = [...spec.inputShape];
  let forward = 0;
  let backward = 0;
  let first = true;
  for (const l of spec.layers) {
    if (l.kind === 'dense') {
      const f = matMulFlops(batch, shape[shape.length - 1]!, l.units);
      forward += f;
      backward += first ? f : 2 * f;
      shape = [l.units];
      first = false;
    } else if (l.kind === 'conv') {
      const [H, W, C] = shape as [number, number, number];
      const f = convFlops(batch, H, W, C, l.filters, l.size);
      forward += f;
      backward += first ? f : 2 * f;
      shape = [H, W, l.filters];
      first = false;
    } else if (l.kind === 'avgpool') {
      shape = [Math.floor(shape[0]! / l.size), Math.floor(shape[1]! / l.size), shape[2]!];
    } else if (l.kind === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
    }
  }
  return train ? forward + backward : forward;
}

/** GFLOP/s of a run of `flops` taking `ms`. */
export const gflopsOf = (flops: number, ms: number): number => flops / ms / 1e6;
