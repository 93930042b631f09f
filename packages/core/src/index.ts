export * from './backend/types.js';
export * from './backend/kernels.js';
export type * from './backend/backend.js';
export { PolytensorError } from './errors.js';
export { computeConv2DInfo, computePool2DInfo, type PaddingSpec } from './ops/conv_util.js';
