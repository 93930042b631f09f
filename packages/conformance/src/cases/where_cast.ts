import type { DType } from '@polytensor/core';
import { fmtNum } from '../float.js';
import { broadcastMap, broadcastShapes, host, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { judgeFor } from './judges.js';
import type { ConformanceCase } from './types.js';
import { SPECIALS, int32, mixedValues, wide } from './values.js';

/** Values for where and cast: random floats with NaN, ±0, ±Inf and subnormals mixed in. */
const gen = (dtype: DType, r: Rng, n: number): number[] => mixedValues(dtype, r, n, 0.2);

function whereCase(name: string, dtype: DType, sc: readonly number[], sa: readonly number[], sb: readonly number[]): ConformanceCase {
  return kernelCase({
    kernel: 'where',
    name,
    inputs: (r) => [host(sc, gen('bool', r, sizeOf(sc)), 'bool'), host(sa, gen(dtype, r, sizeOf(sa)), dtype), host(sb, gen(dtype, r, sizeOf(sb)), dtype)],
    call: (b, [c, x, y]) => b.kernels.where(c!, x!, y!, broadcastShapes(c!.shape, broadcastShapes(x!.shape, y!.shape))),
    expect: ([c, x, y], num) => {
      const out = ref.where(c!, x!, y!);
      return { shape: out.shape, dtype, ref: out.values, judge: judgeFor('where', num, dtype) };
    },
    describe: ([c, x, y], i) => {
      const shape = broadcastShapes(c!.shape, broadcastShapes(x!.shape, y!.shape));
      const at = (t: HostTensor): number => t.values[broadcastMap(t.shape, shape)[i]!]!;
      return `cond=${at(c!)}, a=${fmtNum(at(x!))}, b=${fmtNum(at(y!))}`;
    },
  });
}

function castCase(name: string, from: DType, to: DType, values: (r: Rng) => number[], shape?: readonly number[]): ConformanceCase {
  return kernelCase({
    kernel: 'cast',
    name,
    inputs: (r) => {
      const v = values(r);
      return [host(shape ?? [v.length], v, from)];
    },
    call: (b, [x]) => b.kernels.cast(x!, to),
    expect: ([x], num) => {
      const out = ref.cast(x!, to);
      return { shape: out.shape, dtype: to, ref: out.values, judge: judgeFor('cast', num, to) };
    },
    describe: ([x], i) => `x=${fmtNum(x!.values[i]!)}`,
  });
}

/** Finite floats inside int32's range (float→int32 of NaN or out-of-range values is not pinned). */
const castable = (r: Rng): number[] => [
  ...r.array(64, wide(-20, 30)),
  0.5,
  -0.5,
  1.9999999,
  -1.9999999,
  2.5,
  -2.5,
  0,
  -0,
  2147483520,
  -2147483648,
  16777217,
  1e-30,
  -0.9999,
];

export const whereCases: readonly ConformanceCase[] = [
  whereCase('float32 same shape [4,5]', 'float32', [4, 5], [4, 5], [4, 5]),
  whereCase('float32 cond [3,1] ⊗ a [1,4] ⊗ b scalar', 'float32', [3, 1], [1, 4], []),
  whereCase('float32 rank 6 broadcast', 'float32', [2, 1, 2, 1, 1, 3], [1, 3, 1, 2, 1, 1], [2, 1, 1, 1, 2, 3]),
  whereCase('float32 scalar cond', 'float32', [], [2, 3], [2, 3]),
  whereCase('int32 [2,3,4] ⊗ [4]', 'int32', [2, 3, 4], [4], [3, 1]),
  whereCase('bool [5] ⊗ [5]', 'bool', [5], [5], [1]),
  whereCase('empty [0,2]', 'float32', [0, 2], [1, 2], [0, 1]),
];

export const castCases: readonly ConformanceCase[] = [
  castCase('float32 → int32 truncates toward zero', 'float32', 'int32', castable),
  castCase('float32 → bool (NaN → true, ±0 → false)', 'float32', 'bool', (r) => [...SPECIALS, ...r.array(20, wide(-30, 30))]),
  castCase('float32 → float32 keeps NaN, ±0, subnormals', 'float32', 'float32', (r) => [...SPECIALS, ...r.array(20, wide(-30, 30))]),
  castCase('int32 → float32 rounds to nearest even', 'int32', 'float32', (r) => [...r.array(40, int32), 16777217, 16777219, -16777217, 2147483647]),
  castCase('int32 → bool', 'int32', 'bool', (r) => [0, ...r.array(30, int32)]),
  castCase('bool → float32', 'bool', 'float32', () => [0, 1, 1, 0]),
  castCase('bool → int32', 'bool', 'int32', () => [1, 0, 0, 1, 1]),
  castCase('int32 → int32 rank 4', 'int32', 'int32', (r) => r.array(24, int32), [2, 3, 2, 2]),
  castCase('empty [0,3] float32 → int32', 'float32', 'int32', () => [], [0, 3]),
];
