/**
 * The op cases of core's composite ops, family by family: forward cases
 * (kind 'op') and gradient cases (kind 'gradient', subject 'op').
 */
import type { ConformanceCase } from '../cases/types.js';
import { convOpCases } from './conv.js';
import { gradToolsOpCases } from './grad_tools.js';
import { indexingOpCases } from './indexing.js';
import { mathOpCases } from './math.js';
import { miscOpCases } from './misc.js';
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
  ...miscOpCases,
  ...gradToolsOpCases,
];

/**
 * Composite ops with forward cases but no gradient cases: integer or boolean
 * results, sampling, indices (each line says why). Every other op with cases
 * needs gradient cases (checked by ops.test.ts).
 */
export const OPS_WITHOUT_GRADIENT: ReadonlySet<string> = new Set<string>([
  // shape and movement:
  'linspace', // creation from numbers: no tensor input
  'broadcastArgs', // int32 shapes in, an int32 shape out
  'ensureShape', // returns x itself: nothing on the tape to differentiate
  // indexing and selection:
  'unique', // distinct values and int32 indices: no gradient (as in tfjs)
  'searchSorted', // int32 insertion indices
  'lowerBound', // int32 insertion indices
  'upperBound', // int32 insertion indices
  'logicalXor', // bool
  'whereAsync', // int32 coordinates
  'inTopKAsync', // bool
  'setdiff1dAsync', // async (output sized by the values): grads() takes synchronous functions
  'booleanMaskAsync', // async (output sized by the mask): grads() takes synchronous functions; the result is a gather of its input
  // math:
  // convolutions and images:
  // random (samples: no gradient):
  'randomUniformInt', // int32 samples
  'randomStandardNormal', // samples: no input to differentiate
  'rand', // values from a user function
  'multinomial', // int32 class indices
  'randomGamma', // samples: no input to differentiate
  'bernoulli', // 0/1 samples: piecewise constant in the probabilities
  // misc:
  'cosineWindow', // host-computed constants from numbers
]);

export { opCase, opGradient, EXACT, EXACT_SIGNED_ZERO, ulps, relative, type OpJudge, type OpSpec } from './harness.js';
