/**
 * The op cases of core's composite ops, family by family: forward cases
 * (kind 'op') and gradient cases (kind 'gradient', subject 'op').
 */
import type { ConformanceCase } from '../cases/types.js';
import { convOpCases } from './conv.js';
import { indexingOpCases } from './indexing.js';
import { mathOpCases } from './math.js';
import { randomOpCases } from './random.js';
import { shapeOpCases } from './shape.js';
import { splitOpCases } from './split.js';

export const opCases: readonly ConformanceCase<'op'>[] = [
  ...splitOpCases,
  ...shapeOpCases,
  ...indexingOpCases,
  ...mathOpCases,
  ...convOpCases,
  ...randomOpCases,
];

/**
 * Composite ops with forward cases but no gradient cases: integer or boolean
 * results, sampling, indices (each line says why). Every other op with cases
 * needs gradient cases (checked by ops.test.ts).
 */
export const OPS_WITHOUT_GRADIENT: ReadonlySet<string> = new Set<string>([
  // shape and movement:
  // indexing and selection:
  // math:
  'floorDiv', // piecewise constant: its gradient is 0 wherever it exists
  'step', // piecewise constant: its gradient is 0 wherever it exists
  'any', // bool result
  'all', // bool result
  // convolutions and images:
  // random (samples: no gradient):
]);

export { opCase, opGradient, EXACT, EXACT_SIGNED_ZERO, ulps, relative, type OpJudge, type OpSpec } from './harness.js';
