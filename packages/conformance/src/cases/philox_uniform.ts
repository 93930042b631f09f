/**
 * Kernel philoxUniform: core's float32 uniforms and dropout masks, judged
 * exactly. The reference replays the generator element by element with core's
 * scalar `philox4x32` (not the bulk runs the host path uses) and rounds the
 * 53-bit double to float32 with Math.fround, so a backend that draws on the
 * GPU (integer rounding of the 53 bits) is checked against an independent
 * route. The seeds and lengths of the edge cases were found by scanning the
 * stream: an element that rounds up to 1 (so becomes 0), exact ties between
 * two float32 values (rounded to even, up and down) and a draw below 2^-24.
 */
import type { DropoutMaskSpec, PhiloxKey } from '@polytensor/core';
import type { Judgement } from '../compare.js';
import { shapeStr } from '../host.js';
import { philoxUniform, philoxUniformAt } from '../reference/philox_uniform.js';
import { kernelCase } from './harness.js';
import type { ConformanceCase } from './types.js';

const EXACT: Judgement = { kind: 'exact', signedZero: true };

const seedKey = (seed: number, stream = 0): PhiloxKey => ({ k0: seed >>> 0, k1: Math.floor(seed / 2 ** 32) >>> 0, stream });

function uniformCase(what: string, shape: readonly number[], key: PhiloxKey, dropout: DropoutMaskSpec | null = null): ConformanceCase<'philoxUniform'> {
  const mask = dropout === null ? '' : ` dropout ≥ ${dropout.threshold} → ${dropout.scale}`;
  return kernelCase({
    kernel: 'philoxUniform',
    name: `${shapeStr(shape)} ${what}${mask}`,
    inputs: () => [],
    call: (b) => b.kernels.philoxUniform(shape, key, dropout),
    expect: () => ({ shape, dtype: 'float32', ref: philoxUniform(shape, key, dropout).values, judge: EXACT }),
    describe: (_xs, i) => `element ${i} of stream ${key.stream} under key (${key.k0}, ${key.k1})`,
  });
}

/** Dropout's mask spec for `rate`, rounded as core's dropout rounds it. */
const rateMask = (rate: number): DropoutMaskSpec => ({ threshold: Math.fround(rate), scale: Math.fround(1 / Math.fround(1 - rate)) });

/** A threshold equal to one element's own value: that element is kept (≥). */
const thresholdAt = (key: PhiloxKey, i: number): DropoutMaskSpec => ({ threshold: philoxUniformAt(key, i), scale: 2 });

const wideKey: PhiloxKey = { k0: 0xdeadbeef, k1: 0x0012_3456, stream: 0xfffffffe };

export const philoxUniformCases: readonly ConformanceCase<'philoxUniform'>[] = [
  uniformCase('empty', [0], seedKey(5)),
  uniformCase('scalar', [], seedKey(5)),
  uniformCase('7 elements (no whole run of 8)', [7], seedKey(7, 3)),
  uniformCase('odd rank 3', [3, 5, 11], seedKey(1234567)),
  uniformCase('key words above 2^31, last stream', [257, 129], wideKey),
  uniformCase('seed above 2^32', [4, 1000], seedKey(2 ** 40 + 17, 9)),
  uniformCase('element 858091 rounds up to 1, so 0', [858092], seedKey(11)),
  uniformCase('element 922854 a tie, rounded up to even', [922855], seedKey(13)),
  uniformCase('element 804312 a tie, rounded down to even', [804313], seedKey(50)),
  uniformCase('element 432769 below 2^-24, a tie', [432770], seedKey(86)),
  uniformCase('rate 0.5', [50, 14, 14, 4], seedKey(101, 2), rateMask(0.5)),
  uniformCase('rate 0.25', [3, 333], seedKey(102), rateMask(0.25)),
  uniformCase('rate 0 (all kept)', [100], seedKey(103), rateMask(0)),
  uniformCase('rate just below 1', [1000], seedKey(104), rateMask(0.99999994)),
  uniformCase('threshold equal to element 3', [16], seedKey(105), thresholdAt(seedKey(105), 3)),
  uniformCase('round-up-to-1 element dropped', [858092], seedKey(11), rateMask(0.1)),
];
