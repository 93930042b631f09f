/** Op cases: conv1d, depthwise/separable, conv2dTranspose, dilations, maxPoolWithArgmax, resize, 3-D convolution and pooling. */
import type { ConformanceCase } from '../cases/types.js';

export const convOpCases: readonly ConformanceCase<'op'>[] = [];
