/// <reference types="@webgpu/types" preserve="true" />
// (WebGPU's types for the public declarations that name GPUDevice and friends: @webgpu/types is a dependency, so an app compiling with skipLibCheck off finds them.)
import { registerBackend } from '@polytensor/core';
import { createWebGPUBackend, WEBGPU_KERNELS, type WebGPUBackend } from './backend.js';

export { createWebGPUBackend, WEBGPU_KERNELS, type WebGPUBackend };
export type { WebGPUBackendOptions } from './device.js';
export { WebGPUBackendError, WebGPUDeviceLostError, WebGPUUnavailableError } from './errors.js';
export { restoreWebGPUBackend } from './restore.js';

/** The priority `webgpu` registers with: above webgl (3), wasm (2) and ts (1). */
export const WEBGPU_PRIORITY = 4;

// Importing the package installs it. Where WebGPU initialises it is the default
// backend; where it does not, ready() falls back to the next registered one.
registerBackend('webgpu', () => createWebGPUBackend(), WEBGPU_PRIORITY);
