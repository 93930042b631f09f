import { registerBackend } from '@polytensor/core';
import { createGpujsBackend, GPUJS_CPU_NUMERICS, GPUJS_KERNELS, GPUJS_NUMERICS, type GpujsBackend } from './backend.js';

export { createGpujsBackend, GPUJS_CPU_NUMERICS, GPUJS_KERNELS, GPUJS_NUMERICS, type GpujsBackend };
export type { GpujsBackendOptions, GpujsInfo, GpujsMode } from './context.js';
export { GpujsLimitError, GpujsUnavailableError } from './errors.js';
export { GpujsStore, HOST_MAX_ELEMENTS } from './store.js';
export { warmup, type WarmupReport } from '@polytensor/core'; // one implementation for every GPU backend

// Importing the package installs it. Priority 1.5: above ts (1), below wasm (2)
// and webgl (3): gpu.js's per-kernel cost makes it slower than wasm on typical
// work (a training step of the seed MLP), see the README for the measurements.
registerBackend('gpujs', () => createGpujsBackend(), 1.5);
