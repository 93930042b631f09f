/** Op cases: gatherND, scatterND, segment sums, topk, unique, searchSorted, bincount, where with broadcasting. */
import type { ConformanceCase } from '../cases/types.js';

export const indexingOpCases: readonly ConformanceCase<'op'>[] = [];
