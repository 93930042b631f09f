import type { KernelImpl } from '@polytensor/core';
import { CDTYPE, type Tw, type WasmRuntime } from '../runtime.js';
import type { WasmStore } from '../store.js';

/**
 * Permute axes with the tfjs wasm Transpose kernel. Size-1 axes are dropped and
 * axes that stay adjacent are merged first, so the C kernel runs at the lowest
 * rank (its 2-, 3- and 4-d paths are the fast ones); an identity is a memcpy.
 */
export function transpose(rt: WasmRuntime, x: Tw, perm: readonly number[]): Tw {
  const outShape = perm.map((p) => x.shape[p]!);
  const out = rt.empty(outShape, x.dtype);
  if (x.data.size === 0) return out;
  // Drop size-1 axes, renumbering the rest.
  const kept = perm.filter((p) => x.shape[p] !== 1);
  const order = [...kept].sort((a, b) => a - b);
  let p = kept.map((a) => order.indexOf(a));
  let shape = order.map((a) => x.shape[a]!);
  // Merge runs p[i+1] = p[i] + 1 (adjacent in input and output).
  const groups: number[][] = [];
  for (const a of p) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1]! + 1 === a) g.push(a);
    else groups.push([a]);
  }
  const byFirst = [...groups].sort((g1, g2) => g1[0]! - g2[0]!);
  shape = byFirst.map((g) => g.reduce((n, a) => n * shape[a]!, 1));
  p = groups.map((g) => byFirst.indexOf(g));
  if (p.every((a, i) => a === i)) {
    rt.copy(x.data, 0, out.data, 0, x.data.size);
    return out;
  }
  rt.m._Transpose(x.data.id, rt.ints(0, shape), shape.length, CDTYPE[x.dtype], out.data.id, rt.ints(1, p), p.length);
  return out;
}

/** The contract-level kernel: this instance's buffers in, a buffer it owns out. */
export const transposeKernel: KernelImpl<'transpose', WasmStore> = (s, x, perm) => s.run(() => transpose(s.rt, s.input(x, 'transpose'), perm));
