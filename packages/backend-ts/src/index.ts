import { registerBackend } from '@polytensor/core';
import { createTsBackend, TsBackend } from './backend.js';

export { createTsBackend, TsBackend };
export type { TsBackendLimits } from './limits.js';
export { getThreads, setThreads, shutdownThreads, threadStats, threadsReady } from './parallel/pool.js';

// Importing the package installs it. Priority 1: the lowest of the real backends,
// so any accelerated backend that is installed and initialises wins by default.
registerBackend('ts', () => new TsBackend(), 1);
