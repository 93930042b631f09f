// Shared by the thread-pool tests: a workload of large kernels and a runner
// that returns the bits of every output for a given thread count.
import { expect } from 'vitest';
import { computeConv2DInfo, type TensorInfo } from '@polytensor/core';
import { Harness, randomFloats } from '../test_util.js';
import { setThreads, threadsReady } from './pool.js';

/** Run `fn` with `threads` threads; return the bits of every output. */
export async function withThreads(threads: number | 'auto', fn: (h: Harness) => TensorInfo[]): Promise<number[][]> {
  setThreads(threads);
  await threadsReady();
  const h = new Harness();
  const outs = fn(h).map((o) => Array.from(new Uint32Array(h.outF32(o).buffer)));
  expect(h.finish()).toBe(0);
  return outs;
}

export function workload(h: Harness): TensorInfo[] {
  const be = h.be;
  const a = h.input(randomFloats(300 * 200, 1), [300, 200]);
  const b = h.input(randomFloats(200 * 100, 2), [200, 100]);
  const bias = h.input(randomFloats(100, 3), [100]);
  const x = h.input(randomFloats(8 * 14 * 14 * 16, 4), [8, 14, 14, 16]);
  const w = h.input(randomFloats(3 * 3 * 16 * 24, 5), [3, 3, 16, 24]);
  const same = computeConv2DInfo('conv2d', [8, 14, 14, 16], [3, 3, 16, 24], 1, 'same');
  const strided = computeConv2DInfo('conv2d', [8, 14, 14, 16], [3, 3, 16, 24], 2, 'same');
  const dy = h.input(randomFloats(8 * 14 * 14 * 24, 6), same.outShape);
  const dy2 = h.input(randomFloats(8 * 7 * 7 * 24, 7), strided.outShape);
  return [
    be.kernels.matMul(a, b, false, false),
    be.kernels.matMul(b, a, true, true),
    be.kernels.fusedMatMul(a, b, bias, 'relu', false, false),
    be.kernels.fusedMatMul(a, b, bias, 'sigmoid', false, false),
    be.kernels.fusedConv2d(x, w, h.input(randomFloats(24, 8), [24]), 'relu', same),
    be.kernels.conv2dBackpropInput(dy, w, same),
    be.kernels.conv2dBackpropFilter(x, dy, same),
    be.kernels.conv2dBackpropInput(dy2, w, strided),
    be.kernels.conv2dBackpropFilter(x, dy2, strided),
    ...winogradWorkload(h),
  ];
}

/** Three Winograd convolutions big enough to split: forward and dx by tiles, dW by its 4 tile groups (3 pool jobs). */
export function winogradWorkload(h: Harness, only?: 'filter'): TensorInfo[] {
  const be = h.be;
  const info = computeConv2DInfo('conv2d', [16, 16, 16, 32], [3, 3, 32, 32], 1, 'same');
  const x = h.input(randomFloats(16 * 16 * 16 * 32, 9), info.inShape);
  const dy = h.input(randomFloats(16 * 16 * 16 * 32, 11), info.outShape);
  const dw = be.kernels.conv2dBackpropFilter(x, dy, info);
  if (only === 'filter') return [dw];
  const w = h.input(randomFloats(9 * 32 * 32, 10), info.filterShape);
  return [be.kernels.fusedConv2d(x, w, h.input(randomFloats(32, 12), [32]), 'relu', info), be.kernels.conv2dBackpropInput(dy, w, info), dw];
}
