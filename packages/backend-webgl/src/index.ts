import { registerBackend } from '@polytensor/core';
import { createWebGLBackend, WEBGL_KERNELS, WEBGL_OPTIMIZER, type WebGLBackend } from './backend.js';

export { createWebGLBackend, WEBGL_KERNELS, WEBGL_OPTIMIZER, type WebGLBackend };
export type { WebGLBackendOptions, WebGLPrecision, WebGLRandomRoute, WebGLVersion } from './context.js';
export { WebGLBackendError, WebGLContextLostError, WebGLPrecisionError, WebGLUnavailableError } from './errors.js';
export { warmup, type WarmupReport } from '@polytensor/core'; // one implementation for every GPU backend

// Importing the package installs it. Priority 3: above wasm (2) and ts (1), so
// where WebGL with float32 textures initialises, it is the default backend.
registerBackend('webgl', () => createWebGLBackend(), 3);
