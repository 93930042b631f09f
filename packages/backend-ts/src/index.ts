import { registerBackend } from '@polytensor/core';
import { createTsBackend, TS_KERNELS, TS_NUMERICS, type TsBackend, type TsBackendOptions } from './backend.js';

export { createTsBackend, TS_KERNELS, TS_NUMERICS, type TsBackend, type TsBackendOptions };
export type { TsBackendLimits } from './limits.js';
export { TsStore } from './store.js';
export { getThreads, setThreads, shutdownThreads, threadStats, threadsReady } from './parallel/pool.js';

// Importing the package installs it. Priority 1: the lowest of the real backends,
// so any accelerated backend that is installed and initialises wins by default.
registerBackend('ts', () => createTsBackend(), 1);
