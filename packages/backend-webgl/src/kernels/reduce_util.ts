import type { DType, TensorInfo } from '@polytensor/core';
import type { WebGLStore } from '../store.js';
import type { TfTensorInfo } from '../tfjs.js';
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

/**
 * Run a program over a reduction view: one fragment per output element, whose
 * `main` knows `base`, the flat index of its first term (term r is at
 * base + r * ptQ, of ptR terms); `body` follows and calls setOutput. The
 * view's temporary is released.
 */
export function runReduction(s: WebGLStore, op: string, view: ReductionView, outSize: number, dtype: DType, body: string): TfTensorInfo {
  const main = `
    void main() {
      int o = getOutputCoords();
      int p = o / ptQ;
      int q = o - p * ptQ;
      int base = p * ptR * ptQ + q;
      ${body}
    }`;
  const uniforms = [
    { name: 'ptR', type: 'int' as const },
    { name: 'ptQ', type: 'int' as const },
  ];
  const out = s.flat(op, ['x'], [view.x], outSize, dtype, main, uniforms, [[view.R], [view.Q]]);
  if (view.temp) s.disposeTemp(view.x);
  return out;
}
