import type { FusedActivation } from '@polytensor/core';
import { host, shapeStr, sizeOf, type HostTensor } from '../host.js';
import * as ref from '../reference/index.js';
import type { Rng } from '../rng.js';
import { kernelCase } from './harness.js';
import { accumulationJudge, fusedJudge } from './judges.js';
import type { ConformanceCase } from './types.js';
import { uniform, wide } from './values.js';

const operand =
  (shape: readonly number[], gen: (r: Rng) => number = uniform(-2, 2)) =>
  (r: Rng): HostTensor =>
    host(shape, r.array(sizeOf(shape), gen));

function mmShapes(B: [number, number], M: number, K: number, N: number, tA: boolean, tB: boolean): [number[], number[]] {
  return [tA ? [B[0], K, M] : [B[0], M, K], tB ? [B[1], N, K] : [B[1], K, N]];
}

function matMulCase(
  name: string,
  B: [number, number],
  M: number,
  K: number,
  N: number,
  tA: boolean,
  tB: boolean,
  inputs?: (r: Rng) => HostTensor[],
): ConformanceCase {
  const [sa, sb] = mmShapes(B, M, K, N, tA, tB);
  return kernelCase({
    kernel: 'matMul',
    name: `${name} a ${shapeStr(sa)} b ${shapeStr(sb)}${tA ? ' transposeA' : ''}${tB ? ' transposeB' : ''}`,
    inputs: inputs ?? ((r) => [operand(sa, mixedMagnitudes)(r), operand(sb, mixedMagnitudes)(r)]),
    call: (b, [x, y]) => b.kernels.matMul(x!, y!, tA, tB),
    expect: ([x, y], num) => {
      const a = ref.matMul(x!, y!, tA, tB);
      return { shape: a.out.shape, dtype: 'float32', ref: a.out.values, judge: accumulationJudge(a, num) };
    },
    describe: ([x, y], i) => {
      const a = ref.matMul(x!, y!, tA, tB);
      return `${a.terms[i]} products, Σ|a·b| = ${a.absSum[i]!.toPrecision(6)}`;
    },
  });
}

/** Signed values over a few binades, so sums cancel and terms differ in size. */
const mixedMagnitudes = (r: Rng): number => (r.bool(0.8) ? r.float(-2, 2) : wide(-6, 6)(r));

const TRANSPOSES: ReadonlyArray<readonly [boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

export const matMulCases: readonly ConformanceCase[] = [
  ...TRANSPOSES.map(([tA, tB]) => matMulCase('[1,7,9]·[1,9,5]', [1, 1], 7, 9, 5, tA, tB)),
  ...TRANSPOSES.map(([tA, tB]) => matMulCase('batch 3', [3, 3], 4, 6, 5, tA, tB)),
  matMulCase('batch broadcast a', [1, 4], 3, 5, 2, false, false),
  matMulCase('batch broadcast b', [4, 1], 3, 5, 2, false, true),
  matMulCase('64×64·64×48', [1, 1], 64, 64, 48, false, false),
  matMulCase('long dot K=1000', [1, 1], 2, 1000, 3, false, false),
  matMulCase('vector M=1', [1, 1], 1, 17, 6, false, false),
  matMulCase('vector N=1', [2, 2], 5, 11, 1, true, false),
  matMulCase('K=1', [1, 1], 4, 1, 6, false, false),
  matMulCase('empty K=0 gives zeros', [1, 1], 3, 0, 4, false, false),
  matMulCase('empty M=0', [1, 1], 0, 5, 4, false, false),
  matMulCase('empty batch', [0, 1], 2, 3, 4, false, false),
  matMulCase('NaN and Inf propagate', [1, 1], 3, 4, 3, false, false, () => [
    host([1, 3, 4], [NaN, 1, 2, 3, 1, Infinity, 1, 1, 1, 2, 3, 4]),
    host([1, 4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  ]),
];

function fusedCase(M: number, K: number, N: number, withBias: boolean, act: FusedActivation, tA: boolean, tB: boolean): ConformanceCase {
  const sa = tA ? [K, M] : [M, K];
  const sb = tB ? [N, K] : [K, N];
  return kernelCase({
    kernel: 'fusedMatMul',
    name: `${act}${withBias ? ' + bias' : ''} a ${shapeStr(sa)} b ${shapeStr(sb)}${tA ? ' transposeA' : ''}${tB ? ' transposeB' : ''}`,
    inputs: (r) => {
      const xs = [operand(sa)(r), operand(sb)(r)];
      if (withBias) xs.push(operand([N])(r));
      return xs;
    },
    call: (b, [x, y, bias]) => b.kernels.fusedMatMul(x!, y!, bias ?? null, act, tA, tB),
    expect: ([x, y, bias], num) => {
      const a = ref.fusedMatMul(x!, y!, bias ?? null, act, tA, tB);
      return { shape: [...a.out.shape], dtype: 'float32', ref: a.out.values, judge: fusedJudge(a, act, num) };
    },
  });
}

export const fusedMatMulCases: readonly ConformanceCase[] = [
  fusedCase(5, 7, 4, false, 'linear', false, false),
  fusedCase(5, 7, 4, true, 'linear', false, false),
  fusedCase(6, 8, 3, true, 'relu', false, false),
  fusedCase(6, 8, 3, true, 'sigmoid', true, false),
  fusedCase(6, 8, 3, true, 'tanh', false, true),
  fusedCase(4, 9, 5, false, 'relu', true, true),
  fusedCase(0, 3, 2, true, 'relu', false, false),
];
