/** Op cases: split and unstack (several outputs from one tensor, one tape node). */
import { split, unstack } from '@polytensor/core';
import type { ConformanceCase } from '../cases/types.js';
import type { HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import { uniform, specials } from './inputs.js';
import { opCase, opGradient } from './harness.js';

/** The reference pieces of `x` along `axis`, of the given sizes. */
function pieces(x: HostTensor, sizes: readonly number[], axis: number): HostTensor[] {
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === axis ? offset : 0));
    offset += s;
    return ref.slice(
      x,
      begin,
      x.shape.map((d, i) => (i === axis ? s : d)),
    );
  });
}

const drop = (x: HostTensor, axis: number): HostTensor => ({ ...x, shape: x.shape.filter((_, i) => i !== axis) });

export const splitOpCases: readonly ConformanceCase<'op'>[] = [
  opCase({
    op: 'split',
    name: '3 equal pieces, axis 1',
    inputs: (r) => [uniform([2, 6, 3])(r)],
    core: ([x]) => split(x!, 3, 1),
    reference: ([x]) => pieces(x!, [2, 2, 2], 1),
  }),
  opCase({
    op: 'split',
    name: 'sizes [1,-1,0] (rest, empty), NaN ±Inf −0',
    inputs: (r) => [specials([5, 2])(r)],
    core: ([x]) => split(x!, [1, -1, 0], 0),
    reference: ([x]) => pieces(x!, [1, 4, 0], 0),
    judge: { kind: 'exact', signedZero: true },
  }),
  opCase({
    op: 'unstack',
    name: 'axis -1, rank 3',
    inputs: (r) => [uniform([2, 3, 4])(r)],
    core: ([x]) => unstack(x!, -1),
    reference: ([x]) => pieces(x!, [1, 1, 1, 1], 2).map((p) => drop(p, 2)),
  }),
  opCase({
    op: 'unstack',
    name: 'rank 1 to scalars',
    inputs: (r) => [specials([5])(r)],
    core: ([x]) => unstack(x!),
    reference: ([x]) => pieces(x!, [1, 1, 1, 1, 1], 0).map((p) => drop(p, 0)),
    judge: { kind: 'exact', signedZero: true },
  }),
  opGradient({
    op: 'split',
    name: 'pieces weighted differently',
    inputs: (r) => [uniform([3, 4])(r)],
    core: ([x]) => {
      const [a, b] = split(x!, [1, 3], 1);
      return b!.mul(2).sum(1).add(a!.squeeze(1).mul(-3));
    },
    reference: ([x]) => {
      const out = new Float64Array(3);
      for (let i = 0; i < 3; i++) out[i] = -3 * x!.values[i * 4]! + 2 * (x!.values[i * 4 + 1]! + x!.values[i * 4 + 2]! + x!.values[i * 4 + 3]!);
      return { shape: [3], values: out, dtype: 'float32' }; // unrounded: the differences need float64's digits
    },
  }),
  opGradient({
    op: 'unstack',
    name: 'one slice unused',
    inputs: (r) => [uniform([2, 3])(r)],
    core: ([x]) => {
      const [a, , c] = unstack(x!, 1);
      return a!.mul(c!);
    },
    reference: ([x]) => ({ shape: [2], values: Float64Array.of(x!.values[0]! * x!.values[2]!, x!.values[3]! * x!.values[5]!), dtype: 'float32' }),
  }),
];
