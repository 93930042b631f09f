import type { TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import { transpose } from './transpose.js';

/**
 * A reduction seen as [P, R, Q]: P outer positions, R reduced terms, Q inner
 * positions (the reduced axes made consecutive, by a transpose when they are
 * not). `x` is the tensor to read (a temporary when `temp` is true).
 */
export interface ReductionView {
  readonly x: TensorInfo;
  readonly temp: boolean;
  readonly P: number;
  readonly R: number;
  readonly Q: number;
  readonly outShape: number[];
}

export function reductionView(s: WebGLStore, x: TensorInfo, axes: readonly number[]): ReductionView {
  const shape = x.shape;
  const outShape = shape.filter((_, i) => !axes.includes(i));
  const consecutive = axes.every((a, k) => k === 0 || a === axes[k - 1]! + 1);
  let src = x;
  let temp = false;
  let first = axes[0]!;
  let last = axes[axes.length - 1]!;
  if (!consecutive) {
    const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...kept, ...axes];
    src = transpose(s, x, perm);
    temp = true;
    first = kept.length;
    last = shape.length - 1;
  }
  let P = 1;
  let R = 1;
  let Q = 1;
  src.shape.forEach((d, i) => {
    if (i < first) P *= d;
    else if (i <= last) R *= d;
    else Q *= d;
  });
  return { x: src, temp, P, R, Q, outShape };
}

/** Compile-time loop bound for R terms: the next power of two (so programs are shared across sizes). */
export function loopBound(n: number): number {
  let b = 16;
  while (b < n) b *= 2;
  return b;
}
