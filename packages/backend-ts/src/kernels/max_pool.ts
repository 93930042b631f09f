import type { TsStore } from '../store.js';
import type { Conv2DInfo, KernelImpl } from '@polytensor/core';
import { pool } from './avg_pool.js';

/** Max over each window's real cells; NaN propagates; a window with no real cells gives -Infinity. */
export const maxPool = (x: Float32Array, info: Conv2DInfo): Float32Array => pool(x, info, true);

/** The contract-level kernel: storage in, storage out. */
export const maxPoolKernel: KernelImpl<'maxPool', TsStore> = (s, x, info) => s.output(maxPool(s.f32(x, 'maxPool'), info), info.outShape);
